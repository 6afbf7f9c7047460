/**
 * The state of each smart-home entity (a light's on/off and brightness, a thermostat's setpoint),
 * in the command vocabulary of commands.ts. It is kept in one place, the device registry's
 * `device.state[entity]`, which is also what the dashboard and the rules read; the dialects report
 * into it and keep no copy of their own, so what a command is resolved against (TOGGLE) and what
 * the dashboard shows cannot drift apart.
 */
import type { DevicePatch } from '../../../shared/model.js';
import type { DeviceRegistry } from '../devices.js';
import type { EntityState } from './commands.js';
import { isObject } from './json.js';

export interface EntityStatesOptions {
  devices: DeviceRegistry;
  now(): number;
  /** Every reported state, after it is stored (pending commands wait for it). */
  onState(deviceId: string, entity: string, state: EntityState): void;
}

export class EntityStates {
  constructor(private readonly opts: EntityStatesOptions) {}

  get(deviceId: string, entity: string): EntityState | undefined {
    const all = this.opts.devices.get(deviceId)?.state;
    const s = all && Object.hasOwn(all, entity) ? all[entity] : undefined;
    return isObject(s) ? s : undefined;
  }

  /**
   * Merges each entity's patch into its state and marks the device seen, in one registry update
   * (with `also`, e.g. the device coming online); then each new state is reported on. A device
   * that is not (or no longer) in the registry has no state to keep.
   */
  report(
    deviceId: string,
    patches: Record<string, EntityState>,
    also: Omit<DevicePatch, 'id' | 'state'> = {},
  ): void {
    if (!this.opts.devices.get(deviceId)) return;
    // fromEntries defines each key, `__proto__` included, where assignment would not.
    const state: Record<string, EntityState> = Object.fromEntries(
      Object.entries(patches).map(([entity, patch]) => [
        entity,
        { ...this.get(deviceId, entity), ...patch },
      ]),
    );
    this.opts.devices.upsert({ ...also, id: deviceId, state, lastSeen: this.opts.now() });
    for (const [entity, s] of Object.entries(state)) this.opts.onState(deviceId, entity, s);
  }

  /** Forgets an entity's state (the entity left its device). */
  clear(deviceId: string, entity: string): void {
    if (this.opts.devices.get(deviceId))
      this.opts.devices.upsert({ id: deviceId, state: { [entity]: undefined } });
  }
}
