import { isMetric, type Metric } from '../../../shared/metrics.js';
import type { Device, LatestValue, Reading, ReadingStatus } from '../../../shared/model.js';
import { STATE_FIELDS } from './ha-discovery.js';

/** One reading in a state message: time, value, and the status when it is not a number. */
export type StateReading = [ts: number, value: number | null, status?: ReadingStatus];

/** What an entity key measures: the device's entity says, else a key that is a metric is one. */
export function metricOf(d: Device | undefined, key: string): Metric | undefined {
  const e = d?.entities?.find((x) => x.key === key);
  if (e) return e.metric;
  return isMetric(key) ? key : undefined;
}

/**
 * A wearable's bridged state: the latest value of each entity (what Home Assistant shows) and
 * every reading since the last state message (what another gateway relays, and the RR intervals
 * Home Assistant gets as attributes), so a notification with four RR intervals is four readings
 * out, not the last one.
 */
export class WearableState {
  readonly latest = new Map<string, { value: number | null; ts: number; metric: Metric }>();
  private fresh = new Map<string, StateReading[]>();
  /** The readings the last state message carried (a republished state carries them again). */
  private sent: Record<string, StateReading[]> = {};

  /** Seeded from the registry's latest values (keyed by entity, or by metric before entities). */
  static of(d: Device): WearableState {
    const st = new WearableState();
    for (const [key, v] of Object.entries(d.latest as Record<string, LatestValue | undefined>)) {
      const metric = v?.metric ?? metricOf(d, key);
      if (v && metric) st.latest.set(key, { value: v.value, ts: v.ts, metric });
    }
    return st;
  }

  add(r: Reading): void {
    const key = r.entity ?? r.metric;
    if (STATE_FIELDS.has(key)) return;
    const entry: StateReading =
      r.status && r.status !== 'ok' ? [r.ts, r.value, r.status] : [r.ts, r.value];
    const list = this.fresh.get(key);
    if (list) list.push(entry);
    else this.fresh.set(key, [entry]);
    const prev = this.latest.get(key);
    if (!prev || prev.ts <= r.ts)
      this.latest.set(key, { value: r.value, ts: r.ts, metric: r.metric });
  }

  /** Not the owner: what came in is not this gateway's to publish, now or later. */
  clearFresh(): void {
    this.fresh = new Map();
    this.sent = {};
  }

  hasFresh(): boolean {
    return this.fresh.size > 0;
  }

  /** The RR intervals since the last state (oldest first), for the rr topic. */
  rr(): { ts: number; rr_intervals: (number | null)[]; timestamps: number[] } | undefined {
    const all: StateReading[] = [];
    for (const [key, list] of this.fresh)
      if (this.latest.get(key)?.metric === 'rr_interval') all.push(...list);
    if (!all.length) return undefined;
    return {
      ts: Math.max(...all.map((x) => x[0])),
      rr_intervals: all.map((x) => x[1]),
      timestamps: all.map((x) => x[0]),
    };
  }

  /**
   * The retained state message, and the readings it carries for other gateways: `fresh`, those
   * since the last message; `again` (a republish), the last message's, since the outbox may have
   * replaced that message with this one (peers take a reading once; a gateway that just became
   * owner has sent none, so no peer takes its older values for new readings); `hold`, none yet
   * (ownership not confirmed by the election: they go with the first message once it is, or are
   * dropped if another gateway is elected).
   */
  message(d: Device, gateway: string, mode: 'fresh' | 'again' | 'hold'): Record<string, unknown> {
    const values: Record<string, number | null> = {};
    const timestamps: Record<string, number> = {};
    const metrics: Record<string, Metric> = {};
    let ts = 0;
    for (const [key, v] of this.latest) {
      values[key] = v.value;
      timestamps[key] = v.ts;
      if (key !== v.metric) metrics[key] = v.metric;
      ts = Math.max(ts, v.ts);
    }
    if (mode === 'fresh') {
      this.sent = Object.fromEntries(this.fresh);
      this.fresh = new Map();
    }
    const readings = mode === 'hold' ? {} : this.sent;
    return {
      gateway,
      device: d.id,
      name: d.name,
      kind: d.kind,
      ts,
      time: new Date(ts).toISOString(),
      ...values,
      timestamps,
      ...(Object.keys(metrics).length ? { metrics } : {}),
      readings,
    };
  }
}
