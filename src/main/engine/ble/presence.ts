import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import { unref } from './gatt.js';

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
  /** When each paired device last advertised. */
  private readonly seenAt = new Map<string, number>();

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

  /** A paired device advertised at `at` (ms). */
  heard(id: string, at: number): void {
    this.seenAt.set(id, at);
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
        this.log.info('device away', { device: p.id, silentSec: Math.round((now - seen) / 1000) });
      }
    }
  }
}
