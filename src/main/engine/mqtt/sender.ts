import type { Clock } from '../ports.js';
import type { Outbox } from './outbox.js';

/** The part of an mqtt.js client the sender needs (a fresh one for every connection). */
export interface PublishTarget {
  publish(
    topic: string,
    payload: Buffer,
    opts: { qos: 0 | 1; retain: boolean },
    cb: (err?: Error) => void,
  ): unknown;
}

export interface SenderOptions {
  outbox: Outbox;
  clock: Clock;
  /** Messages per second (read on every refill, so a settings change applies at once). */
  ratePerSec: () => number;
  /**
   * Unacknowledged messages on the wire at most. Everything unacknowledged is sent again after a
   * reconnect, and a broker that crashed after forwarding but before its PUBACK reached us makes
   * that a duplicate (QoS1 is at-least-once); the window bounds those to `window` per crash.
   */
  window: number;
  /** After acks (the pending count changed). */
  onProgress(): void;
}

/**
 * Drains the outbox over the current connection: in row order, paced by a token bucket, deleting
 * a row only in the PUBACK callback of the connection that sent it (mqtt.js calls a QoS1 publish's
 * callback when the PUBACK arrives). A connection that ends leaves its unacknowledged rows in the
 * table; the next connection starts from the oldest row again, so nothing acked is sent twice.
 */
export class OutboxSender {
  private target: PublishTarget | null = null;
  private generation = 0;
  private cursor = 0;
  private readonly inflight = new Set<number>();
  private tokens = 0;
  private lastRefill = 0;
  private timer: unknown = null;
  private scheduled = false;
  private stopping = false;
  private highWater = 0;
  /** PUBACKed rows not deleted yet: deleted together at the end of the turn (flushAcks). */
  private acked: number[] = [];
  private ackFlushScheduled = false;
  /** Rows sent again after a reconnect because their PUBACK never came (for tests and stats). */
  resent = 0;

  constructor(private readonly opts: SenderOptions) {}

  attach(target: PublishTarget): void {
    this.flushAcks();
    this.generation += 1;
    this.stopping = false;
    this.target = target;
    this.cursor = 0;
    this.inflight.clear();
    this.lastRefill = this.opts.clock.now();
    this.tokens = Math.max(1, Math.floor(this.opts.ratePerSec() / 10));
    this.kick();
  }

  detach(): void {
    this.flushAcks(); // acknowledged before the link went: delivered, so deleted now
    this.generation += 1;
    this.target = null;
    this.inflight.clear();
    this.cancelTimer();
    this.stopping = false;
  }

  /**
   * For a graceful end: sends nothing new and waits (bounded) until the PUBACKs of what is on the
   * wire have come back and their rows are deleted, so a normal restart sends nothing twice.
   */
  async quiesce(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.cancelTimer();
    const deadline = Date.now() + timeoutMs;
    while (this.target && this.inflight.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** New rows or freed window: send what may be sent now (batched to the next tick). */
  kick(): void {
    if (!this.target || this.stopping || this.scheduled || this.timer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  dispose(): void {
    this.detach();
  }

  private pump(): void {
    const target = this.target;
    if (!target || this.stopping) return;
    const gen = this.generation;
    while (this.inflight.size < this.opts.window) {
      if (!this.takeToken()) return;
      const row = this.opts.outbox.next(this.cursor);
      if (!row) {
        this.tokens += 1; // nothing to send: give the token back
        return;
      }
      this.cursor = row.id;
      if (row.id <= this.highWater) this.resent += 1;
      else this.highWater = row.id;
      this.inflight.add(row.id);
      const id = row.id;
      target.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }, (err) => {
        // A callback from a connection that has since ended proves nothing about this one.
        if (gen !== this.generation) return;
        if (err) {
          this.inflight.delete(id);
          this.opts.onProgress();
          this.kick();
          return;
        }
        // PUBACKs that arrive in one read (one per state the bridge sent together) are deleted in
        // one transaction at the end of this turn: one WAL commit instead of one per row. The row
        // stays in flight until then, so the window and quiesce() count it as unfinished.
        this.acked.push(id);
        if (!this.ackFlushScheduled) {
          this.ackFlushScheduled = true;
          setImmediate(() => this.flushAcks());
        }
      });
      if (gen !== this.generation) return; // publish() failed synchronously and closed the link
    }
  }

  /** Deletes the rows of the PUBACKs received so far and frees their window slots. */
  private flushAcks(): void {
    this.ackFlushScheduled = false;
    if (!this.acked.length) return;
    const ids = this.acked;
    this.acked = [];
    this.opts.outbox.ackMany(ids);
    for (const id of ids) this.inflight.delete(id);
    this.opts.onProgress();
    this.kick();
  }

  /** Token bucket: at most one second's worth of burst. */
  private takeToken(): boolean {
    const rate = Math.max(1, this.opts.ratePerSec());
    const now = this.opts.clock.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / rate));
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, waitMs);
    return false;
  }

  private cancelTimer(): void {
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
