import {
  events,
  type EventBatch,
  type EventName,
  type Payload,
} from '../../shared/contract/index.js';
import { ownCopy } from '../../shared/contract/define.js';
import type { Clock } from './ports.js';

export type BatchListener = (batch: EventBatch) => void;

/**
 * Coalesces pushed events per subscriber: at most one delivery per `intervalMs`, each carrying the
 * merged payloads of every event since the last one. A burst of 10k messages becomes a handful of
 * IPC messages, so neither IPC nor React floods.
 */
export class EventBatcher {
  private readonly subs = new Set<Subscriber>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 50,
  ) {}

  subscribe(listener: BatchListener): () => void {
    const sub = new Subscriber(listener, this.clock, this.intervalMs);
    this.subs.add(sub);
    return () => {
      sub.dispose();
      this.subs.delete(sub);
    };
  }

  emit<E extends EventName>(name: E, payload: Payload<E>): void {
    for (const s of this.subs) s.push(name, payload);
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.subs.clear();
  }
}

class Subscriber {
  private pending: EventBatch = {};
  private hasPending = false;
  private timer: unknown = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly listener: BatchListener,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  push<E extends EventName>(name: E, payload: Payload<E>): void {
    const prev = this.pending[name] as Payload<E> | undefined;
    const merge = (events[name] as { merge?: (a: Payload<E>, b: Payload<E>) => Payload<E> }).merge;
    (this.pending as Record<string, unknown>)[name] =
      prev !== undefined && merge ? merge(prev, payload) : merge ? ownCopy(payload) : payload;
    this.hasPending = true;
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    if (!this.hasPending) return;
    const batch = this.pending;
    this.pending = {};
    this.hasPending = false;
    this.lastFlush = this.clock.now();
    try {
      this.listener(batch);
    } catch {
      // A broken subscriber (closed socket) must not stop the others.
    }
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = {};
    this.hasPending = false;
  }
}
