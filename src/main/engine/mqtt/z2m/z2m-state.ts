/**
 * A Zigbee2MQTT device's JSON state -> the values of its entities (one reading per numeric or
 * binary property, keyed by the property), the states of its controls in the command vocabulary
 * of commands.ts, and what was wrong with it. Pure.
 *
 * A property the device's exposes do not know is not taken (its meaning is unknown) but reported;
 * a value of the wrong type is reported and dropped, so a series keeps the type it has.
 */
import type { DialectValue } from '../dialect.js';
import type { Json } from '../json.js';
import { toNumber, toPercent } from '../metric-map.js';
import type { Feature, Z2mDevice } from './z2m-parse.js';

export interface Z2mStateUpdate {
  /** Entity states by key: the controls', and each binary, enum, text or object property's. */
  states: Record<string, Json>;
  /** Readings: one per numeric or binary property present, keyed by the property. */
  values: DialectValue[];
  errors: string[];
  /** Properties the exposes do not name. */
  unknown: string[];
}

/** Keys Zigbee2MQTT adds to states besides the exposes (device info, OTA, timing). */
const META = new Set(['last_seen', 'elapsed', 'update', 'update_available', 'device']);

const COVER_STATES: Record<string, string> = {
  OPEN: 'open',
  CLOSE: 'closed',
  CLOSED: 'closed',
  STOP: 'stopped',
  OPENING: 'opening',
  CLOSING: 'closing',
};

const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

// Module-level helpers, not closures: a state message is read per device per update (thousands a
// second from a busy Zigbee network), and closures made per call cost allocation.
const valOf = (s: Json, f: Feature | undefined): unknown =>
  f?.property !== undefined ? s[f.property] : undefined;

function numOf(s: Json, f: Feature | undefined): number | undefined {
  const v = valOf(s, f);
  return v === undefined || v === null ? undefined : toNumber(v);
}

/** Reads a `<base>/<friendly_name>` JSON state; only properties present are reported. */
export function readZ2mState(dev: Z2mDevice, s: Json): Z2mStateUpdate {
  const out: Z2mStateUpdate = { states: {}, values: [], errors: [], unknown: [] };
  readControls(dev, s, out);
  for (const key of Object.keys(s)) {
    const p = dev.props.get(key);
    if (!p) {
      if (!META.has(key)) out.unknown.push(key);
      continue;
    }
    const v = s[key];
    if (v === undefined || v === null || !p.published) continue;
    if (p.type === 'numeric') {
      const n = toNumber(v);
      const m = p.mapping!;
      if (n === undefined) out.errors.push(`wrong type for ${key}: ${shown(v)} (a number)`);
      else out.values.push({ entity: key, metric: m.metric, value: m.convert(n), unit: m.unit });
    } else if (p.type === 'binary') {
      const c = p.binary!.read(v);
      if (c === undefined) out.errors.push(`unexpected ${key}: ${shown(v)}`);
      else {
        out.values.push({ entity: key, metric: 'state', value: c, unit: '' });
        out.states[key] = { state: c ? 'ON' : 'OFF' };
      }
    } else if (p.type === 'enum' || p.type === 'text') {
      if (typeof v === 'string' || typeof v === 'number') out.states[key] = { value: String(v) };
      else out.errors.push(`wrong type for ${key}: ${shown(v)} (text)`);
    } else out.states[key] = { value: JSON.stringify(v).slice(0, 2000) };
  }
  return out;
}

/** The controls' states in the command vocabulary (what confirms a command). */
function readControls(dev: Z2mDevice, s: Json, out: Z2mStateUpdate): void {
  for (const e of dev.controls) {
    const p: Json = {};
    const st = valOf(s, e.f.state);
    if (st !== undefined && (e.kind === 'light' || e.kind === 'switch')) {
      if (st === e.f.state!.value_on) p.state = 'ON';
      else if (st === e.f.state!.value_off) p.state = 'OFF';
    }
    const b = numOf(s, e.f.brightness);
    if (b !== undefined) p.brightness = toPercent(b, e.f.brightness!.value_max ?? 254);
    const ct = numOf(s, e.f.colorTemp);
    if (ct !== undefined) p.color_temp = ct;
    const sp = numOf(s, e.f.setpoint);
    if (sp !== undefined) p.setpoint = sp;
    const mode = valOf(s, e.f.mode);
    if (typeof mode === 'string') p.mode = mode;
    const lt = numOf(s, e.f.localTemp);
    if (lt !== undefined) p.current_temperature = lt;
    if (e.kind === 'cover' && typeof st === 'string') {
      p.state = COVER_STATES[st.toUpperCase()] ?? st.toLowerCase();
    }
    const pos = numOf(s, e.f.position);
    if (pos !== undefined) p.position = pos;
    if (e.kind === 'lock') {
      const ls = valOf(s, e.f.lockState);
      if (typeof ls === 'string')
        p.state = ls === 'locked' ? 'LOCKED' : ls === 'unlocked' ? 'UNLOCKED' : 'JAMMED';
      else if (st !== undefined) p.state = st === e.f.state!.value_on ? 'LOCKED' : 'UNLOCKED';
    }
    if (Object.keys(p).length) out.states[e.key] = p;
  }
}
