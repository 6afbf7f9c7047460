import { describe, expect, it } from 'vitest';
import type { CommandState } from '../../../shared/contract/index.js';
import type { DeviceControl } from '../../../shared/model.js';
import { ManualClock } from '../../../../test/helpers/clock.js';
import { assumedState, CommandTracker, confirms, normalizeCommand } from './commands.js';

const light: DeviceControl = {
  entity: 'light',
  kind: 'light',
  name: 'Bulb',
  brightness: true,
  colorTemp: { min: 250, max: 454 },
};
const thermostat: DeviceControl = {
  entity: 'climate',
  kind: 'climate',
  name: 'TRV',
  setpoint: { min: 5, max: 30, step: 0.5 },
  modes: ['off', 'heat'],
};

describe('command vocabulary', () => {
  it('normalizes and validates against the control', () => {
    expect(normalizeCommand(light, { state: 'on', brightness: 40 }, undefined)).toEqual({
      state: 'ON',
      brightness: 40,
    });
    expect(normalizeCommand(light, { state: 'TOGGLE' }, { state: 'ON' })).toEqual({ state: 'OFF' });
    expect(() => normalizeCommand(light, { brightness: 140 }, undefined)).toThrow(
      /between 0 and 100/,
    );
    expect(() => normalizeCommand(light, { color_temp: 100 }, undefined)).toThrow(/between 250/);
    expect(() => normalizeCommand(light, { setpoint: 20 }, undefined)).toThrow(
      /not a light command/,
    );
    expect(() =>
      normalizeCommand({ ...light, brightness: undefined }, { brightness: 5 }, undefined),
    ).toThrow(/does not dim/);
    expect(normalizeCommand(thermostat, { setpoint: 21.5, mode: 'heat' }, undefined)).toEqual({
      setpoint: 21.5,
      mode: 'heat',
    });
    expect(() => normalizeCommand(thermostat, { mode: 'cool' }, undefined)).toThrow(
      /one of off, heat/,
    );
    expect(() => normalizeCommand(thermostat, {}, undefined)).toThrow(/empty/);
    const lock: DeviceControl = { entity: 'lock', kind: 'lock', name: 'Door' };
    expect(() => normalizeCommand(lock, { state: 'OPEN' }, undefined)).toThrow(/LOCK, UNLOCK/);
  });

  it('confirms only when the reported state matches', () => {
    expect(
      confirms('light', { state: 'ON', brightness: 40 }, { state: 'ON', brightness: 39 }),
    ).toBe(true);
    expect(
      confirms('light', { state: 'ON', brightness: 40 }, { state: 'ON', brightness: 47 }),
    ).toBe(false);
    expect(confirms('light', { brightness: 0 }, { state: 'OFF', brightness: 40 })).toBe(true);
    expect(confirms('climate', { setpoint: 21.5 }, { setpoint: 21.5, mode: 'heat' })).toBe(true);
    expect(confirms('climate', { setpoint: 21.5 }, { setpoint: 21 })).toBe(false);
    expect(confirms('climate', { mode: 'HEAT' }, { mode: 'heat' })).toBe(true);
    expect(confirms('cover', { state: 'OPEN' }, { state: 'opening' })).toBe(true);
    expect(confirms('cover', { state: 'CLOSE' }, { state: 'open', position: 100 })).toBe(false);
    expect(confirms('cover', { position: 50 }, { position: 50 })).toBe(true);
    expect(confirms('lock', { state: 'LOCK' }, { state: 'LOCKED' })).toBe(true);
    expect(confirms('lock', { state: 'LOCK' }, { state: 'LOCKING' })).toBe(false);
    expect(assumedState('cover', { state: 'CLOSE' })).toEqual({ state: 'closed' });
    expect(assumedState('light', { brightness: 30 })).toEqual({ brightness: 30, state: 'ON' });
  });
});

describe('CommandTracker', () => {
  function tracker(clock: ManualClock) {
    const seen: CommandState[] = [];
    const t = new CommandTracker({ clock, timeoutMs: 5000, emit: (s) => seen.push(...s) });
    return { t, seen };
  }

  it('goes pending -> confirmed when the state comes back', async () => {
    const clock = new ManualClock();
    const { t, seen } = tracker(clock);
    const c = t.begin('dev', 'light', 'light', { state: 'ON' });
    expect(c.state).toBe('pending');
    t.observe('dev', 'light', { state: 'OFF' });
    expect(t.get(c.id)?.state).toBe('pending');
    t.observe('dev', 'light', { state: 'ON' });
    expect(t.get(c.id)?.state).toBe('confirmed');
    await clock.advance(10_000);
    expect(seen.map((s) => s.state)).toEqual(['pending', 'confirmed']);
    expect(clock.pending).toBe(0);
  });

  it('fails after the timeout, and a newer command supersedes an older one', async () => {
    const clock = new ManualClock();
    const { t, seen } = tracker(clock);
    const a = t.begin('dev', 'light', 'light', { brightness: 20 });
    const b = t.begin('dev', 'light', 'light', { brightness: 80 });
    expect(t.get(a.id)).toMatchObject({ state: 'failed', reason: 'superseded by a newer command' });
    await clock.advance(4999);
    expect(t.get(b.id)?.state).toBe('pending');
    await clock.advance(1);
    expect(t.get(b.id)).toMatchObject({
      state: 'failed',
      reason: 'no confirmation within 5000 ms',
    });
    expect(seen.filter((s) => s.state === 'failed')).toHaveLength(2);
    expect(t.size).toBe(0);
  });
});
