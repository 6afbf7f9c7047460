import type { EngineContext } from '../context.js';
import type { SchedulerApi } from '../services.js';

/** The scheduler jobs of 'periodic' devices (connect, sync, disconnect every pull interval). */
export class PullJobs {
  /** Registered jobs and their period, so only a change re-registers. */
  private readonly jobs = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly scheduler: SchedulerApi | undefined,
    private readonly pull: (id: string, signal: AbortSignal) => Promise<void>,
  ) {}

  sync(ids: string[]): void {
    const scheduler = this.scheduler;
    if (!scheduler) return;
    const want = new Set(ids.map((id) => `ble-pull:${id}`));
    for (const j of this.jobs.keys())
      if (!want.has(j)) {
        scheduler.unregister(j);
        this.jobs.delete(j);
      }
    const everyMs = this.ctx.settings.get().schedule.pullIntervalMin * 60_000;
    for (const id of ids) {
      const name = `ble-pull:${id}`;
      if (this.jobs.get(name) === everyMs) continue;
      scheduler.register({
        name,
        kind: 'periodic',
        everyMs,
        // A little after start, so the scan has seen the device before its first pull.
        initialDelayMs: 2_000,
        sync: true,
        backoff: { policy: 'exponential', baseMs: 30_000, capMs: everyMs },
        timeoutMs: 120_000,
        run: (signal) => this.pull(id, signal),
      });
      this.jobs.set(name, everyMs);
    }
  }

  dispose(): void {
    this.sync([]);
  }
}
