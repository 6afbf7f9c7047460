import type { JobState } from '../../../shared/contract/index.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { HistoryApi, JobSpec, SchedulerApi } from '../services.js';
import { effectiveInterval, isSyncJob } from './backoff.js';
import {
  applyOutcome,
  blockedBy,
  clampToPlannedDelay,
  newJob,
  nextWake,
  planInterval,
  planRegistered,
  resumeJob,
  startRun,
  type Job,
  type Outcome,
} from './job.js';
import { JobMemory } from './job-memory.js';
import { osNetworkMonitor, type NetworkMonitor } from './network.js';

export interface SchedulerOptions {
  /** Where job state is remembered across restarts (its database); in memory without it. */
  history?: HistoryApi;
  /** Defaults to the OS's interfaces (some non-loopback address means online). */
  network?: NetworkMonitor;
  /**
   * The longest the planner sleeps. Node timers do not notice a changed wall clock or a regained
   * network, so this bounds how late the scheduler sees either.
   */
  tickMs?: number;
}

/**
 * The engine's background jobs, the desktop counterpart of WorkManager: periodic and one-off jobs
 * with constraints, backoff, timeouts and catch-up. Wall-clock times (nextRun) drive everything and
 * come from ctx.ports.clock only, so tests run it on a controllable clock.
 */
export class SchedulerService implements SchedulerApi {
  readonly name = 'scheduler';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly jobs = new Map<string, Job>();
  private readonly log: Logger;
  private readonly network: NetworkMonitor;
  private readonly tickMs: number;
  private readonly offs: (() => void)[] = [];
  private timer: unknown = null;
  private readonly memory: JobMemory;
  private paused = false;
  /** The machine is going to sleep: nothing new starts until it resumes. */
  private suspended = false;
  private started = false;
  private disposed = false;

  constructor(
    private readonly ctx: EngineContext,
    opts: SchedulerOptions = {},
  ) {
    this.log = ctx.log('scheduler');
    this.network = opts.network ?? osNetworkMonitor;
    this.tickMs = opts.tickMs ?? 30_000;
    const history = opts.history;
    this.dependsOn = history ? [history] : [];
    // Started after the history: its database is open by then, or could not be opened.
    this.memory = new JobMemory(() => history?.db, this.log);
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
    this.memory.open(true);
    // Jobs registered before the database was there (not so in the default order) resume now.
    for (const j of this.jobs.values()) {
      const r = this.memory.get(j.spec.name);
      if (r && j.state.lastRun === null && !j.busy) {
        resumeJob(j, r, this.now(), this.intervalOf);
        this.push(j, false);
      }
    }
    // "Last sync N min ago" at once, even before (or without) the sync jobs registering again.
    if (this.memory.size > 0) this.pushStatus();
    const { power } = this.ctx.ports;
    this.offs.push(
      power.onSuspend(() => {
        this.suspended = true;
        this.clearTimer();
      }),
      // Timers may have slept with the machine: whatever fell due meanwhile runs at once.
      power.onResume(() => {
        this.suspended = false;
        this.runDue();
      }),
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
    if (!prev) this.memory.open(false);
    // Re-registering (a changed pull interval) keeps the job's history and any run in progress.
    const job: Job = prev ?? newJob(spec, this.paused, now);
    job.spec = spec;
    job.state = { ...job.state, kind: spec.kind, sync: isSyncJob(spec) };
    const remembered = prev ? undefined : this.memory.get(spec.name);
    if (remembered) resumeJob(job, remembered, now, this.intervalOf);
    else planRegistered(job, prev !== undefined, now, this.intervalOf);
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
    if (!this.paused && !this.suspended) {
      const now = this.ctx.ports.clock.now();
      for (const j of this.jobs.values()) {
        if (j.state.nextRun === null || j.busy) continue;
        clampToPlannedDelay(j, now);
        if (j.state.nextRun! <= now) void this.start1(j, false);
      }
    }
    this.plan();
  }

  private plan(): void {
    this.clearTimer();
    if (this.disposed || !this.started || this.paused || this.suspended || this.jobs.size === 0)
      return;
    const now = this.ctx.ports.clock.now();
    const wake = nextWake(this.jobs.values(), now, this.tickMs);
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
    const overdue = this.now() - (job.state.nextRun ?? this.now());
    const blocked = blockedBy(job.spec, manual, this.conditions, overdue);
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

  private async run(job: Job): Promise<void> {
    const { clock } = this.ctx.ports;
    const abort = new AbortController();
    job.abort = abort;
    job.busy = true;
    job.state = { ...job.state, state: 'running', lastRun: clock.now() };
    delete job.state.blockedBy;
    this.push(job);
    const { handler, outcome: settled } = startRun(job, abort, clock);
    const outcome = await settled;
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
    applyOutcome(job, outcome, now, this.paused, this.intervalOf);
    if (!outcome.ok)
      this.log.warn('job failed', {
        job: job.spec.name,
        failures: job.state.failures,
        error: outcome.error,
      });
    this.memory.save(job.state, now);
    this.push(job);
  }

  /** What job constraints are checked against. */
  private readonly conditions = {
    isOnline: () => this.network.isOnline(),
    isOnBattery: () => this.ctx.ports.power.isOnBattery(),
  };

  /** A periodic job's wait: its period, stretched on battery by the settings' factor. */
  private readonly intervalOf = (everyMs: number): number => {
    const { batteryStretch } = this.ctx.settings.get().schedule;
    return effectiveInterval(everyMs, this.ctx.ports.power.isOnBattery(), batteryStretch);
  };

  /** The power source or the stretch factor changed: periodic waits follow the new period. */
  private restretch(): void {
    for (const j of this.jobs.values()) {
      if (!j.fromInterval || j.busy) continue;
      planInterval(j, j.base, this.intervalOf);
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
    let lastSyncAt = this.memory.lastSync();
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
