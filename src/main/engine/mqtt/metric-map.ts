/**
 * Which canonical metric (src/shared/metrics.ts) a smart-home value is, and how its unit converts
 * to the metric's SI-style unit. Hints: a Home Assistant device_class, a Zigbee2MQTT expose name
 * (without its endpoint), the unit the device states. The metric is a tag saying what an entity
 * measures; the series is the entity's own, so two temperatures of one device stay two series.
 * Unknown: undefined, and the dialect keeps the value as a 'generic' series in its own unit.
 */
import { unitOf, type Metric } from '../../../shared/metrics.js';
import { own } from '../../../shared/own.js';

export interface MetricMapping {
  metric: Metric;
  unit: string;
  convert(v: number): number;
}

const same = (v: number) => v;

/** Per metric: factors (or functions) from the units devices use to the canonical unit. */
const UNIT_CONVERSIONS: Partial<Record<Metric, Record<string, (v: number) => number>>> = {
  temperature: {
    '°C': same,
    C: same,
    '°F': (v) => ((v - 32) * 5) / 9,
    F: (v) => ((v - 32) * 5) / 9,
    K: (v) => v - 273.15,
  },
  pressure: {
    hPa: same,
    mbar: same,
    Pa: (v) => v / 100,
    kPa: (v) => v * 10,
    bar: (v) => v * 1000,
    psi: (v) => v * 68.9476,
    inHg: (v) => v * 33.8639,
    mmHg: (v) => v * 1.33322,
  },
  voltage: { V: same, mV: (v) => v / 1000, kV: (v) => v * 1000 },
  current: { A: same, mA: (v) => v / 1000 },
  energy: { kWh: same, Wh: (v) => v / 1000, MWh: (v) => v * 1000 },
  power: { W: same, kW: (v) => v * 1000, mW: (v) => v / 1000 },
  weight: {
    kg: same,
    g: (v) => v / 1000,
    lb: (v) => v * 0.45359237,
    oz: (v) => v * 0.028349523125,
  },
  distance: { m: same, cm: (v) => v / 100, mm: (v) => v / 1000, km: (v) => v * 1000 },
  speed: { 'm/s': same, 'km/h': (v) => v / 3.6, mph: (v) => v * 0.44704 },
  rssi: { dBm: same },
};

/** Home Assistant device classes and Zigbee2MQTT property names -> metric. */
const NAMES: Record<string, Metric> = {
  temperature: 'temperature',
  local_temperature: 'temperature',
  device_temperature: 'temperature',
  humidity: 'humidity',
  pressure: 'pressure',
  atmospheric_pressure: 'pressure',
  illuminance: 'illuminance',
  illuminance_lux: 'illuminance',
  battery: 'battery',
  voltage: 'voltage',
  current: 'current',
  energy: 'energy',
  power: 'power',
  carbon_dioxide: 'co2',
  co2: 'co2',
  eco2: 'co2',
  volatile_organic_compounds: 'tvoc',
  voc: 'tvoc',
  pm25: 'pm25',
  pm10: 'pm10',
  moisture: 'moisture',
  soil_moisture: 'moisture',
  signal_strength: 'rssi',
  weight: 'weight',
  distance: 'distance',
  speed: 'speed',
};

/**
 * When nothing names a measured value, an unambiguous unit still does (never for a setting: an
 * offset in °C or an alarm threshold in W is not a temperature or a power). Not ppm: CO₂, VOC and
 * formaldehyde all come in ppm.
 */
const BY_UNIT: Record<string, Metric> = {
  '°C': 'temperature',
  '°F': 'temperature',
  hPa: 'pressure',
  lx: 'illuminance',
  W: 'power',
  kWh: 'energy',
  V: 'voltage',
  mV: 'voltage',
  A: 'current',
  dBm: 'rssi',
};

export interface MetricHint {
  /** A Home Assistant device_class, or a Zigbee2MQTT expose name (without its endpoint). */
  name?: string;
  unit?: string;
  /** A setting (config entity, or a value the user sets): only its name can make it a metric. */
  setting?: boolean;
}

export function metricFor(hint: MetricHint): MetricMapping | undefined {
  const unit = hint.unit?.trim() ?? '';
  const named = hint.name && Object.hasOwn(NAMES, hint.name) ? NAMES[hint.name] : undefined;
  const metric = named ?? (hint.setting ? undefined : own(BY_UNIT, unit));
  if (!metric) return undefined;
  const canonical = unitOf(metric);
  const table = UNIT_CONVERSIONS[metric];
  let convert = same;
  if (table && unit && unit !== canonical) {
    const f = own(table, unit);
    // A unit we cannot convert would store wrong numbers under the metric: keep it out instead.
    if (!f) return undefined;
    convert = f;
  }
  // Old Zigbee2MQTT converters report a raw illuminance without a unit (not lux): skip it.
  if (hint.name === 'illuminance' && unit !== 'lx') return undefined;
  return { metric, unit: canonical, convert };
}

/** A value no metric describes, kept as it comes: its own series, tagged 'generic'. */
export const genericMapping = (unit: string | undefined): MetricMapping => ({
  metric: 'generic',
  unit: unit?.trim() ?? '',
  convert: same,
});

/** A finite number from a device value ("21.5", 21.5), or undefined ("unknown", "", NaN). */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v))
    return Number(v);
  return undefined;
}

/** A raw level (brightness 0..scale) as 0..100 %. */
export const toPercent = (raw: number, scale: number) =>
  Math.max(0, Math.min(100, Math.round((raw / (scale || 255)) * 100)));
