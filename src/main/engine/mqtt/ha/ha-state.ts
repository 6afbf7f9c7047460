/**
 * Home Assistant entities, incoming side: which topics an entity listens on, and what a message on
 * one of them means (a normalized entity state and maybe a reading). Pure functions.
 */
import type { Json } from '../dialect.js';
import type { HaEntity } from './ha-config.js';
import {
  genericMapping,
  metricFor,
  toNumber,
  toPercent,
  type MetricMapping,
} from '../metric-map.js';
import { pyStr } from './template.js';

export type Role =
  | 'value'
  | 'binary'
  | 'onoff'
  | 'brightness'
  | 'color_temp'
  | 'light_json'
  | 'setpoint'
  | 'mode'
  | 'current_temperature'
  | 'cover_state'
  | 'position'
  | 'lock_state';

/** The template key that shapes each role's payload (none: the payload as it is). */
const TEMPLATE_OF: Partial<Record<Role, string>> = {
  value: 'value_template',
  binary: 'value_template',
  onoff: 'value_template',
  brightness: 'brightness_value_template',
  color_temp: 'color_temp_value_template',
  setpoint: 'temperature_state_template',
  mode: 'mode_state_template',
  current_temperature: 'current_temperature_template',
  cover_state: 'value_template',
  position: 'position_template',
  lock_state: 'value_template',
};

export const isJsonLight = (e: HaEntity) => e.component === 'light' && e.c.schema === 'json';

/** The state topics an entity listens on, with the role of each. */
export function stateTopics(e: HaEntity): { topic: string; role: Role }[] {
  const c = e.c;
  const out: { topic: string; role: Role }[] = [];
  const add = (key: string, role: Role) => {
    if (typeof c[key] === 'string') out.push({ topic: c[key] as string, role });
  };
  switch (e.component) {
    case 'sensor':
      add('state_topic', 'value');
      break;
    case 'binary_sensor':
      add('state_topic', 'binary');
      break;
    case 'switch':
      add('state_topic', 'onoff');
      break;
    case 'light':
      if (isJsonLight(e)) add('state_topic', 'light_json');
      else {
        add('state_topic', 'onoff');
        add('brightness_state_topic', 'brightness');
        add('color_temp_state_topic', 'color_temp');
      }
      break;
    case 'climate':
      add('temperature_state_topic', 'setpoint');
      add('mode_state_topic', 'mode');
      add('current_temperature_topic', 'current_temperature');
      break;
    case 'cover':
      add('state_topic', 'cover_state');
      add('position_topic', 'position');
      break;
    case 'lock':
      add('state_topic', 'lock_state');
      break;
    case 'button':
      break;
  }
  return out;
}

/** Device classes whose sensors are not numeric (Home Assistant's own list). */
const TEXT_CLASSES = new Set(['enum', 'timestamp', 'date']);

/**
 * Whether a sensor's values are numbers, as Home Assistant decides it: it has a unit, a state
 * class or a numeric device class. Its series keeps that type: a value that is not a number is
 * reported, not stored. Other sensors are text, kept as their entity's state.
 */
export function isNumericSensor(e: HaEntity): boolean {
  const c = e.c;
  if (e.component !== 'sensor') return false;
  if (typeof c.device_class === 'string') return !TEXT_CLASSES.has(c.device_class);
  return typeof c.unit_of_measurement === 'string' || typeof c.state_class === 'string';
}

/** The metric a sensor's values are stored under ('generic' when none fits a numeric sensor). */
export function sensorMetric(e: HaEntity): MetricMapping | undefined {
  const unit = typeof e.c.unit_of_measurement === 'string' ? e.c.unit_of_measurement : undefined;
  if (e.component === 'sensor')
    return isNumericSensor(e)
      ? (metricFor({
          name: typeof e.c.device_class === 'string' ? e.c.device_class : undefined,
          unit,
          setting: e.category === 'config',
        }) ?? genericMapping(unit))
      : undefined;
  if (e.component === 'climate' && typeof e.c.current_temperature_topic === 'string')
    return metricFor({ name: 'temperature', unit: tempUnit(e) });
  return undefined;
}

const tempUnit = (e: HaEntity) => (e.c.temperature_unit === 'F' ? '°F' : '°C');

export interface StateUpdate {
  /** Fields to merge into the entity's normalized state. */
  patch?: Json;
  /** A numeric value for the entity's metric (already in the metric's unit). */
  reading?: { mapping: MetricMapping; value: number };
  /** A binary value (1/0) for the `state` metric. */
  binary?: 0 | 1;
  error?: string;
}

/** Compares a rendered value with a configured payload the way Home Assistant does (as text). */
export const samePayload = (a: unknown, b: unknown): boolean =>
  a !== undefined && b !== undefined && pyStr(a) === pyStr(b);

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

/** Interprets one message on one of the entity's state topics. */
export function applyState(e: HaEntity, role: Role, payload: string): StateUpdate {
  const c = e.c;
  let v: unknown = payload;
  const tplKey =
    e.component === 'light' && role === 'onoff' ? 'state_value_template' : TEMPLATE_OF[role];
  if (tplKey && typeof c[tplKey] === 'string') {
    const t = e.templates.get(tplKey);
    if (!t) return {}; // unsupported template: shown as such, never evaluated
    const r = t.render(payload);
    if (!r.ok) return { error: `${tplKey}: ${r.reason}` };
    v = r.value;
  }
  if (typeof v === 'string' && (v === '' || v === 'None')) return {};
  switch (role) {
    case 'value': {
      const m = sensorMetric(e);
      const n = toNumber(v);
      if (m && n === undefined) return { error: `not a number: ${pyStr(v).slice(0, 60)}` };
      if (!m) return { patch: { value: pyStr(v) } };
      return { reading: { mapping: m, value: m.convert(n!) } };
    }
    case 'binary': {
      const on = c.payload_on ?? 'ON';
      const off = c.payload_off ?? 'OFF';
      if (samePayload(v, on)) return { patch: { state: 'ON' }, binary: 1 };
      if (samePayload(v, off)) return { patch: { state: 'OFF' }, binary: 0 };
      return { error: `neither payload_on nor payload_off: ${pyStr(v).slice(0, 60)}` };
    }
    case 'onoff': {
      const on = c.state_on ?? c.payload_on ?? 'ON';
      const off = c.state_off ?? c.payload_off ?? 'OFF';
      if (samePayload(v, on)) return { patch: { state: 'ON' } };
      if (samePayload(v, off)) return { patch: { state: 'OFF' } };
      return { error: `unexpected state: ${pyStr(v).slice(0, 60)}` };
    }
    case 'brightness': {
      const n = toNumber(v);
      if (n === undefined) return { error: 'brightness is not a number' };
      return { patch: { brightness: toPercent(n, num(c.brightness_scale, 255)) } };
    }
    case 'color_temp': {
      const n = toNumber(v);
      if (n === undefined || n <= 0) return { error: 'color_temp is not a number' };
      return { patch: { color_temp: c.color_temp_kelvin === true ? Math.round(1e6 / n) : n } };
    }
    case 'light_json':
      return jsonLight(e, payload);
    case 'setpoint':
    case 'current_temperature': {
      const n = toNumber(v);
      if (n === undefined) return { error: `${role} is not a number` };
      const celsius = metricFor({ name: 'temperature', unit: tempUnit(e) })?.convert(n) ?? n;
      if (role === 'setpoint') return { patch: { setpoint: celsius } };
      const m = sensorMetric(e);
      return {
        patch: { current_temperature: celsius },
        reading: m ? { mapping: m, value: celsius } : undefined,
      };
    }
    case 'mode':
      return { patch: { mode: pyStr(v) } };
    case 'cover_state': {
      const names: [string, string][] = [
        ['open', String(c.state_open ?? 'open')],
        ['opening', String(c.state_opening ?? 'opening')],
        ['closed', String(c.state_closed ?? 'closed')],
        ['closing', String(c.state_closing ?? 'closing')],
        ['stopped', String(c.state_stopped ?? 'stopped')],
      ];
      const hit = names.find(([, p]) => samePayload(v, p));
      if (!hit) return { error: `unexpected cover state: ${pyStr(v).slice(0, 60)}` };
      return { patch: { state: hit[0] } };
    }
    case 'position': {
      const n = toNumber(v);
      if (n === undefined) return { error: 'position is not a number' };
      const open = num(c.position_open, 100);
      const closed = num(c.position_closed, 0);
      return { patch: { position: Math.round(((n - closed) / (open - closed || 1)) * 100) } };
    }
    case 'lock_state': {
      const names: [string, string][] = [
        ['LOCKED', String(c.state_locked ?? 'LOCKED')],
        ['UNLOCKED', String(c.state_unlocked ?? 'UNLOCKED')],
        ['LOCKING', String(c.state_locking ?? 'LOCKING')],
        ['UNLOCKING', String(c.state_unlocking ?? 'UNLOCKING')],
        ['JAMMED', String(c.state_jammed ?? 'JAMMED')],
        ['OPEN', String(c.state_open ?? 'OPEN')],
      ];
      const hit = names.find(([, p]) => samePayload(v, p));
      if (!hit) return { error: `unexpected lock state: ${pyStr(v).slice(0, 60)}` };
      return { patch: { state: hit[0] } };
    }
  }
}

/** The JSON schema light: `{"state": "ON", "brightness": 128, "color_temp": 300}`. */
function jsonLight(e: HaEntity, payload: string): StateUpdate {
  let j: unknown;
  try {
    j = JSON.parse(payload);
  } catch {
    return { error: 'malformed JSON in a JSON light state' };
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    return { error: 'a JSON light state is not an object' };
  const o = j as Json;
  const patch: Json = {};
  if (o.state === 'ON' || o.state === 'OFF') patch.state = o.state;
  else if (o.state !== undefined) return { error: `unexpected state: ${pyStr(o.state)}` };
  const b = toNumber(o.brightness);
  if (b !== undefined) patch.brightness = toPercent(b, num(e.c.brightness_scale, 255));
  const ct = toNumber(o.color_temp);
  if (ct !== undefined && ct > 0)
    patch.color_temp = e.c.color_temp_kelvin === true ? Math.round(1e6 / ct) : ct;
  return { patch };
}
