import type { Metric } from '../../../../shared/metrics.js';

/*
 * BTHome v2 object ids, from the tables of https://bthome.io/format (sensor data, binary sensor
 * data, events, device information); 0x60-0x64 from the reference parser bthome-ble (const.py). `factor` scales the raw integer to the unit bthome.io lists;
 * `toMetric` converts that to the canonical metric's unit where they differ (lb -> kg, mm -> m).
 * Quantities with no canonical metric are 'generic' readings that keep their own unit in extra.
 */

export type ObjectDef =
  | {
      kind: 'sensor';
      name: string;
      size: 1 | 2 | 3 | 4;
      signed: boolean;
      factor: number;
      metric: Metric;
      /** Unit of the BTHome value when the metric is 'generic'. */
      unit?: string;
      toMetric?: number;
    }
  | { kind: 'binary'; name: string; size: 1 }
  | { kind: 'event'; name: 'button' | 'dimmer'; size: 1 | 2 }
  | { kind: 'info'; name: string; size: 1 | 2 | 3 | 4; signed: false }
  | { kind: 'bytes'; name: 'text' | 'raw' };

const s = (
  name: string,
  size: 1 | 2 | 3 | 4,
  factor: number,
  metric: Metric,
  opts: { signed?: boolean; unit?: string; toMetric?: number } = {},
): ObjectDef => ({
  kind: 'sensor',
  name,
  size,
  factor,
  metric,
  signed: opts.signed ?? false,
  ...opts,
});
const b = (name: string): ObjectDef => ({ kind: 'binary', name, size: 1 });
const g = (name: string, size: 1 | 2 | 3 | 4, factor: number, unit: string, signed = false) =>
  s(name, size, factor, 'generic', { unit, signed });
const info = (name: string, size: 1 | 2 | 3 | 4): ObjectDef => ({
  kind: 'info',
  name,
  size,
  signed: false,
});

export const BTHOME_OBJECTS: Record<number, ObjectDef> = {
  0x00: info('packet_id', 1),
  0x01: s('battery', 1, 1, 'battery'),
  0x02: s('temperature', 2, 0.01, 'temperature', { signed: true }),
  0x03: s('humidity', 2, 0.01, 'humidity'),
  0x04: s('pressure', 3, 0.01, 'pressure'),
  0x05: s('illuminance', 3, 0.01, 'illuminance'),
  0x06: s('mass_kg', 2, 0.01, 'weight'),
  0x07: s('mass_lb', 2, 0.01, 'weight', { toMetric: 0.45359237 }),
  // Dew point is not the air temperature: a generic reading, so it never overwrites it.
  0x08: g('dew_point', 2, 0.01, '°C', true),
  0x09: s('count', 1, 1, 'count'),
  0x0a: s('energy', 3, 0.001, 'energy'),
  0x0b: s('power', 3, 0.01, 'power'),
  0x0c: s('voltage', 2, 0.001, 'voltage'),
  0x0d: s('pm2_5', 2, 1, 'pm25'),
  0x0e: s('pm10', 2, 1, 'pm10'),
  0x0f: b('generic_boolean'),
  0x10: b('power'),
  0x11: b('opening'),
  0x12: s('co2', 2, 1, 'co2'),
  0x13: s('tvoc', 2, 1, 'tvoc'),
  0x14: s('moisture', 2, 0.01, 'moisture'),
  0x15: b('battery_low'),
  0x16: b('battery_charging'),
  0x17: b('carbon_monoxide'),
  0x18: b('cold'),
  0x19: b('connectivity'),
  0x1a: b('door'),
  0x1b: b('garage_door'),
  0x1c: b('gas'),
  0x1d: b('heat'),
  0x1e: b('light'),
  0x1f: b('lock'),
  0x20: b('moisture'),
  0x21: b('motion'),
  0x22: b('moving'),
  0x23: b('occupancy'),
  0x24: b('plug'),
  0x25: b('presence'),
  0x26: b('problem'),
  0x27: b('running'),
  0x28: b('safety'),
  0x29: b('smoke'),
  0x2a: b('sound'),
  0x2b: b('tamper'),
  0x2c: b('vibration'),
  0x2d: b('window'),
  0x2e: s('humidity', 1, 1, 'humidity'),
  0x2f: s('moisture', 1, 1, 'moisture'),
  0x3a: { kind: 'event', name: 'button', size: 1 },
  0x3c: { kind: 'event', name: 'dimmer', size: 2 },
  0x3d: s('count', 2, 1, 'count'),
  0x3e: s('count', 4, 1, 'count'),
  0x3f: g('rotation', 2, 0.1, '°', true),
  0x40: s('distance_mm', 2, 1, 'distance', { toMetric: 0.001 }),
  0x41: s('distance_m', 2, 0.1, 'distance'),
  0x42: g('duration', 3, 0.001, 's'),
  0x43: s('current', 2, 0.001, 'current'),
  0x44: s('speed', 2, 0.01, 'speed'),
  0x45: s('temperature', 2, 0.1, 'temperature', { signed: true }),
  0x46: g('uv_index', 1, 0.1, ''),
  0x47: g('volume', 2, 0.1, 'L'),
  0x48: g('volume', 2, 1, 'mL'),
  0x49: g('volume_flow_rate', 2, 0.001, 'm³/h'),
  0x4a: s('voltage', 2, 0.1, 'voltage'),
  0x4b: g('gas', 3, 0.001, 'm³'),
  0x4c: g('gas', 4, 0.001, 'm³'),
  0x4d: s('energy', 4, 0.001, 'energy'),
  0x4e: g('volume', 4, 0.001, 'L'),
  0x4f: g('water', 4, 0.001, 'L'),
  0x50: info('timestamp', 4),
  0x51: g('acceleration', 2, 0.001, 'm/s²'),
  0x52: g('gyroscope', 2, 0.001, '°/s'),
  0x53: { kind: 'bytes', name: 'text' },
  0x54: { kind: 'bytes', name: 'raw' },
  0x55: g('volume_storage', 4, 0.001, 'L'),
  0x56: g('conductivity', 2, 1, 'µS/cm'),
  0x57: s('temperature', 1, 1, 'temperature', { signed: true }),
  0x58: s('temperature', 1, 0.35, 'temperature', { signed: true }),
  0x59: s('count', 1, 1, 'count', { signed: true }),
  0x5a: s('count', 2, 1, 'count', { signed: true }),
  0x5b: s('count', 4, 1, 'count', { signed: true }),
  0x5c: s('power', 4, 0.01, 'power', { signed: true }),
  0x5d: s('current', 2, 0.001, 'current', { signed: true }),
  0x5e: g('direction', 2, 0.01, '°'),
  // One revision of bthome.io lists factor 1 (example 5FA00F = 4000 mm); the reference parser
  // bthome-ble (const.py) uses 0.1, and so do we: check this one against the live page.
  0x5f: g('precipitation', 2, 0.1, 'mm'),
  0x60: info('channel', 1),
  0x61: g('rotational_speed', 2, 1, 'rpm'),
  0x62: s('speed', 4, 0.000001, 'speed', { signed: true }),
  0x63: g('acceleration', 4, 0.000001, 'm/s²', true),
  0x64: g('light_level', 1, 1, ''),
  0xf0: info('device_type_id', 2),
  0xf1: info('firmware_version', 4),
  0xf2: info('firmware_version', 3),
};

/** Decimal places of a factor, so 2506 × 0.01 prints as 25.06 and 13 × 0.35 as 4.55. */
export function decimals(factor: number): number {
  if (factor >= 1) return 0;
  const text = factor.toString();
  const m = /e-(\d+)$/.exec(text);
  if (m) return Number(m[1]);
  return text.split('.')[1]?.length ?? 0;
}
