/**
 * A Home Assistant discovery device as the registry shows it, from its entities: kind, controls,
 * capabilities (its primary entities' metrics), entities with their category and availability,
 * and the device's availability (partial while some entities say they are unavailable).
 */
import type { DeviceControl, DeviceKind, DevicePatch, Entity } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import { availabilityOf } from '../dialect.js';
import type { EntityAvailability } from './ha-availability.js';
import { controlOf } from './ha-command.js';
import type { HaEntity } from './ha-config.js';
import { sensorMetric } from './ha-state.js';

/** When a device has several entities, the kind shown is the most controllable one. */
const KIND_ORDER: DeviceKind[] = [
  'light',
  'climate',
  'switch',
  'cover',
  'lock',
  'sensor',
  'binary_sensor',
  'button',
];

const CLASS = /^[a-z_]{1,40}$/;

/** The binary class of a binary_sensor, when it names one. */
export const binaryClassOf = (e: HaEntity): string | undefined =>
  e.component === 'binary_sensor' &&
  typeof e.c.device_class === 'string' &&
  CLASS.test(e.c.device_class)
    ? e.c.device_class
    : undefined;

export function entityOf(e: HaEntity, a: EntityAvailability): Entity {
  const out: Entity = { key: e.key, name: e.name, category: e.category };
  const m = sensorMetric(e);
  if (m) {
    out.metric = m.metric;
    if (m.unit) out.unit = m.unit;
  }
  if (e.component === 'binary_sensor') {
    out.metric = 'state';
    const cls = binaryClassOf(e);
    if (cls) out.binaryClass = cls;
  }
  const ctl = controlOf(e);
  if (ctl) out.control = ctl.kind;
  if (a.available !== undefined) out.available = a.available;
  if (a.available === false && a.reason) out.unavailableReason = a.reason;
  return out;
}

/** `list`: the device's entities, sorted by key (the first primary binary sensor is its state). */
export function devicePatch(
  deviceId: string,
  list: readonly HaEntity[],
  availability: (e: HaEntity) => EntityAvailability,
): DevicePatch {
  const caps = new Set<Metric>();
  const controls: DeviceControl[] = [];
  const entities: Entity[] = [];
  let binaryClass: string | undefined;
  let hasBinary = false;
  for (const e of list) {
    const ent = entityOf(e, availability(e));
    entities.push(ent);
    const ctl = controlOf(e);
    if (ctl) controls.push(ctl);
    if (e.category !== 'primary') continue;
    if (ent.metric && ent.metric !== 'generic') caps.add(ent.metric);
    if (e.component === 'binary_sensor' && !hasBinary) {
      hasBinary = true;
      binaryClass = ent.binaryClass;
    }
  }
  // What the device is comes from its primary entities (a sensor with a config switch for its
  // LED is a sensor); only a device with nothing else is named after its settings.
  const primary = list.filter((e) => e.category === 'primary');
  const kinds = new Set<string>((primary.length ? primary : list).map((e) => e.component));
  const info = list.find((e) => e.device.name) ?? list[0];
  const availabilityNow = availabilityOf(entities, entities.length > 0);
  const patch: DevicePatch = {
    id: deviceId,
    kind: KIND_ORDER.find((k) => kinds.has(k)) ?? 'other',
    name: info.device.name ?? info.name,
    model: info.device.model,
    manufacturer: info.device.manufacturer,
    firmware: info.device.firmware,
    room: info.device.area,
    capabilities: [...caps],
    controls,
    entities,
    availability: availabilityNow,
    online: availabilityNow !== 'offline',
  };
  // What the device's 'state' senses: the class of its first primary binary sensor.
  if (binaryClass) patch.binaryClass = binaryClass;
  return patch;
}
