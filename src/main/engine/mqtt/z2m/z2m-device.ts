/**
 * A Zigbee2MQTT device as the registry shows it: kind, capabilities (its primary values' metrics),
 * entities (each control and each published property, with category and availability), and its
 * availability. Zigbee2MQTT reports availability per device, so an unreachable device makes each
 * of its entities unavailable, with the reason.
 */
import type { DeviceKind, DevicePatch, Entity } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import { availabilityOf } from '../dialect.js';
import { controlsOf, type Z2mDevice } from './z2m-parse.js';

const KIND_ORDER: DeviceKind[] = ['light', 'climate', 'switch', 'cover', 'lock'];

/** Whether the device can be reached; the reason when it is known not to be. */
export interface Reach {
  online: boolean;
  reason?: string;
}

export function entitiesOf(d: Z2mDevice, reach: Reach): Entity[] {
  const down = !reach.online && reach.reason !== undefined;
  const mark = (e: Entity): Entity =>
    down ? { ...e, available: false, unavailableReason: reach.reason } : e;
  const out: Entity[] = [];
  for (const c of d.controls) {
    const name = c.key.replace(/_/g, ' ');
    out.push(mark({ key: c.key, name, category: 'primary', control: c.kind }));
  }
  for (const p of d.props.values()) {
    if (!p.published) continue;
    const e: Entity = { key: p.key, name: p.label, category: p.category };
    const ep = p.feature.endpoint;
    if (ep && !e.name.endsWith(ep)) e.name = `${e.name} (${ep})`;
    if (p.mapping) {
      e.metric = p.mapping.metric;
      if (p.mapping.unit) e.unit = p.mapping.unit;
    }
    if (p.binary) {
      e.metric = 'state';
      if (p.binary.cls) e.binaryClass = p.binary.cls;
    }
    out.push(mark(e));
  }
  return out;
}

export function patchOf(d: Z2mDevice, reach: Reach): DevicePatch {
  const entities = entitiesOf(d, reach);
  const caps = new Set<Metric>();
  let measures = false;
  let binaryClass: string | undefined;
  let hasBinary = false;
  for (const p of d.props.values()) {
    if (p.category !== 'primary' || !p.published) continue;
    if (p.mapping && p.mapping.metric !== 'generic') {
      caps.add(p.mapping.metric);
      if (!p.control) measures = true;
    }
    if (p.binary) {
      caps.add('state');
      if (!p.control && !hasBinary) {
        hasBinary = true;
        binaryClass = p.binary.cls;
      }
    }
  }
  const kinds = new Set<string>(d.controls.map((c) => c.kind));
  const kind =
    KIND_ORDER.find((k) => kinds.has(k)) ??
    (measures ? 'sensor' : hasBinary ? 'binary_sensor' : d.props.size ? 'sensor' : 'other');
  const patch: DevicePatch = {
    id: d.ieee,
    kind,
    name: d.friendlyName,
    model: d.model,
    manufacturer: d.vendor,
    capabilities: [...caps],
    controls: controlsOf(d),
    entities,
    availability: availabilityOf(entities, reach.online),
    online: reach.online,
  };
  // What the device's binary 'state' senses: its first primary binary value's class.
  if (binaryClass) patch.binaryClass = binaryClass;
  return patch;
}
