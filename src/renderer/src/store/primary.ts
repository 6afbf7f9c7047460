import type { Device, DeviceKind } from '../../../shared/model';
import { METRICS, type Metric } from '../../../shared/metrics';

/** Which metrics a card shows first, by device kind; the first one also drives the sparkline. */
const PREFERRED: Partial<Record<DeviceKind, Metric[]>> = {
  heart_rate: ['heart_rate', 'rr_interval', 'energy_expended'],
  thermometer: ['temperature'],
  scale: ['weight', 'bmi'],
  blood_pressure: ['systolic', 'diastolic', 'pulse'],
  pulse_oximeter: ['spo2', 'pulse'],
  glucose: ['glucose'],
  cycling: ['power', 'speed', 'cadence'],
  running: ['speed', 'cadence', 'stride_length'],
  sensor: ['temperature', 'humidity', 'pressure', 'co2', 'illuminance', 'moisture'],
  climate: ['temperature', 'setpoint', 'humidity'],
  light: ['brightness', 'state'],
  switch: ['state', 'power', 'energy'],
  binary_sensor: ['state'],
  cover: ['position'],
  lock: ['state'],
};

/** Metrics never shown as a card's main value (they have their own places). */
const SECONDARY = new Set<Metric>(['battery', 'rssi']);

/** The metrics a card shows, most important first, at most `max`. */
export function primaryMetrics(d: Device, max = 3): Metric[] {
  const have = new Set(Object.keys(d.latest) as Metric[]);
  for (const c of d.capabilities) have.add(c);
  const out: Metric[] = [];
  for (const m of PREFERRED[d.kind] ?? []) if (have.has(m) && out.length < max) out.push(m);
  for (const m of have) {
    if (out.length >= max) break;
    if (!out.includes(m) && !SECONDARY.has(m) && m in METRICS) out.push(m);
  }
  return out;
}

export function sparkMetric(d: Device): Metric | undefined {
  return primaryMetrics(d, 1)[0];
}

/** A number for humans: few decimals, no trailing noise. */
export function formatValue(v: number | null | undefined, metric?: Metric): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (metric === 'state') return v ? 'on' : 'off';
  const abs = Math.abs(v);
  const digits = abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2;
  return v.toFixed(digits);
}

export function metricLabel(m: Metric): string {
  return METRICS[m]?.label ?? m;
}

export function metricUnit(m: Metric): string {
  return METRICS[m]?.unit ?? '';
}

/** "just now", "5 min ago", "3 h ago", or a date. */
export function ago(ts: number | null | undefined, now = Date.now()): string {
  if (!ts) return 'never';
  const s = Math.round((now - ts) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ts).toLocaleString();
}
