/**
 * Zigbee2MQTT's `bridge/devices` list -> devices, each with its controls and its properties. Pure.
 *
 * Every property a device publishes (the keys of its JSON state, endpoint included: `state_l1`,
 * `power_l2`, `energy_today`) is one entity, keyed by the property, so no two values share a key.
 * Exposes: the specific composites (light, switch, climate, cover, lock, fan) group top-level
 * properties, and the first five are also a control (`light`, `switch_l1`); plain numeric, binary,
 * enum, text, list and generic composite exposes are one property each (a generic composite's
 * features are the fields of its object). `access` bit 1 = published in the state, bit 2 = settable.
 */
import type { DeviceControl, EntityCategory } from '../../../../shared/model.js';
import { isObject, type Json } from '../json.js';
import { genericMapping, metricFor, toPercent, type MetricMapping } from '../metric-map.js';
import { binaryMeaning, type BinaryMeaning } from './z2m-binary.js';

export interface Feature {
  type: string;
  name?: string;
  label?: string;
  property?: string;
  access?: number;
  category?: string;
  value_on?: unknown;
  value_off?: unknown;
  value_min?: number;
  value_max?: number;
  value_step?: number;
  values?: unknown[];
  unit?: string;
  endpoint?: string;
  features?: Feature[];
}

type ControlRole =
  | 'state'
  | 'brightness'
  | 'colorTemp'
  | 'setpoint'
  | 'mode'
  | 'localTemp'
  | 'position'
  | 'lockState';

/** A control: a light, switch, climate, cover or lock composite, by the features it drives. */
export interface Z2mControl {
  key: string;
  kind: DeviceControl['kind'];
  f: Partial<Record<ControlRole, Feature>>;
}

/** One property of the device's state: one entity, one series when it is numeric or binary. */
export interface Z2mProp {
  key: string;
  /** The expose's name, without its endpoint. */
  name: string;
  label: string;
  type: 'numeric' | 'binary' | 'enum' | 'text' | 'list' | 'composite';
  feature: Feature;
  category: EntityCategory;
  /** Published in the state (access bit 1); a write-only property has no value to keep. */
  published: boolean;
  /** Numeric: its metric and unit conversion ('generic' when no metric fits). */
  mapping?: MetricMapping;
  /** Binary: its class and canonical meaning. */
  binary?: BinaryMeaning;
  /** The control whose composite it belongs to. */
  control?: Z2mControl;
}

export interface Z2mDevice {
  ieee: string;
  friendlyName: string;
  model?: string;
  vendor?: string;
  description?: string;
  supported: boolean;
  controls: Z2mControl[];
  props: Map<string, Z2mProp>;
  /** Exposes no entity holds (write-only values, composites without a control kind), by kind. */
  unmapped: string[];
  /** The entry as announced, to tell a new announcement from the same one repeated. */
  raw: Json;
}

/** Zigbee2MQTT's limit is its broker's; this keeps a runaway list from taking the engine down. */
const MAX_DEVICES = 20_000;
const CONTROLS = new Set<string>(['light', 'switch', 'climate', 'cover', 'lock']);
const GROUPS = new Set<string>([...CONTROLS, 'fan']);
const VALUES = new Set<string>(['numeric', 'binary', 'enum', 'text', 'list', 'composite']);
/** Values about the radio or the device itself, when the expose does not say so itself. */
const DIAGNOSTIC = new Set([
  'linkquality',
  'battery_low',
  'device_temperature',
  'update',
  'update_available',
  'last_seen',
]);
const SETPOINT = /(^|_)setpoint$/;

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function parseBridgeDevices(
  json: unknown,
): { devices: Z2mDevice[]; problems: string[] } | { error: string } {
  if (!Array.isArray(json)) return { error: 'bridge/devices is not a list' };
  if (json.length > MAX_DEVICES) return { error: `more than ${MAX_DEVICES} devices` };
  const devices: Z2mDevice[] = [];
  const problems: string[] = [];
  for (const d of json) {
    if (!isObject(d)) {
      problems.push('an entry is not an object');
      continue;
    }
    const ieee = str(d.ieee_address);
    const name = str(d.friendly_name);
    if (!ieee || !name) {
      problems.push('an entry has no ieee_address or friendly_name');
      continue;
    }
    if (d.type === 'Coordinator' || d.disabled === true) continue;
    if (/[+#]/.test(name) || name.length > 400 || name.startsWith('/') || name.endsWith('/')) {
      problems.push(`unusable friendly_name "${name.slice(0, 60)}"`);
      continue;
    }
    devices.push(toDevice(d, ieee, name));
  }
  return { devices, problems };
}

/** One entry of the list; its exposes as controls and properties. */
export function toDevice(d: Json, ieee: string, friendlyName: string): Z2mDevice {
  const def = isObject(d.definition) ? d.definition : undefined;
  const exposes = def && Array.isArray(def.exposes) ? (def.exposes as unknown[]) : [];
  const dev: Z2mDevice = {
    ieee,
    friendlyName,
    model: str(def?.model) ?? str(d.model_id),
    vendor: str(def?.vendor) ?? str(d.manufacturer),
    description: str(def?.description),
    supported: !!def,
    controls: [],
    props: new Map(),
    unmapped: [],
    raw: d,
  };
  for (const e of exposes) if (isObject(e)) addExpose(dev, e as unknown as Feature);
  // A control's key must not be a property's too (one key, one entity).
  for (const c of dev.controls) while (dev.props.has(c.key)) c.key = `${c.key}_control`;
  return dev;
}

function addExpose(dev: Z2mDevice, e: Feature, ctl?: Z2mControl, group?: string): void {
  if (typeof e.type !== 'string') return;
  if (GROUPS.has(e.type) && Array.isArray(e.features) && e.property === undefined) {
    const feats = e.features.filter((f): f is Feature => isObject(f));
    const c = CONTROLS.has(e.type) ? addControl(dev, e, feats) : undefined;
    if (!c) dev.unmapped.push(`${e.type} (no control)`);
    for (const f of feats) addExpose(dev, f, c, e.type);
    return;
  }
  if (!VALUES.has(e.type) || typeof e.property !== 'string' || !e.property) {
    dev.unmapped.push(`${e.type} without a property`);
    return;
  }
  // The same property twice (a light's color_xy and color_hs are both `color`): one value.
  if (dev.props.has(e.property)) return;
  const name = e.name ?? e.property;
  const published = ((e.access ?? 1) & 1) !== 0;
  const settable = ((e.access ?? 0) & 2) !== 0;
  const drives = !!ctl && Object.values(ctl.f).includes(e);
  // A settable value outside what a control drives is a setting (an offset, a threshold, a mode).
  const setting = e.category === 'config' || (settable && !drives && name !== 'state');
  const category: EntityCategory =
    e.category === 'config' || e.category === 'diagnostic'
      ? e.category
      : DIAGNOSTIC.has(name)
        ? 'diagnostic'
        : setting
          ? 'config'
          : 'primary';
  const prop: Z2mProp = {
    key: e.property,
    name,
    label: str(e.label) ?? name.replace(/_/g, ' ').replace(/^./, (x) => x.toUpperCase()),
    type: e.type as Z2mProp['type'],
    feature: e,
    category,
    published,
    control: ctl,
  };
  if (e.type === 'numeric') prop.mapping = numericMapping(e, name, group, setting);
  if (e.type === 'binary') prop.binary = binaryMeaning(e, name, group === 'lock');
  if (!published) dev.unmapped.push(`${e.type} (write-only)`);
  dev.props.set(e.property, prop);
}

/** What a numeric property measures: a control's own values first, then its name and unit. */
function numericMapping(
  e: Feature,
  name: string,
  group: string | undefined,
  setting: boolean,
): MetricMapping {
  if (group === 'light' && name === 'brightness') {
    const max = e.value_max ?? 254;
    return { metric: 'brightness', unit: '%', convert: (v) => toPercent(v, max) };
  }
  if (group === 'light' && name === 'color_temp')
    return { metric: 'color_temp', unit: 'mired', convert: (v) => v };
  if (group === 'cover' && name === 'position')
    return { metric: 'position', unit: '%', convert: (v) => v };
  if (group === 'climate' && SETPOINT.test(name)) {
    const t = metricFor({ name: 'temperature', unit: e.unit ?? '°C' });
    if (t) return { metric: 'setpoint', unit: t.unit, convert: t.convert };
  }
  return metricFor({ name, unit: e.unit, setting }) ?? genericMapping(e.unit);
}

function addControl(dev: Z2mDevice, e: Feature, feats: Feature[]): Z2mControl {
  const by = (...names: string[]) =>
    feats.find((f) => typeof f.property === 'string' && names.includes(f.name ?? ''));
  const ep = e.endpoint ?? feats.find((f) => f.endpoint)?.endpoint;
  let key = ep ? `${e.type}_${ep}` : e.type;
  for (let i = 2; dev.controls.some((x) => x.key === key); i++) key = `${e.type}_${i}`;
  const c: Z2mControl = { key, kind: e.type as Z2mControl['kind'], f: {} };
  if (e.type === 'light' || e.type === 'switch') {
    c.f.state = by('state');
    c.f.brightness = by('brightness');
    c.f.colorTemp = by('color_temp');
  } else if (e.type === 'climate') {
    c.f.setpoint = by(
      'occupied_heating_setpoint',
      'current_heating_setpoint',
      'occupied_cooling_setpoint',
    );
    c.f.mode = by('system_mode');
    c.f.localTemp = by('local_temperature');
  } else if (e.type === 'cover') {
    c.f.state = by('state');
    c.f.position = by('position');
  } else {
    c.f.state = by('state');
    c.f.lockState = by('lock_state');
  }
  dev.controls.push(c);
  return c;
}

const settable = (f: Feature | undefined) => !!f && ((f.access ?? 0) & 2) !== 0;

export function controlsOf(dev: Z2mDevice): DeviceControl[] {
  const out: DeviceControl[] = [];
  for (const e of dev.controls) {
    const c: DeviceControl = { entity: e.key, kind: e.kind, name: e.key.replace(/_/g, ' ') };
    if (settable(e.f.brightness)) c.brightness = true;
    if (settable(e.f.colorTemp))
      c.colorTemp = { min: e.f.colorTemp!.value_min ?? 153, max: e.f.colorTemp!.value_max ?? 500 };
    if (settable(e.f.setpoint)) {
      const s = e.f.setpoint!;
      c.setpoint = { min: s.value_min ?? 5, max: s.value_max ?? 30, step: s.value_step ?? 0.5 };
    }
    if (settable(e.f.mode)) c.modes = (e.f.mode!.values ?? []).map(String);
    out.push(c);
  }
  return out;
}
