import { defaultCategory, words } from '../../../shared/entities.js';
import { METRICS } from '../../../shared/metrics.js';
import type { Device, Entity } from '../../../shared/model.js';
import { sameJson } from '../same-json.js';
import type { DeviceRegistry } from '../devices.js';
import type { DecodedValue } from './decoders/index.js';

/*
 * A passive sensor (BTHome, or any advertisement format) can report several values of one metric
 * in a packet: a window contact and a battery-low flag (both binary 'state'), two temperature
 * probes, a rotation and a UV index (both 'generic'). Each is an entity of the sensor with its own
 * series, keyed by what the format calls it (`window`, `battery_low`, `temperature_2`).
 *
 * Earlier releases made every value after the first of its metric a device of its own,
 * `<mac>/<object>`. Those devices are dropped from the device list (isLegacyChannel); their
 * stored readings stay in the history under those ids.
 */

/**
 * Binary flags about the sensor rather than what it senses: diagnostics, so a window sensor's
 * value is the window, not its battery-low flag.
 */
const DIAGNOSTIC_FLAGS = new Set([
  'battery_low',
  'battery_charging',
  'connectivity',
  'problem',
  'tamper',
]);

const sensorOf = (v: DecodedValue): string | undefined =>
  typeof v.extra?.sensor === 'string' ? v.extra.sensor : undefined;

/**
 * The entity key of each value of one advertisement: the format's own, else the metric's name. A
 * key the packet already used gets the next number (`temperature_2`), so no two values of a packet
 * share a series; object order is fixed by the sensor's firmware, so it is the same every packet.
 */
export function entityKeys(values: readonly DecodedValue[]): string[] {
  const used = new Set<string>();
  return values.map((v) => {
    const base = v.entity ?? v.metric;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    return key;
  });
}

/** What the value under `key` is to the sensor: its name, category and, if binary, its class. */
export function advertEntity(v: DecodedValue, key: string): Entity {
  const sensor = sensorOf(v);
  const instance = typeof v.extra?.instance === 'number' ? v.extra.instance : 1;
  const diagnostic =
    defaultCategory(v.metric) === 'diagnostic' ||
    (v.metric === 'state' && sensor !== undefined && DIAGNOSTIC_FLAGS.has(sensor));
  const e: Entity = {
    key,
    name: nameOf(v, key, sensor, instance),
    metric: v.metric,
    category: diagnostic ? 'diagnostic' : 'primary',
  };
  const unit = v.metric === 'generic' && typeof v.extra?.unit === 'string' ? v.extra.unit : v.unit;
  if (unit) e.unit = unit;
  if (v.metric === 'state' && sensor) e.binaryClass = sensor;
  return e;
}

function nameOf(v: DecodedValue, key: string, sensor: string | undefined, instance: number) {
  if (v.metric === 'state' || !sensor) return words(key);
  const known = (METRICS as Record<string, { label: string }>)[sensor]?.label;
  const label = known ?? (v.metric === 'generic' ? words(sensor) : METRICS[v.metric].label);
  return instance > 1 ? `${label} ${instance}` : label;
}

/**
 * Adds the entities the device does not list yet, or lists differently, in one change; nothing
 * when all are known as they are (the usual packet).
 */
export function declareEntities(devices: DeviceRegistry, id: string, entities: Entity[]): void {
  const have = devices.get(id)?.entities ?? [];
  const fresh = entities.filter((e) => {
    const known = have.find((h) => h.key === e.key);
    return !known || !sameJson(known, e);
  });
  if (!fresh.length) return;
  const keys = new Set(fresh.map((e) => e.key));
  devices.upsert({ id, entities: [...have.filter((h) => !keys.has(h.key)), ...fresh] });
}

/**
 * A device an earlier release made of a sensor's extra value (`<mac>/<object>`): a BLE address has
 * no '/', so only those have one. Another gateway's relayed devices are that gateway's business.
 */
export const isLegacyChannel = (d: Device): boolean =>
  d.transport === 'ble' && d.source !== 'homebeat_gateway' && d.id.includes('/');
