import { backoffDelay } from '../../../shared/backoff.js';
import type { JobState } from '../../../shared/contract/index.js';
import type { Clock } from '../ports.js';
import type { JobSpec } from '../services.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { RememberedJob } from './job-store.js';

/**
 * A registered job and the pure planning of its runs (when next, after what outcome, under which
 * constraints). The scheduler service owns the timers and events; nothing here touches either, so
 * the arithmetic reads on its own.
 */

export type Outcome = { ok: true } | { ok: false; error: string };

export interface Job {
  spec: JobSpec;
  state: JobState;
  /** The delay nextRun was planned with: after the clock moves back, nextRun is clamped to it. */
  plannedDelay: number;
  /** nextRun came from the period (so it is re-stretched when the power source changes). */
  fromInterval: boolean;
  /** The base time of that period. */
  base: number;
  /** Resolves when the current run's outcome is recorded (success, failure or timeout). */
  current: Promise<void> | null;
  /** True until the handler itself settles, which may be after its timeout. */
  busy: boolean;
  abort: AbortController | null;
  /** The current run's timeout timer. */
  timeout: unknown;
}

/** A periodic job's wait for a given period: the period stretched on battery as settings say. */
export type IntervalOf = (everyMs: number) => number;

export function newJob(spec: JobSpec, paused: boolean, now: number): Job {
  return {
    spec,
    state: {
      name: spec.name,
      state: paused ? 'paused' : 'idle',
      lastRun: null,
      lastSuccess: null,
      nextRun: null,
      failures: 0,
    },
    plannedDelay: 0,
    fromInterval: false,
    base: now,
    current: null,
    busy: false,
    abort: null,
    timeout: null,
  };
}

export function setNext(job: Job, at: number | null, delay: number, fromInterval: boolean): void {
  job.state = { ...job.state, nextRun: at };
  job.plannedDelay = delay;
  job.fromInterval = fromInterval;
}

export function planInterval(job: Job, base: number, intervalOf: IntervalOf): void {
  const every = intervalOf(job.spec.everyMs!);
  job.base = base;
  setNext(job, base + every, every, true);
}

/** The wall clock moved back: never wait longer than the delay that was planned. */
export function clampToPlannedDelay(job: Job, now: number): void {
  const next = job.state.nextRun;
  if (next !== null && next > now + job.plannedDelay)
    setNext(job, now + job.plannedDelay, job.plannedDelay, false);
}

/**
 * The first plan of a job being registered (not one remembered from before the restart): a
 * periodic job that ran before keeps its rhythm, a new one waits its initial delay. A run in
 * progress or a backoff in progress keeps the plan it has.
 */
export function planRegistered(
  job: Job,
  reRegistered: boolean,
  now: number,
  intervalOf: IntervalOf,
): void {
  const inBackoff = reRegistered && job.state.failures > 0 && !job.fromInterval;
  if (job.busy || inBackoff) return;
  const { spec } = job;
  if (spec.kind === 'periodic' && job.state.lastRun !== null)
    planInterval(job, job.base, intervalOf);
  else setNext(job, now + (spec.initialDelayMs ?? 0), spec.initialDelayMs ?? 0, false);
}

/**
 * Records a run's outcome in the job's state and plans the next run: the period after a success
 * (or after a failure of a periodic job without a backoff policy), the backoff otherwise.
 */
export function applyOutcome(
  job: Job,
  outcome: Outcome,
  now: number,
  paused: boolean,
  intervalOf: IntervalOf,
): void {
  const s: JobState = { ...job.state, state: paused ? 'paused' : 'idle' };
  if (outcome.ok) {
    s.failures = 0;
    s.lastSuccess = now;
    delete s.lastError;
    job.state = s;
    if (job.spec.kind === 'periodic') planInterval(job, now, intervalOf);
    else setNext(job, null, 0, false);
  } else {
    s.failures += 1;
    s.lastError = outcome.error;
    job.state = s;
    if (job.spec.kind === 'periodic' && !job.spec.backoff) planInterval(job, now, intervalOf);
    else {
      const d = backoffDelay(s.failures - 1, job.spec.backoff ?? DEFAULT_BACKOFF);
      setNext(job, now + d, d, false);
    }
  }
}

/** A job known from before the restart: its state shows at once and its rhythm goes on. */
export function resumeJob(job: Job, r: RememberedJob, now: number, intervalOf: IntervalOf): void {
  const { spec } = job;
  job.state = {
    ...job.state,
    lastRun: r.lastRun,
    lastSuccess: r.lastSuccess,
    failures: r.failures,
  };
  if (r.lastError !== null) job.state.lastError = r.lastError;
  else delete job.state.lastError;
  const initial = spec.initialDelayMs ?? 0;
  // Planned from when the last outcome was recorded, as applyOutcome would have done.
  if (r.failures > 0 && (spec.kind === 'oneoff' || spec.backoff)) {
    const d = backoffDelay(r.failures - 1, spec.backoff ?? DEFAULT_BACKOFF);
    setNext(job, r.updated + d, d, false);
  } else if (spec.kind === 'periodic' && r.lastRun !== null)
    planInterval(job, r.updated, intervalOf);
  else setNext(job, now + initial, initial, false);
  // Overdue: as soon as its owner allows after registering (a BLE pull waits for the scan).
  if (job.state.nextRun! < now + initial) setNext(job, now + initial, initial, false);
}

/** When the planner must wake next: the earliest planned run, at the latest after `tickMs`. */
export function nextWake(jobs: Iterable<Job>, now: number, tickMs: number): number {
  let wake = now + tickMs;
  for (const j of jobs) {
    if (j.busy || j.state.nextRun === null || j.state.state === 'waiting') continue;
    wake = Math.min(wake, j.state.nextRun);
  }
  return wake;
}

/**
 * What keeps a job from running now; a manual run ignores the AC power constraint, and so does
 * a job overdue by its grace (`overdueMs`: how long past its due time it is).
 */
export function blockedBy(
  spec: JobSpec,
  manual: boolean,
  env: { isOnline(): boolean; isOnBattery(): boolean },
  overdueMs = 0,
): JobState['blockedBy'] | undefined {
  const c = spec.constraints;
  if (c?.network && !env.isOnline()) return 'network';
  const graceOver = c?.acPowerGraceMs !== undefined && overdueMs >= c.acPowerGraceMs;
  if (!manual && c?.acPower && !graceOver && env.isOnBattery()) return 'ac_power';
  return undefined;
}

/**
 * Starts the job's handler; `outcome` settles with its result or its timeout, whichever is first.
 * `handler` settles only when the handler itself does, which may be later (it may ignore its signal).
 */
export function startRun(
  job: Job,
  abort: AbortController,
  clock: Clock,
): { handler: Promise<void>; outcome: Promise<Outcome> } {
  const handler = (async () => job.spec.run(abort.signal))();
  const outcome = new Promise<Outcome>((resolve) => {
    handler.then(
      () => resolve({ ok: true }),
      (err: unknown) => resolve({ ok: false, error: errorText(err) }),
    );
    const ms = job.spec.timeoutMs;
    if (ms && ms > 0) {
      job.timeout = clock.setTimeout(() => {
        job.timeout = null;
        const error = `timed out after ${ms} ms`;
        abort.abort(new Error(error));
        resolve({ ok: false, error });
      }, ms);
    }
  });
  return { handler, outcome };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
