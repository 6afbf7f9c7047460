/** A command for a Zigbee2MQTT control -> the JSON for `<base>/<friendly_name>/set`. Pure. */
import type { Command } from '../commands.js';
import type { Json } from '../json.js';
import type { Feature, Z2mControl } from './z2m-parse.js';

const settable = (f: Feature | undefined) => !!f && ((f.access ?? 0) & 2) !== 0;

/** The JSON a command becomes on `<base>/<friendly_name>/set`. */
export function buildZ2mCommand(e: Z2mControl, cmd: Command): Json | { error: string } {
  const out: Json = {};
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
