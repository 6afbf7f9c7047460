/**
 * Commands to smart-home devices, independent of the transport: the vocabulary a dashboard or rule
 * sends (per control kind), whether a device state confirms a command, and the tracker that holds a
 * command pending until its state comes back, or fails it after a timeout.
 *
 * Vocabulary (values of `command`; device.state[entity] uses the same names):
 *   switch  { state: 'ON' | 'OFF' | 'TOGGLE' }
 *   light   { state?, brightness?: 0..100 (%), color_temp?: mired }
 *   climate { setpoint?: °C, mode?: one of the control's modes }
 *   cover   { state?: 'OPEN' | 'CLOSE' | 'STOP', position?: 0..100 }
 *   lock    { state: 'LOCK' | 'UNLOCK' }
 *   button  { press?: true }
 */
import { randomBytes } from 'node:crypto';
import type { CommandState } from '../../../shared/contract/index.js';
import type { DeviceControl } from '../../../shared/model.js';
import { EngineError } from '../../../shared/result.js';
import type { Clock } from '../ports.js';

export type Command = Record<string, string | number | boolean>;
export type EntityState = Record<string, unknown>;

const ALLOWED: Record<DeviceControl['kind'], string[]> = {
  switch: ['state'],
  light: ['state', 'brightness', 'color_temp'],
  climate: ['setpoint', 'mode'],
  cover: ['state', 'position'],
  lock: ['state'],
  button: ['press'],
};

/**
 * Checks a command against the control and resolves TOGGLE with the current state, so what is
 * published and what confirms it are plain values. Throws EngineError('invalid_input').
 */
export function normalizeCommand(
  control: DeviceControl,
  command: Command,
  current: EntityState | undefined,
): Command {
  const bad = (field: string, msg: string) =>
    new EngineError('invalid_input', `${field}: ${msg}`, `command.${field}`);
  const out: Command = {};
  for (const [k, v] of Object.entries(command)) {
    if (!ALLOWED[control.kind].includes(k)) throw bad(k, `not a ${control.kind} command`);
    out[k] = typeof v === 'string' ? v.toUpperCase() : v;
    if (k === 'mode') out[k] = v;
  }
  if (control.kind !== 'button' && Object.keys(out).length === 0)
    throw new EngineError('invalid_input', 'the command is empty', 'command');
  const num = (k: string, min: number, max: number) => {
    if (out[k] === undefined) return;
    if (typeof out[k] !== 'number' || !Number.isFinite(out[k])) throw bad(k, 'must be a number');
    if ((out[k] as number) < min || (out[k] as number) > max)
      throw bad(k, `must be between ${min} and ${max}`);
  };
  const oneOf = (k: string, values: string[]) => {
    if (out[k] !== undefined && !values.includes(String(out[k])))
      throw bad(k, `must be one of ${values.join(', ')}`);
  };
  switch (control.kind) {
    case 'switch':
    case 'light':
      oneOf('state', ['ON', 'OFF', 'TOGGLE']);
      if (out.state === 'TOGGLE') out.state = current?.state === 'ON' ? 'OFF' : 'ON';
      if (out.brightness !== undefined && !control.brightness)
        throw bad('brightness', 'this light does not dim');
      num('brightness', 0, 100);
      if (out.color_temp !== undefined && !control.colorTemp)
        throw bad('color_temp', 'this light has no colour temperature');
      if (control.colorTemp) num('color_temp', control.colorTemp.min, control.colorTemp.max);
      break;
    case 'climate':
      if (out.setpoint !== undefined && !control.setpoint) throw bad('setpoint', 'not settable');
      if (control.setpoint) num('setpoint', control.setpoint.min, control.setpoint.max);
      if (out.mode !== undefined) oneOf('mode', control.modes ?? []);
      break;
    case 'cover':
      oneOf('state', ['OPEN', 'CLOSE', 'STOP']);
      num('position', 0, 100);
      break;
    case 'lock':
      oneOf('state', ['LOCK', 'UNLOCK']);
      if (out.state === undefined) throw bad('state', 'LOCK or UNLOCK is required');
      break;
    case 'button':
      break;
  }
  return out;
}

const near = (a: unknown, b: unknown, tol: number) =>
  typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tol;

/** Whether a device's reported state shows the command carried out. */
export function confirms(kind: DeviceControl['kind'], cmd: Command, s: EntityState): boolean {
  for (const [k, want] of Object.entries(cmd)) {
    const have = s[k];
    switch (kind === 'cover' || kind === 'lock' ? `${kind}.${k}` : k) {
      case 'state':
        if (have !== want) return false;
        break;
      case 'brightness':
        // A brightness of 0 % is the light off: devices report it as OFF, not as 0.
        if (!(near(have, want, 1) || (want === 0 && s.state === 'OFF'))) return false;
        break;
      case 'color_temp':
        if (!near(have, want, Math.max(2, (want as number) * 0.01))) return false;
        break;
      case 'setpoint':
        if (!near(have, want, 0.051)) return false;
        break;
      case 'mode':
        if (String(have).toLowerCase() !== String(want).toLowerCase()) return false;
        break;
      case 'cover.position':
      case 'position':
        if (!near(s.position, want, 1)) return false;
        break;
      case 'cover.state': {
        const st = String(s.state ?? '');
        const pos = s.position as number | undefined;
        if (want === 'OPEN' && !(['open', 'opening'].includes(st) || (pos ?? 0) >= 99))
          return false;
        if (want === 'CLOSE' && !(['closed', 'closing'].includes(st) || (pos ?? 100) <= 1))
          return false;
        if (want === 'STOP' && ['opening', 'closing'].includes(st)) return false;
        break;
      }
      case 'lock.state':
        if (want === 'LOCK' && s.state !== 'LOCKED') return false;
        if (want === 'UNLOCK' && !['UNLOCKED', 'OPEN'].includes(String(s.state))) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

/** The state an optimistic entity (one that reports nothing back) is assumed to be in. */
export function assumedState(kind: DeviceControl['kind'], cmd: Command): EntityState {
  const s: EntityState = { ...cmd };
  if (kind === 'cover' && cmd.state !== undefined)
    s.state = { OPEN: 'open', CLOSE: 'closed', STOP: 'stopped' }[cmd.state as 'OPEN'];
  if (kind === 'lock') s.state = cmd.state === 'LOCK' ? 'LOCKED' : 'UNLOCKED';
  if ((kind === 'light' || kind === 'switch') && cmd.brightness === 0) s.state = 'OFF';
  else if (kind === 'light' && (cmd.brightness !== undefined || cmd.color_temp !== undefined))
    s.state ??= 'ON';
  delete s.press;
  return s;
}

interface Pending {
  cmd: CommandState;
  kind: DeviceControl['kind'];
  command: Command;
  timer: unknown;
}

export interface CommandTrackerOptions {
  clock: Clock;
  timeoutMs: number;
  /** Pushed on every change of a command's state (the commandState event). */
  emit(states: CommandState[]): void;
}

/** Commands waiting for their device to confirm them. */
export class CommandTracker {
  private readonly pending = new Map<string, Pending>();
  /** The last few finished commands, so a caller can read an outcome decided synchronously. */
  private readonly recent = new Map<string, CommandState>();
  private seq = 0;
  private readonly prefix = randomBytes(3).toString('hex');

  constructor(private readonly opts: CommandTrackerOptions) {}

  /** Starts tracking; a newer command for the same entity and the same fields supersedes. */
  begin(
    deviceId: string,
    entity: string,
    kind: DeviceControl['kind'],
    command: Command,
  ): CommandState {
    for (const p of this.pending.values()) {
      const sameFields = Object.keys(command).some((k) => k in p.command);
      if (p.cmd.deviceId === deviceId && p.cmd.entity === entity && sameFields)
        this.finish(p, 'failed', 'superseded by a newer command');
    }
    const cmd: CommandState = {
      id: `cmd-${this.prefix}-${++this.seq}`,
      deviceId,
      entity,
      state: 'pending',
      ts: this.opts.clock.now(),
    };
    const p: Pending = { cmd, kind, command, timer: undefined };
    p.timer = this.opts.clock.setTimeout(
      () => this.finish(p, 'failed', `no confirmation within ${this.opts.timeoutMs} ms`),
      this.opts.timeoutMs,
    );
    (p.timer as { unref?: () => void } | undefined)?.unref?.();
    this.pending.set(cmd.id, p);
    this.opts.emit([cmd]);
    return cmd;
  }

  /** Ends a command at once (confirmed optimistically, or failed to publish). */
  settle(id: string, state: 'confirmed' | 'failed', reason?: string): CommandState | undefined {
    const p = this.pending.get(id);
    return p ? this.finish(p, state, reason) : undefined;
  }

  /** A device reported an entity's state: confirm every pending command it satisfies. */
  observe(deviceId: string, entity: string, state: EntityState): void {
    for (const p of [...this.pending.values()]) {
      if (p.cmd.deviceId !== deviceId || p.cmd.entity !== entity) continue;
      if (confirms(p.kind, p.command, state)) this.finish(p, 'confirmed');
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** The current state of a command (pending, or recently finished). */
  get(id: string): CommandState | undefined {
    return this.pending.get(id)?.cmd ?? this.recent.get(id);
  }

  dispose(): void {
    for (const p of this.pending.values()) this.opts.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  private finish(p: Pending, state: 'confirmed' | 'failed', reason?: string): CommandState {
    this.opts.clock.clearTimeout(p.timer);
    this.pending.delete(p.cmd.id);
    const done: CommandState = { ...p.cmd, state, ts: this.opts.clock.now() };
    if (reason) done.reason = reason;
    this.recent.set(done.id, done);
    if (this.recent.size > 100) this.recent.delete(this.recent.keys().next().value as string);
    this.opts.emit([done]);
    return done;
  }
}
