/**
 * Zigbee2MQTT's `bridge/devices` list -> devices, their controls and sensors; a device's JSON state
 * -> normalized entity states and readings; a command -> the JSON for `<base>/<name>/set`. Pure.
 * Exposes: composite types (light, switch, climate, cover, lock) with `features`, and plain numeric,
 * binary, enum and text values; `access` bit 1 = published in the state, bit 2 = settable.
 */
import type { DeviceControl } from '../../../../shared/model.js';
import type { Command } from '../commands.js';
import { isObject, type Json } from '../json.js';
import { metricFor, toNumber, toPercent, type MetricMapping } from '../metric-map.js';

export interface Feature {
  type: string;
  name?: string;
  property?: string;
  access?: number;
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

export interface Z2mEntity {
  key: string;
  kind: DeviceControl['kind'];
  f: Partial<
    Record<
      | 'state'
      | 'brightness'
      | 'colorTemp'
      | 'setpoint'
      | 'mode'
      | 'localTemp'
      | 'position'
      | 'lockState',
      Feature
    >
  >;
}

export interface Z2mSensor {
  property: string;
  type: 'numeric' | 'binary' | 'enum' | 'text';
  feature: Feature;
  mapping?: MetricMapping;
}

export interface Z2mDevice {
  ieee: string;
  friendlyName: string;
  model?: string;
  vendor?: string;
  description?: string;
  supported: boolean;
  entities: Z2mEntity[];
  sensors: Z2mSensor[];
}

const MAX_DEVICES = 2000;
const COMPOSITES = new Set(['light', 'switch', 'climate', 'cover', 'lock']);
/** Values that are about the radio or the device itself, not about the home. */
const SKIP = new Set([
  'linkquality',
  'device_temperature',
  'update',
  'update_available',
  'last_seen',
]);

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
    const def = isObject(d.definition) ? d.definition : undefined;
    const exposes = def && Array.isArray(def.exposes) ? (def.exposes as unknown[]) : [];
    const dev: Z2mDevice = {
      ieee,
      friendlyName: name,
      model: str(def?.model) ?? str(d.model_id),
      vendor: str(def?.vendor) ?? str(d.manufacturer),
      description: str(def?.description),
      supported: !!def,
      entities: [],
      sensors: [],
    };
    for (const e of exposes) if (isObject(e)) addExpose(dev, e as unknown as Feature);
    devices.push(dev);
  }
  return { devices, problems };
}

function addExpose(dev: Z2mDevice, e: Feature): void {
  if (typeof e.type !== 'string') return;
  if (COMPOSITES.has(e.type) && Array.isArray(e.features)) {
    const feats = e.features.filter((f) => isObject(f) && typeof f.property === 'string');
    const by = (...names: string[]) => feats.find((f) => names.includes(f.name ?? ''));
    const ep = e.endpoint ?? feats.find((f) => f.endpoint)?.endpoint;
    let key = ep ? `${e.type}_${ep}` : e.type;
    for (let i = 2; dev.entities.some((x) => x.key === key); i++) key = `${e.type}_${i}`;
    const ent: Z2mEntity = { key, kind: e.type as Z2mEntity['kind'], f: {} };
    if (e.type === 'light' || e.type === 'switch') {
      ent.f.state = by('state');
      ent.f.brightness = by('brightness');
      ent.f.colorTemp = by('color_temp');
    } else if (e.type === 'climate') {
      ent.f.setpoint = by(
        'occupied_heating_setpoint',
        'current_heating_setpoint',
        'occupied_cooling_setpoint',
      );
      ent.f.mode = by('system_mode');
      ent.f.localTemp = by('local_temperature');
    } else if (e.type === 'cover') {
      ent.f.state = by('state');
      ent.f.position = by('position');
    } else {
      ent.f.state = by('state');
      ent.f.lockState = by('lock_state');
    }
    dev.entities.push(ent);
    return;
  }
  if (!['numeric', 'binary', 'enum', 'text'].includes(e.type) || typeof e.property !== 'string')
    return;
  if (SKIP.has(e.property) || ((e.access ?? 1) & 1) === 0) return;
  const sensor: Z2mSensor = { property: e.property, type: e.type as Z2mSensor['type'], feature: e };
  if (e.type === 'numeric') sensor.mapping = metricFor({ name: e.property, unit: e.unit });
  dev.sensors.push(sensor);
}

const settable = (f: Feature | undefined) => !!f && ((f.access ?? 0) & 2) !== 0;

export function controlsOf(dev: Z2mDevice): DeviceControl[] {
  const out: DeviceControl[] = [];
  for (const e of dev.entities) {
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

export interface Z2mStateUpdate {
  states: Record<string, Json>;
  readings: { mapping: MetricMapping; value: number }[];
  binary?: 0 | 1;
  errors: string[];
}

const COVER_STATES: Record<string, string> = {
  OPEN: 'open',
  CLOSE: 'closed',
  CLOSED: 'closed',
  STOP: 'stopped',
  OPENING: 'opening',
  CLOSING: 'closing',
};

// Module-level helpers, not closures: a state message is read per device per update (thousands a
// second from a busy Zigbee network), and closures made per call cost allocation.
const valOf = (s: Json, f: Feature | undefined): unknown =>
  f?.property !== undefined && Object.hasOwn(s, f.property) ? s[f.property] : undefined;

function numOf(
  s: Json,
  f: Feature | undefined,
  what: string,
  out: Z2mStateUpdate,
): number | undefined {
  const v = valOf(s, f);
  if (v === undefined || v === null) return undefined;
  const n = toNumber(v);
  if (n === undefined)
    out.errors.push(`wrong type for ${f!.property}: ${JSON.stringify(v).slice(0, 40)} (${what})`);
  return n;
}

/** Reads a `<base>/<friendly_name>` JSON state; only properties present are reported. */
export function readZ2mState(dev: Z2mDevice, s: Json): Z2mStateUpdate {
  // Keyed by the device's own property names: no prototype, so `__proto__` is a name like another.
  const out: Z2mStateUpdate = { states: Object.create(null), readings: [], errors: [] };
  for (const e of dev.entities) {
    const p: Json = {};
    const st = valOf(s, e.f.state);
    if (st !== undefined && (e.kind === 'light' || e.kind === 'switch')) {
      if (st === e.f.state!.value_on) p.state = 'ON';
      else if (st === e.f.state!.value_off) p.state = 'OFF';
      else out.errors.push(`unexpected ${e.f.state!.property}: ${JSON.stringify(st).slice(0, 40)}`);
    }
    const b = numOf(s, e.f.brightness, 'brightness', out);
    if (b !== undefined) p.brightness = toPercent(b, e.f.brightness!.value_max ?? 254);
    const ct = numOf(s, e.f.colorTemp, 'colour temperature', out);
    if (ct !== undefined) p.color_temp = ct;
    const sp = numOf(s, e.f.setpoint, 'setpoint', out);
    if (sp !== undefined) p.setpoint = sp;
    const mode = valOf(s, e.f.mode);
    if (typeof mode === 'string') p.mode = mode;
    const lt = numOf(s, e.f.localTemp, 'temperature', out);
    if (lt !== undefined) {
      p.current_temperature = lt;
      const m = metricFor({ name: 'temperature', unit: e.f.localTemp!.unit });
      if (m) out.readings.push({ mapping: m, value: m.convert(lt) });
    }
    if (e.kind === 'cover' && typeof st === 'string') {
      p.state = COVER_STATES[st.toUpperCase()] ?? st.toLowerCase();
    }
    const pos = numOf(s, e.f.position, 'position', out);
    if (pos !== undefined) p.position = pos;
    if (e.kind === 'lock') {
      const ls = valOf(s, e.f.lockState);
      if (typeof ls === 'string')
        p.state = ls === 'locked' ? 'LOCKED' : ls === 'unlocked' ? 'UNLOCKED' : 'JAMMED';
      else if (st !== undefined) p.state = st === e.f.state!.value_on ? 'LOCKED' : 'UNLOCKED';
    }
    if (Object.keys(p).length) out.states[e.key] = p;
  }
  // One `state` metric per device (its first binary value) keeps the history unambiguous.
  let primary: string | undefined;
  for (const x of dev.sensors)
    if (x.type === 'binary') {
      primary = x.property;
      break;
    }
  for (const sensor of dev.sensors) {
    const v = Object.hasOwn(s, sensor.property) ? s[sensor.property] : undefined;
    if (v === undefined || v === null) continue;
    if (sensor.type === 'numeric') {
      const n = toNumber(v);
      if (n === undefined)
        out.errors.push(`wrong type for ${sensor.property}: ${JSON.stringify(v).slice(0, 40)}`);
      else if (sensor.mapping)
        out.readings.push({ mapping: sensor.mapping, value: sensor.mapping.convert(n) });
      else out.states[sensor.property] = { value: n, unit: sensor.feature.unit ?? '' };
    } else if (sensor.type === 'binary') {
      const on = v === sensor.feature.value_on;
      if (!on && v !== sensor.feature.value_off)
        out.errors.push(`unexpected ${sensor.property}: ${JSON.stringify(v).slice(0, 40)}`);
      else {
        out.states[sensor.property] = { state: on ? 'ON' : 'OFF' };
        if (sensor.property === primary) out.binary = on ? 1 : 0;
      }
    } else out.states[sensor.property] = { value: typeof v === 'string' ? v : JSON.stringify(v) };
  }
  return out;
}

/** The JSON a command becomes on `<base>/<friendly_name>/set`. */
export function buildZ2mCommand(e: Z2mEntity, cmd: Command): Json | { error: string } {
  const out: Json = Object.create(null);
  const put = (f: Feature | undefined, v: unknown, what: string): string | undefined => {
    if (!f?.property || !settable(f)) return `this ${e.kind} cannot set ${what}`;
    out[f.property] = v;
    return undefined;
  };
  let err: string | undefined;
  if (e.kind === 'light' || e.kind === 'switch' || e.kind === 'lock') {
    if (cmd.state !== undefined) {
      const on = cmd.state === 'ON' || cmd.state === 'LOCK';
      err = put(
        e.f.state,
        on ? (e.f.state?.value_on ?? 'ON') : (e.f.state?.value_off ?? 'OFF'),
        'its state',
      );
    }
    if (!err && cmd.brightness !== undefined) {
      const max = e.f.brightness?.value_max ?? 254;
      if (cmd.brightness === 0) err = put(e.f.state, e.f.state?.value_off ?? 'OFF', 'its state');
      else
        err = put(
          e.f.brightness,
          Math.max(1, Math.round(((cmd.brightness as number) / 100) * max)),
          'brightness',
        );
    }
    if (!err && cmd.color_temp !== undefined)
      err = put(e.f.colorTemp, cmd.color_temp, 'colour temperature');
  } else if (e.kind === 'climate') {
    if (cmd.setpoint !== undefined) err = put(e.f.setpoint, cmd.setpoint, 'a setpoint');
    if (!err && cmd.mode !== undefined) err = put(e.f.mode, cmd.mode, 'a mode');
  } else if (e.kind === 'cover') {
    if (cmd.state !== undefined) err = put(e.f.state, cmd.state, 'its state');
    if (!err && cmd.position !== undefined) err = put(e.f.position, cmd.position, 'a position');
  } else err = `${e.kind} takes no commands`;
  return err ? { error: err } : out;
}
