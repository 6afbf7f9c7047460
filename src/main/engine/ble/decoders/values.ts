import { unitOf, type Metric } from '../../../../shared/metrics.js';
import type { Ieee11073 } from './ieee11073.js';
import type { DecodedValue } from './types.js';

/** A plain reading in the metric's canonical unit. */
export function reading(
  metric: Metric,
  value: number,
  ts?: number | null,
  extra?: Record<string, unknown>,
): DecodedValue {
  const out: DecodedValue = { metric, value, unit: unitOf(metric) };
  if (ts !== undefined && ts !== null) out.ts = ts;
  if (extra) out.extra = extra;
  return out;
}

/** A reading from an IEEE-11073 number; specials keep their status and a null value. */
export function medical(
  metric: Metric,
  n: Ieee11073,
  convert: (v: number) => number = (v) => v,
  ts?: number | null,
  extra?: Record<string, unknown>,
): DecodedValue {
  const out = reading(metric, 0, ts, extra);
  if (n.value === null) {
    out.value = null;
    out.status = n.status;
  } else {
    out.value = round(convert(n.value));
  }
  return out;
}

/** Drops binary noise from unit conversions without losing the device's resolution. */
export function round(v: number, digits = 6): number {
  return Number(v.toFixed(digits));
}
