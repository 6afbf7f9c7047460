import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { SchedulerApi } from '../services.js';
import { unref } from './gatt.js';
import { isChannelOf } from './channels.js';

/** The devices a BTHome sensor's extra channels became (see bthome/channels.ts). */
export const channelsOf = (ctx: EngineContext, id: string) =>
  ctx.devices.list().filter((d) => isChannelOf(d.id, id));

/** What presence needs to know of a device's link. */
export interface LinkView {
  connected: boolean;
  /** Last notification or link event (ms). */
  lastSeen: number;
}

/**
 * Presence: a paired device is away (online false) after presenceTimeoutSec without an
 * advertisement, a notification or a link. Back in range is noticed on its next advertisement.
 */
export class Presence {
  private timer: unknown = null;
  readonly seenAt = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly log: Logger,
    private readonly everyMs: number,
    private readonly link: (id: string) => LinkView | undefined,
  ) {}

  start(): void {
    const { clock } = this.ctx.ports;
    this.timer = clock.setTimeout(() => {
      this.check();
      this.start();
    }, this.everyMs);
    unref(this.timer);
  }

  dispose(): void {
    this.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private check(): void {
    const s = this.ctx.settings.get().ble;
    const now = this.ctx.ports.clock.now();
    for (const p of s.paired) {
      const l = this.link(p.id);
      if (l?.connected) continue;
      const seen = Math.max(this.seenAt.get(p.id) ?? 0, l?.lastSeen ?? 0);
      const dev = this.ctx.devices.get(p.id);
      if (dev?.online && seen > 0 && now - seen > s.presenceTimeoutSec * 1000) {
        this.ctx.devices.upsert({ id: p.id, online: false });
        for (const c of channelsOf(this.ctx, p.id))
          this.ctx.devices.upsert({ id: c.id, online: false });
        this.log.info('device away', { device: p.id, silentSec: Math.round((now - seen) / 1000) });
      }
    }
  }
}

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
