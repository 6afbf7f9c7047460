/**
 * What the discovery modules need from the engine, and a small router so many entities can share
 * one state topic (common with Tasmota and ESPHome, which put every sensor in one JSON message)
 * while the broker sees one subscription per topic.
 */
import type { Reading } from '../../../../shared/model.js';
import type { EntityState } from '../commands.js';
import type { DeviceRegistry, ReadingBus } from '../../devices.js';
import type { Logger } from '../../logging.js';

export type RawHandler = (topic: string, payload: Buffer) => void;

export interface DiscoveryDeps {
  subscribe(filter: string, handler: RawHandler): () => void;
  devices: DeviceRegistry;
  readings: Pick<ReadingBus, 'publish'>;
  log: Logger;
  now(): number;
  gatewayId(): string;
  maxPayloadBytes(): number;
  /** Bad input: logged once per topic with the reason; never thrown. */
  bad(topic: string, reason: string, detail?: Record<string, unknown>): void;
  /** An entity's normalized state was reported (pending commands wait for it). */
  onEntityState(deviceId: string, entity: string, state: EntityState): void;
}

type Listener = { owner: string; fn: (payload: Buffer) => void };

export class TopicRouter {
  private readonly topics = new Map<
    string,
    { off: () => void; listeners: Map<string, Listener> }
  >();
  private readonly owners = new Map<string, Set<string>>();
  private seq = 0;

  constructor(private readonly deps: DiscoveryDeps) {}

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

/** A reading from a smart-home value, stamped with this gateway. */
export function reading(
  deps: DiscoveryDeps,
  deviceId: string,
  metric: Reading['metric'],
  value: number,
  unit: string,
  source: string,
): Reading {
  return { deviceId, metric, value, unit, ts: deps.now(), source, gateway: deps.gatewayId() };
}
