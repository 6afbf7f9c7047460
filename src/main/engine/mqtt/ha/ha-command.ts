/**
 * Home Assistant entities, outgoing side: the control an entity offers the dashboard and rules, and
 * the messages a command becomes (topics and payloads as the entity's config asks for them).
 */
import type { DeviceControl } from '../../../../shared/model.js';
import type { Command } from '../commands.js';
import type { Json, Publish } from '../dialect.js';
import type { HaEntity } from './ha-config.js';
import { isJsonLight } from './ha-state.js';
import { pyStr } from './template.js';

const DEFAULT_MODES = ['auto', 'off', 'cool', 'heat', 'dry', 'fan_only'];
const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export function controlOf(e: HaEntity): DeviceControl | undefined {
  const c = e.c;
  const base = { entity: e.key, name: e.name };
  switch (e.component) {
    case 'switch':
    case 'lock':
    case 'button':
      return { ...base, kind: e.component };
    case 'cover':
      return typeof c.command_topic === 'string' || typeof c.set_position_topic === 'string'
        ? { ...base, kind: 'cover' }
        : undefined;
    case 'light': {
      const ctl: DeviceControl = { ...base, kind: 'light' };
      const modes = Array.isArray(c.supported_color_modes)
        ? (c.supported_color_modes as string[])
        : [];
      const dims = isJsonLight(e)
        ? c.brightness === true || modes.some((m) => m !== 'onoff')
        : typeof c.brightness_command_topic === 'string';
      if (dims) ctl.brightness = true;
      const ct = isJsonLight(e)
        ? modes.includes('color_temp') || c.color_temp === true
        : typeof c.color_temp_command_topic === 'string';
      if (ct) {
        ctl.colorTemp =
          c.color_temp_kelvin === true
            ? {
                min: Math.round(1e6 / num(c.max_kelvin, 6535)),
                max: Math.round(1e6 / num(c.min_kelvin, 2000)),
              }
            : { min: num(c.min_mireds, 153), max: num(c.max_mireds, 500) };
      }
      return ctl;
    }
    case 'climate': {
      const ctl: DeviceControl = { ...base, kind: 'climate' };
      if (typeof c.temperature_command_topic === 'string') {
        const f = c.temperature_unit === 'F';
        const toC = (v: number) => (f ? Math.round((((v - 32) * 5) / 9) * 10) / 10 : v);
        ctl.setpoint = {
          min: toC(num(c.min_temp, f ? 45 : 7)),
          max: toC(num(c.max_temp, f ? 95 : 35)),
          step: num(c.temp_step, f ? 1 : 0.5),
        };
      }
      if (typeof c.mode_command_topic === 'string')
        ctl.modes = Array.isArray(c.modes) ? (c.modes as string[]) : DEFAULT_MODES;
      return ctl;
    }
    default:
      return undefined;
  }
}

/**
 * The messages a (normalized) command becomes, and whether they can be confirmed: an entity with no
 * state topic for what was changed is optimistic (Home Assistant's term) and confirms at once.
 */
export function buildHaCommand(
  e: HaEntity,
  cmd: Command,
): { publishes: Publish[]; optimistic: boolean } | { error: string } {
  const c = e.c;
  const qos: 0 | 1 = c.qos === 1 || c.qos === 2 ? 1 : 0;
  const retain = c.retain === true;
  const publishes: Publish[] = [];
  const send = (topicKey: string, value: unknown, templateKey?: string): string | undefined => {
    const topic = c[topicKey];
    if (typeof topic !== 'string') return `this entity has no ${topicKey}`;
    let payload = pyStr(value);
    if (templateKey && typeof c[templateKey] === 'string') {
      const t = e.templates.get(templateKey);
      if (!t) return `${templateKey} is not supported`;
      const r = t.render(value);
      if (!r.ok) return `${templateKey}: ${r.reason}`;
      payload = pyStr(r.value);
    }
    publishes.push({ topic, payload, qos, retain });
    return undefined;
  };
  let err: string | undefined;
  let optimistic = c.optimistic === true;
  switch (e.component) {
    case 'switch':
      err = send(
        'command_topic',
        cmd.state === 'ON' ? (c.payload_on ?? 'ON') : (c.payload_off ?? 'OFF'),
        'command_template',
      );
      optimistic ||= c.state_topic === undefined;
      break;
    case 'lock':
      err = send(
        'command_topic',
        cmd.state === 'LOCK' ? (c.payload_lock ?? 'LOCK') : (c.payload_unlock ?? 'UNLOCK'),
        'command_template',
      );
      optimistic ||= c.state_topic === undefined;
      break;
    case 'button':
      err = send('command_topic', c.payload_press ?? 'PRESS', 'command_template');
      optimistic = true;
      break;
    case 'cover':
      if (cmd.state !== undefined) {
        const p = {
          OPEN: c.payload_open ?? 'OPEN',
          CLOSE: c.payload_close ?? 'CLOSE',
          STOP: c.payload_stop ?? 'STOP',
        };
        err = send('command_topic', p[cmd.state as 'OPEN'], undefined);
      }
      if (!err && cmd.position !== undefined) {
        const open = num(c.position_open, 100);
        const closed = num(c.position_closed, 0);
        const raw = Math.round(closed + ((cmd.position as number) / 100) * (open - closed));
        err = send('set_position_topic', raw, 'set_position_template');
      }
      optimistic ||= c.state_topic === undefined && c.position_topic === undefined;
      break;
    case 'climate':
      if (cmd.setpoint !== undefined) {
        const sp = cmd.setpoint as number;
        const v = c.temperature_unit === 'F' ? Math.round((sp * 9) / 5 + 32) : sp;
        err = send('temperature_command_topic', v, 'temperature_command_template');
        optimistic ||= c.temperature_state_topic === undefined;
      }
      if (!err && cmd.mode !== undefined) {
        err = send('mode_command_topic', cmd.mode, 'mode_command_template');
        optimistic ||= c.mode_state_topic === undefined;
      }
      break;
    case 'light':
      if (isJsonLight(e)) {
        publishes.push({
          topic: String(c.command_topic),
          payload: JSON.stringify(jsonLightCommand(e, cmd)),
          qos,
          retain,
        });
        optimistic ||= c.state_topic === undefined;
      } else {
        ({ err, optimistic } = defaultLight(e, cmd, send, optimistic));
      }
      break;
    default:
      err = `${e.component} takes no commands`;
  }
  return err ? { error: err } : { publishes, optimistic };
}

function defaultLight(
  e: HaEntity,
  cmd: Command,
  send: (k: string, v: unknown, t?: string) => string | undefined,
  optimistic: boolean,
): { err?: string; optimistic: boolean } {
  const c = e.c;
  let err: string | undefined;
  const scale = num(c.brightness_scale, 255);
  const onType =
    c.on_command_type === 'brightness' || c.on_command_type === 'first'
      ? c.on_command_type
      : 'last';
  const on = () => send('command_topic', c.payload_on ?? 'ON');
  // on_command_type 'first': ON goes before the other values; 'brightness': a brightness is the ON.
  if (cmd.state === 'ON' && onType === 'first') err = on();
  if (!err && cmd.brightness !== undefined && cmd.brightness !== 0) {
    err = send(
      'brightness_command_topic',
      Math.max(1, Math.round(((cmd.brightness as number) / 100) * scale)),
      'brightness_command_template',
    );
    optimistic ||= c.brightness_state_topic === undefined;
  }
  if (!err && cmd.color_temp !== undefined) {
    const v =
      c.color_temp_kelvin === true ? Math.round(1e6 / (cmd.color_temp as number)) : cmd.color_temp;
    err = send('color_temp_command_topic', v, 'color_temp_command_template');
    optimistic ||= c.color_temp_state_topic === undefined;
  }
  const off = cmd.state === 'OFF' || cmd.brightness === 0;
  if (!err && off) err = send('command_topic', c.payload_off ?? 'OFF');
  else if (!err && cmd.state === 'ON' && onType === 'last') err = on();
  else if (!err && cmd.state === 'ON' && onType === 'brightness' && cmd.brightness === undefined)
    err = send('brightness_command_topic', scale, 'brightness_command_template');
  if (cmd.state !== undefined) optimistic ||= c.state_topic === undefined;
  return { err, optimistic };
}

function jsonLightCommand(e: HaEntity, cmd: Command): Json {
  const c = e.c;
  const out: Json = {};
  const scale = num(c.brightness_scale, 255);
  if (cmd.state !== undefined) out.state = cmd.state;
  if (cmd.brightness !== undefined) {
    if (cmd.brightness === 0) out.state = 'OFF';
    else {
      out.state ??= 'ON';
      out.brightness = Math.max(1, Math.round(((cmd.brightness as number) / 100) * scale));
    }
  }
  if (cmd.color_temp !== undefined) {
    out.state ??= 'ON';
    out.color_temp =
      c.color_temp_kelvin === true ? Math.round(1e6 / (cmd.color_temp as number)) : cmd.color_temp;
  }
  return out;
}
