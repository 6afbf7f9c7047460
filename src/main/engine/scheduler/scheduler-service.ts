import type { JobState } from '../../../shared/contract/index.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { HistoryApi, JobSpec, SchedulerApi } from '../services.js';
import { backoffDelay, DEFAULT_BACKOFF, effectiveInterval, isSyncJob } from './backoff.js';
import { JobStore, lastRememberedSync, rememberedFrom, type RememberedJob } from './job-store.js';
import { osNetworkMonitor, type NetworkMonitor } from './network.js';

export interface SchedulerOptions {
  /** Defaults to the OS's interfaces (some non-loopback address means online). */
  network?: NetworkMonitor;
  /**
   * The longest the planner sleeps. Node timers do not notice a changed wall clock or a regained
   * network, so this bounds how late the scheduler sees either.
   */
  tickMs?: number;
}

type Outcome = { ok: true } | { ok: false; error: string };

interface Job {
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

/**
 * The engine's background jobs, the desktop counterpart of WorkManager: periodic and one-off jobs
 * with constraints, backoff, timeouts and catch-up. Wall-clock times (nextRun) drive everything and
 * come from ctx.ports.clock only, so tests run it on a controllable clock.
 */
export class SchedulerService implements SchedulerApi {
  readonly name = 'scheduler' as const;
  readonly handlers: Partial<Handlers>;
  private readonly jobs = new Map<string, Job>();
  private readonly log: Logger;
  private readonly network: NetworkMonitor;
  private readonly tickMs: number;
  private readonly offs: (() => void)[] = [];
  private timer: unknown = null;
  /** The job table in the history database: undefined until looked for, null when there is none. */
  private store: JobStore | null | undefined;
  /** What earlier runs of the app recorded, by job name (kept current while the store is open). */
  private remembered = new Map<string, RememberedJob>();
  private paused = false;
  private started = false;
  private disposed = false;

  constructor(
    private readonly ctx: EngineContext,
    opts: SchedulerOptions = {},
  ) {
    this.log = ctx.log('scheduler');
    this.network = opts.network ?? osNetworkMonitor;
    this.tickMs = opts.tickMs ?? 30_000;
    this.handlers = {
      listJobs: () => this.list(),
      runJob: async ({ name }) => {
        await this.runNow(name);
        return { ...this.get(name).state };
      },
    };
  }

  start(): void {
    this.started = true;
    this.openStore(true);
    // Jobs registered before the database was there (not so in the default order) resume now.
    for (const j of this.jobs.values()) {
      const r = this.remembered.get(j.spec.name);
      if (r && j.state.lastRun === null && !j.busy) {
        this.resume(j, r, this.now());
        this.push(j, false);
      }
    }
    // "Last sync N min ago" at once, even before (or without) the sync jobs registering again.
    if (this.remembered.size > 0) this.pushStatus();
    const { power } = this.ctx.ports;
    this.offs.push(
      // Timers may have slept with the machine: whatever fell due meanwhile runs at once.
      power.onResume(() => this.runDue()),
      power.onPowerSourceChange(() => this.restretch()),
      this.ctx.settings.onChange((next, prev) => {
        if (next.schedule.batteryStretch !== prev.schedule.batteryStretch) this.restretch();
      }),
    );
    if (this.network.onChange) this.offs.push(this.network.onChange(() => this.runDue()));
    this.runDue();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    for (const off of this.offs.splice(0)) off();
    for (const j of this.jobs.values()) {
      j.abort?.abort(new Error('scheduler stopped'));
      // A handler that ignores its signal must not keep a timer (and the process) alive.
      if (j.timeout !== null) this.ctx.ports.clock.clearTimeout(j.timeout);
      j.timeout = null;
    }
  }

  register(spec: JobSpec): void {
    if (spec.kind === 'periodic' && !(spec.everyMs && spec.everyMs > 0)) {
      throw new Error(`periodic job ${spec.name} needs everyMs > 0`);
    }
    const now = this.now();
    const prev = this.jobs.get(spec.name);
    // Services register their jobs in their own start, which may come before ours.
    if (!prev) this.openStore(false);
    // Re-registering (a changed pull interval) keeps the job's history and any run in progress.
    const job: Job = prev ?? {
      spec,
      state: {
        name: spec.name,
        state: this.paused ? 'paused' : 'idle',
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
    job.spec = spec;
    job.state = { ...job.state, kind: spec.kind, sync: isSyncJob(spec) };
    const remembered = prev ? undefined : this.remembered.get(spec.name);
    const inBackoff = prev !== undefined && job.state.failures > 0 && !job.fromInterval;
    if (remembered) this.resume(job, remembered, now);
    else if (!job.busy && !inBackoff) {
      // A periodic job that ran before keeps its rhythm; a new one waits its initial delay.
      if (spec.kind === 'periodic' && job.state.lastRun !== null) this.planInterval(job, job.base);
      else this.setNext(job, now + (spec.initialDelayMs ?? 0), spec.initialDelayMs ?? 0, false);
    }
    this.jobs.set(spec.name, job);
    this.push(job);
    if (this.started) this.runDue();
  }

  unregister(name: string): void {
    const job = this.jobs.get(name);
    if (!job) return;
    job.abort?.abort(new Error('job unregistered'));
    this.jobs.delete(name);
    this.pushStatus();
    this.plan();
  }

  /** Runs a job at once, even while paused or on battery (the user asked); not without network. */
  async runNow(name: string): Promise<void> {
    const job = this.get(name);
    await this.start1(job, true);
  }

  syncNow(): string[] {
    const names = [...this.jobs.values()].filter((j) => j.state.sync).map((j) => j.spec.name);
    for (const n of names)
      this.runNow(n).catch((err) =>
        this.log.warn('sync now failed', { job: n, error: String(err) }),
      );
    return names;
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const j of this.jobs.values()) {
      if (j.state.state === 'running') continue;
      j.state = { ...j.state, state: paused ? 'paused' : 'idle' };
      delete j.state.blockedBy;
      this.push(j, false);
    }
    this.pushStatus();
    if (paused) this.clearTimer();
    else this.runDue();
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state }));
  }

  private get(name: string): Job {
    const job = this.jobs.get(name);
    if (!job) throw new EngineError('not_found', `no job ${name}`, 'name');
    return job;
  }

  /** Starts every job that is due, then sleeps until the next one (or the tick). */
  private runDue(): void {
    if (this.disposed || !this.started) return;
    if (!this.paused) {
      const now = this.ctx.ports.clock.now();
      for (const j of this.jobs.values()) {
        const next = j.state.nextRun;
        if (next === null || j.busy) continue;
        // The wall clock moved back: never wait longer than the delay that was planned.
        if (next > now + j.plannedDelay)
          this.setNext(j, now + j.plannedDelay, j.plannedDelay, false);
        if (j.state.nextRun! <= now) void this.start1(j, false);
      }
    }
    this.plan();
  }

  private plan(): void {
    this.clearTimer();
    if (this.disposed || !this.started || this.paused || this.jobs.size === 0) return;
    const now = this.ctx.ports.clock.now();
    let wake = now + this.tickMs;
    for (const j of this.jobs.values()) {
      if (j.busy || j.state.nextRun === null || j.state.state === 'waiting') continue;
      wake = Math.min(wake, j.state.nextRun);
    }
    this.timer = this.ctx.ports.clock.setTimeout(
      () => {
        this.timer = null;
        this.runDue();
      },
      Math.max(0, wake - now),
    );
  }

  private clearTimer(): void {
    if (this.timer !== null) this.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Checks constraints and runs the job once; never two runs of one job at a time. */
  private start1(job: Job, manual: boolean): Promise<void> {
    if (job.current) return job.current;
    if (job.busy) return Promise.resolve(); // A timed-out run is still winding down.
    const blocked = this.blockedBy(job.spec, manual);
    if (blocked) {
      if (job.state.state !== 'waiting' || job.state.blockedBy !== blocked) {
        job.state = { ...job.state, state: 'waiting', blockedBy: blocked };
        if (manual) job.state.nextRun = Math.min(job.state.nextRun ?? Infinity, this.now());
        this.push(job);
      }
      return Promise.resolve();
    }
    return (job.current = this.run(job));
  }

  private blockedBy(spec: JobSpec, manual: boolean): JobState['blockedBy'] | undefined {
    if (spec.constraints?.network && !this.network.isOnline()) return 'network';
    if (!manual && spec.constraints?.acPower && this.ctx.ports.power.isOnBattery())
      return 'ac_power';
    return undefined;
  }

  private async run(job: Job): Promise<void> {
    const { clock } = this.ctx.ports;
    const abort = new AbortController();
    job.abort = abort;
    job.busy = true;
    job.state = { ...job.state, state: 'running', lastRun: clock.now() };
    delete job.state.blockedBy;
    this.push(job);
    const handler = (async () => job.spec.run(abort.signal))();
    const outcome = await new Promise<Outcome>((resolve) => {
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
    if (job.timeout !== null) clock.clearTimeout(job.timeout);
    job.timeout = null;
    // The handler may ignore its signal; the job stays busy (no second run) until it settles.
    void handler
      .catch(() => undefined)
      .then(() => {
        job.busy = false;
        if (job.abort === abort) job.abort = null;
        if (this.jobs.get(job.spec.name) === job) this.runDue();
      });
    job.current = null;
    if (this.jobs.get(job.spec.name) !== job || this.disposed) return;
    this.record(job, outcome);
    this.plan();
  }

  private record(job: Job, outcome: Outcome): void {
    const now = this.now();
    const s: JobState = { ...job.state, state: this.paused ? 'paused' : 'idle' };
    if (outcome.ok) {
      s.failures = 0;
      s.lastSuccess = now;
      delete s.lastError;
      job.state = s;
      if (job.spec.kind === 'periodic') this.planInterval(job, now);
      else this.setNext(job, null, 0, false);
    } else {
      s.failures += 1;
      s.lastError = outcome.error;
      job.state = s;
      this.log.warn('job failed', {
        job: job.spec.name,
        failures: s.failures,
        error: outcome.error,
      });
      if (job.spec.kind === 'periodic' && !job.spec.backoff) this.planInterval(job, now);
      else {
        const d = backoffDelay(job.spec.backoff ?? DEFAULT_BACKOFF, s.failures);
        this.setNext(job, now + d, d, false);
      }
    }
    this.remember(job, now);
    this.push(job);
  }

  /** Looks for the history database once it may be open; `final`: stop looking (in memory then). */
  private openStore(final: boolean): void {
    if (this.store !== undefined) return;
    // Undefined at run time while the history is not open, despite the interface's type.
    const db = this.ctx.service<HistoryApi>('history')?.db;
    if (!db) {
      if (final) this.store = null;
      return;
    }
    try {
      const store = new JobStore(db);
      this.remembered = store.loadAll();
      this.store = store;
    } catch (err) {
      this.store = null;
      this.log.warn('job state is kept in memory only', { error: errorText(err) });
    }
  }

  /** A job known from before the restart: its state shows at once and its rhythm goes on. */
  private resume(job: Job, r: RememberedJob, now: number): void {
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
    // Planned from when the last outcome was recorded, as record() would have done.
    if (r.failures > 0 && (spec.kind === 'oneoff' || spec.backoff)) {
      const d = backoffDelay(spec.backoff ?? DEFAULT_BACKOFF, r.failures);
      this.setNext(job, r.updated + d, d, false);
    } else if (spec.kind === 'periodic' && r.lastRun !== null) this.planInterval(job, r.updated);
    else this.setNext(job, now + initial, initial, false);
    // Overdue: as soon as its owner allows after registering (a BLE pull waits for the scan).
    if (job.state.nextRun! < now + initial) this.setNext(job, now + initial, initial, false);
  }

  /** One upsert per finished run; a failed write only costs the memory across a restart. */
  private remember(job: Job, at: number): void {
    if (!this.store) return;
    const r = rememberedFrom(job.state, at);
    this.remembered.set(r.name, r);
    try {
      this.store.save(r);
    } catch (err) {
      this.log.warn('job state not saved', { job: r.name, error: errorText(err) });
    }
  }

  private planInterval(job: Job, base: number): void {
    const s = this.ctx.settings.get().schedule;
    const every = effectiveInterval(
      job.spec.everyMs!,
      this.ctx.ports.power.isOnBattery(),
      s.batteryStretch,
    );
    job.base = base;
    this.setNext(job, base + every, every, true);
  }

  private setNext(job: Job, at: number | null, delay: number, fromInterval: boolean): void {
    job.state = { ...job.state, nextRun: at };
    job.plannedDelay = delay;
    job.fromInterval = fromInterval;
  }

  /** The power source or the stretch factor changed: periodic waits follow the new period. */
  private restretch(): void {
    for (const j of this.jobs.values()) {
      if (!j.fromInterval || j.busy) continue;
      this.planInterval(j, j.base);
      this.push(j, false);
    }
    this.pushStatus();
    this.runDue();
  }

  private push(job: Job, withStatus = true): void {
    this.ctx.events.emit('jobs', [{ ...job.state }]);
    if (withStatus) this.pushStatus();
  }

  private pushStatus(): void {
    let lastSyncAt = lastRememberedSync(this.remembered.values());
    for (const j of this.jobs.values()) {
      const t = j.state.sync ? j.state.lastSuccess : null;
      if (t !== null && (lastSyncAt === null || t > lastSyncAt)) lastSyncAt = t;
    }
    // Keep a sync time from an unregistered job (a device unpaired) rather than going back to never.
    const prev = this.ctx.status().lastSyncAt;
    if (prev !== null && (lastSyncAt === null || prev > lastSyncAt)) lastSyncAt = prev;
    this.ctx.setStatus({ jobs: this.list(), lastSyncAt });
  }

  private now(): number {
    return this.ctx.ports.clock.now();
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
