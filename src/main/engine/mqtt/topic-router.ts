/**
 * Many entities can share one state topic (common with Tasmota and ESPHome, which put every sensor
 * in one JSON message) while the broker sees one subscription per topic: the dialects route exact
 * topics to their entities through this.
 */
import type { DialectHost } from './dialect.js';

type Listener = { owner: string; fn: (payload: Buffer) => void };

export class TopicRouter {
  private readonly topics = new Map<
    string,
    { off: () => void; listeners: Map<string, Listener> }
  >();
  private readonly owners = new Map<string, Set<string>>();
  private seq = 0;

  constructor(private readonly deps: Pick<DialectHost, 'subscribe' | 'maxPayloadBytes' | 'bad'>) {}

  /** Routes messages on an exact topic to `fn` until the owner is removed. */
  add(topic: string, owner: string, fn: (payload: Buffer) => void): void {
    let entry = this.topics.get(topic);
    if (!entry) {
      const listeners = new Map<string, Listener>();
      const off = this.deps.subscribe(topic, (t, payload) => {
        if (payload.length > this.deps.maxPayloadBytes()) {
          this.deps.bad(t, 'oversized payload dropped', { bytes: payload.length });
          return;
        }
        for (const l of [...listeners.values()]) {
          try {
            l.fn(payload);
          } catch (err) {
            this.deps.bad(t, `a handler failed: ${String(err)}`, { entity: l.owner });
          }
        }
      });
      entry = { off, listeners };
      this.topics.set(topic, entry);
    }
    const id = `${++this.seq}`;
    entry.listeners.set(id, { owner, fn });
    let set = this.owners.get(owner);
    if (!set) this.owners.set(owner, (set = new Set()));
    set.add(`${id}\u0000${topic}`);
  }

  removeOwner(owner: string): void {
    const set = this.owners.get(owner);
    if (!set) return;
    this.owners.delete(owner);
    for (const ref of set) {
      const [id, topic] = ref.split('\u0000');
      const entry = this.topics.get(topic);
      if (!entry) continue;
      entry.listeners.delete(id);
      if (entry.listeners.size === 0) {
        entry.off();
        this.topics.delete(topic);
      }
    }
  }

  clear(): void {
    for (const e of this.topics.values()) e.off();
    this.topics.clear();
    this.owners.clear();
  }

  get topicCount(): number {
    return this.topics.size;
  }
}
