import type { Device, DeviceKind, Entity } from '../../../shared/model';
import { entitiesOf } from '../../../shared/entities';
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

/** An entity the dashboard shows as a value: one that measures a metric. */
export type ValueEntity = Entity & { metric: Metric };

const measures = (e: Entity): e is ValueEntity => e.metric !== undefined && e.metric in METRICS;

/**
 * The entities a card shows, most important first, at most `max`: the device's primary entities
 * (never its configuration or diagnostics), by the metrics its kind cares for most, then in the
 * device's order. A capability not reported yet counts as its metric's own entity, so a new device
 * says what it measures before its first reading.
 */
export function primaryEntities(d: Device, max = 3): ValueEntity[] {
  const all = entitiesOf(d).filter(
    (e): e is ValueEntity => e.category === 'primary' && measures(e) && !SECONDARY.has(e.metric),
  );
  for (const m of d.capabilities)
    if (!SECONDARY.has(m) && m in METRICS && !all.some((e) => e.metric === m))
      all.push({ key: m, name: METRICS[m].label, metric: m, category: 'primary' });
  const order = PREFERRED[d.kind] ?? [];
  // By the kind's order of metrics; of one metric, its own entity (`cadence`) before a second
  // one (`cadence_power_meter`). Array.prototype.sort is stable: the rest keep the device's order.
  const rank = (e: ValueEntity) => {
    const i = order.indexOf(e.metric);
    return (i < 0 ? order.length : i) * 2 + (e.key === e.metric ? 0 : 1);
  };
  return all.sort((a, b) => rank(a) - rank(b)).slice(0, max);
}

/** The device's configuration or diagnostic entities that hold a value, in its order. */
export function otherEntities(d: Device, category: 'config' | 'diagnostic'): ValueEntity[] {
  return entitiesOf(d).filter((e): e is ValueEntity => e.category === category && measures(e));
}

export function sparkEntity(d: Device): ValueEntity | undefined {
  return primaryEntities(d, 1)[0];
}

/** What a binary entity senses: its own class, else the device's (an older device's one state). */
export const binaryClassOf = (d: Device, e: Entity): string | undefined =>
  e.metric === 'state'
    ? (e.binaryClass ?? (e.key === 'state' ? d.binaryClass : undefined))
    : undefined;

/** An entity's name; a binary state is named after what it senses ("Window", "Battery low"). */
export function entityLabel(d: Device, e: ValueEntity): string {
  const cls = binaryClassOf(d, e);
  if (e.key === e.metric) return metricLabel(e.metric, cls);
  return e.name || metricLabel(e.metric, cls);
}

/**
 * What 1 and 0 of a binary state mean: Home Assistant's words for its classes, and for two words
 * sources use besides (BTHome's battery_low; 'contact', which older versions gave Zigbee2MQTT door
 * sensors). 1 is the class's "on" word for every source, so a contact's 1 is open (as its stored
 * readings always were). The same table as the engine's (BINARY_WORDS in shared/binary-classes.ts;
 * binary-words.test.ts keeps them equal).
 */
const BINARY_WORDS: Readonly<Record<string, readonly [on: string, off: string]>> = {
  ...BINARY_CLASS_WORDS,
  battery_low: ['low', 'normal'],
  contact: ['open', 'closed'],
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
