import type { Device, DeviceKind } from '../../../shared/model';
import { BINARY_CLASS_WORDS } from '../../../shared/binary-classes';
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

/**
 * What 1 and 0 of a binary state mean: Home Assistant's words for its classes, and for two words
 * sources use besides (BTHome's battery_low; Zigbee2MQTT's contact, which is true when closed).
 */
const BINARY_WORDS: Readonly<Record<string, readonly [on: string, off: string]>> = {
  ...BINARY_CLASS_WORDS,
  battery_low: ['low', 'normal'],
  contact: ['closed', 'open'],
};

/** A number for humans: few decimals, no trailing noise; a binary state in words. */
export function formatValue(
  v: number | null | undefined,
  metric?: Metric,
  binaryClass?: string,
): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (metric === 'state') {
    const words =
      binaryClass && Object.hasOwn(BINARY_WORDS, binaryClass)
        ? BINARY_WORDS[binaryClass]!
        : (['on', 'off'] as const);
    return v ? words[0] : words[1];
  }
  const abs = Math.abs(v);
  const digits = abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2;
  return v.toFixed(digits);
}

/** The metric's name; a binary state is named after what it senses ("Window", "Battery low"). */
export function metricLabel(m: Metric, binaryClass?: string): string {
  if (m === 'state' && binaryClass && /^[a-z_]+$/.test(binaryClass))
    return binaryClass.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
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
