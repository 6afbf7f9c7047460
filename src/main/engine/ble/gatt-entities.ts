import type { Metric } from '../../../shared/metrics.js';
import type { DecodedValue } from './decoders/index.js';

/**
 * A GATT characteristic's fields are entities keyed by their metric's name (`heart_rate`,
 * `rr_interval`, `energy_expended`, `battery`). Where one device measures a metric in two
 * characteristics, the second one's entity takes a suffix, so the two never share a series: a
 * thermometer's intermediate temperature is not its measurement, and a bike's cadence from its
 * power meter is not the same series as its speed-and-cadence sensor's (which would otherwise get
 * two values for one time).
 */
const SECONDARY: Record<string, { besides: string; suffix: string; metrics: Metric[] }> = {
  // Intermediate Temperature, besides Temperature Measurement.
  '2a1e': { besides: '2a1c', suffix: 'intermediate', metrics: ['temperature'] },
  // Intermediate Cuff Pressure, besides Blood Pressure Measurement.
  '2a36': {
    besides: '2a35',
    suffix: 'intermediate',
    metrics: ['systolic', 'diastolic', 'mean_arterial_pressure', 'pulse'],
  },
  // PLX Spot-check, besides PLX Continuous (the live values keep the plain names).
  '2a5e': { besides: '2a5f', suffix: 'spot_check', metrics: ['spo2', 'pulse', 'perfusion_index'] },
  // Cycling Power's wheel and crank data, besides Cycling Speed and Cadence.
  '2a63': { besides: '2a5b', suffix: 'power_meter', metrics: ['speed', 'cadence'] },
};

/**
 * The entity keys of one characteristic's values on a device with these characteristics;
 * undefined where the key is the metric's name.
 */
export function gattKeyOf(
  uuid: string,
  chars: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): ((v: DecodedValue) => string | undefined) | undefined {
  const s = SECONDARY[uuid];
  if (!s || !chars.has(s.besides)) return undefined;
  return (v) => (s.metrics.includes(v.metric) ? `${v.metric}_${s.suffix}` : undefined);
}
