import type { Reading } from '../../../shared/model.js';
import type { DecodedValue } from './decoders/index.js';

export interface ToReadingsOptions {
  deviceId: string;
  source: string;
  gateway: string;
  now: number;
  /**
   * The entity key of a value, where the caller knows better than the value itself (a GATT
   * session suffixes a metric its device measures twice). Default: the value's own entity, else
   * its metric's name.
   */
  keyOf?: (v: DecodedValue) => string | undefined;
}

/**
 * Decoded values as readings: the device's own timestamp where it gave one, else `now`. A generic
 * quantity (a BTHome UV index, rotation) keeps the unit its decoder found for it. RR intervals
 * that came without a time of their own are spread back from `now` (see rrTimes).
 */
export function toReadings(values: DecodedValue[], o: ToReadingsOptions): Reading[] {
  const rr = rrTimes(values, o.now);
  return values.map((v, i) => {
    const r: Reading = {
      deviceId: o.deviceId,
      entity: o.keyOf?.(v) ?? v.entity ?? v.metric,
      metric: v.metric,
      value: v.value,
      unit: v.metric === 'generic' && typeof v.extra?.unit === 'string' ? v.extra.unit : v.unit,
      ts: v.ts ?? rr.get(i) ?? o.now,
      source: o.source,
      gateway: o.gateway,
    };
    if (v.status && v.status !== 'ok') r.status = v.status;
    return r;
  });
}

/**
 * A heart-rate notification carries the RR intervals since the last one, oldest first, and no
 * times: the beat that ended the last interval is the newest, so it is placed at the notification's
 * time and each earlier one earlier by the intervals that follow it. Each RR is then its own
 * reading with its own time, in order, as heart-rate variability needs. Whole milliseconds (the
 * history's resolution), rounded from the exact sums so rounding never accumulates. Returns
 * value index -> time, for the RR values without a time of their own.
 */
export function rrTimes(values: DecodedValue[], now: number): Map<number, number> {
  const out = new Map<number, number>();
  let after = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i]!;
    if (v.metric !== 'rr_interval' || v.ts !== undefined) continue;
    out.set(i, now - Math.round(after));
    after += v.value ?? 0;
  }
  return out;
}
