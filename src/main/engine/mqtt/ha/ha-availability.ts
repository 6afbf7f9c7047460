/**
 * Home Assistant entity availability, as its MQTT integration models it: an entity with no
 * availability topic is always available; otherwise each topic (from `availability_topic` or the
 * `availability` list, each with its payloads and an optional `value_template`) is unavailable
 * until it says otherwise, and `availability_mode` combines them: `all` topics available, `any`
 * of them, or the `latest` message on any (the default).
 */
import type { HaEntity } from './ha-config.js';
import { samePayload } from './ha-state.js';

interface Heard {
  /** Per topic: what it last said. */
  each: Map<string, boolean>;
  latest?: { topic: string; up: boolean };
}

export interface EntityAvailability {
  /** Undefined: the entity has no availability of its own (it is available while reachable). */
  available?: boolean;
  reason?: string;
}

export class HaAvailabilityTracker {
  private readonly heard = new Map<string, Heard>();

  /**
   * One message on one of the entity's availability topics. Returns whether it said anything
   * (false: the payload is neither available nor not available, or its template failed; `error`
   * says why).
   */
  onMessage(e: HaEntity, topic: string, payload: string): { ok: true } | { error: string } {
    const a = e.availability.find((x) => x.topic === topic);
    if (!a) return { ok: true };
    let v: unknown = payload;
    if (a.template) {
      const r = a.template.render(payload);
      if (!r.ok) return { error: `availability template: ${r.reason}` };
      v = r.value;
    }
    const up = samePayload(v, a.available)
      ? true
      : samePayload(v, a.notAvailable)
        ? false
        : undefined;
    if (up === undefined) return { error: 'neither available nor not available' };
    let h = this.heard.get(e.key);
    if (!h) this.heard.set(e.key, (h = { each: new Map() }));
    h.each.set(topic, up);
    h.latest = { topic, up };
    return { ok: true };
  }

  of(e: HaEntity): EntityAvailability {
    if (e.availability.length === 0) return {};
    const h = this.heard.get(e.key);
    const topics = e.availability.map((a) => a.topic);
    if (!h) return { available: false, reason: `no availability message yet (${topics[0]})` };
    if (e.availabilityMode === 'latest') {
      const l = h.latest!;
      return l.up ? { available: true } : { available: false, reason: `${l.topic} says offline` };
    }
    const down = topics.filter((t) => h.each.get(t) !== true);
    if (e.availabilityMode === 'all' && down.length) {
      const t = down[0];
      const said = h.each.has(t) ? 'says offline' : 'has said nothing yet';
      return { available: false, reason: `${t} ${said} (all must be online)` };
    }
    if (e.availabilityMode === 'any' && down.length === topics.length)
      return { available: false, reason: 'none of its availability topics says online' };
    return { available: true };
  }

  /** The entity left (or its config changed): what was heard no longer applies. */
  clear(key: string): void {
    this.heard.delete(key);
  }

  reset(): void {
    this.heard.clear();
  }
}
