import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandState, Input } from '../../../src/shared/contract/index.js';
import { SimHome } from '../../../src/main/demo/home/simhome.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { device, smartHomeEngine, waitFor, type SmartHomeEngine } from './discovery-helpers.js';

const TIMEOUT_MS = 800;
let broker: Mosquitto;
let te: SmartHomeEngine;
let sim: SimHome;

beforeAll(async () => {
  broker = await startMosquitto();
  te = await smartHomeEngine(broker, { commandTimeoutMs: TIMEOUT_MS });
  sim = new SimHome({
    url: broker.url,
    discoveryPrefix: 'homeassistant',
    z2mBase: 'zigbee2mqtt',
    tickMs: 0,
  });
  await sim.start();
  // Available too: an entity with an availability topic is unavailable until that topic speaks.
  await waitFor('simulated devices', () =>
    [
      'sim_hall_light',
      'sim_coffee',
      'sim_thermostat',
      'sim_blinds',
      'sim_front_door_lock',
      '0x000b57fffe1a2b01',
      '0x84fd27fffe3e4f03',
    ].every((id) => device(te, id)?.controls?.length && device(te, id)?.availability === 'online'),
  );
});
afterAll(async () => {
  await sim?.dispose();
  await te?.close();
  await broker?.stop();
});

async function command(
  deviceId: string,
  entity: string,
  cmd: Input<'sendCommand'>['command'],
): Promise<CommandState> {
  const r = await te.engine.request('sendCommand', { deviceId, entity, command: cmd });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as CommandState;
}

/** Waits for the commandState event that ends this command. */
async function outcome(id: string): Promise<CommandState> {
  const batch = await te.waitFor(
    (b) => !!b.commandState?.some((c) => c.id === id && c.state !== 'pending'),
  );
  return batch.commandState!.find((c) => c.id === id)!;
}

describe('command round trip with scripted devices', () => {
  it('Home Assistant light: brightness is pending, then confirmed by the state', async () => {
    const c = await command('sim_hall_light', 'light/sim_hall_light', { brightness: 30 });
    expect(c.state).toBe('pending');
    expect(await outcome(c.id)).toMatchObject({ state: 'confirmed', deviceId: 'sim_hall_light' });
    expect(device(te, 'sim_hall_light')?.state?.['light/sim_hall_light']).toMatchObject({
      state: 'ON',
      brightness: 30,
    });
    const off = await command('sim_hall_light', 'light/sim_hall_light', { state: 'OFF' });
    expect((await outcome(off.id)).state).toBe('confirmed');
  });

  it('Home Assistant switch (templated JSON state) and thermostat (setpoint, mode)', async () => {
    const sw = await command('sim_coffee', 'switch/simhome/coffee', { state: 'TOGGLE' });
    expect((await outcome(sw.id)).state).toBe('confirmed');
    expect(device(te, 'sim_coffee')?.state?.['switch/simhome/coffee']).toEqual({ state: 'ON' });
    const th = await command('sim_thermostat', 'climate/sim_thermostat', {
      setpoint: 22.5,
      mode: 'auto',
    });
    expect((await outcome(th.id)).state).toBe('confirmed');
    expect(device(te, 'sim_thermostat')?.state?.['climate/sim_thermostat']).toMatchObject({
      setpoint: 22.5,
      mode: 'auto',
    });
  });

  it('Home Assistant cover (position, open/close) and lock: each confirmed by its state', async () => {
    expect(device(te, 'sim_blinds')?.controls).toEqual([
      { entity: 'cover/sim_blinds', kind: 'cover', name: 'Blinds' },
    ]);
    const half = await command('sim_blinds', 'cover/sim_blinds', { position: 40 });
    expect(await outcome(half.id)).toMatchObject({ state: 'confirmed' });
    // State and position arrive on two topics: poll until both have.
    await expect
      .poll(() => device(te, 'sim_blinds')?.state?.['cover/sim_blinds'])
      .toMatchObject({ state: 'open', position: 40 });
    const closed = await command('sim_blinds', 'cover/sim_blinds', { state: 'CLOSE' });
    expect((await outcome(closed.id)).state).toBe('confirmed');
    await expect
      .poll(() => device(te, 'sim_blinds')?.state?.['cover/sim_blinds'])
      .toMatchObject({ state: 'closed', position: 0 });

    const lock = 'lock/sim_front_door_lock';
    expect(device(te, 'sim_front_door_lock')?.state?.[lock]).toMatchObject({ state: 'LOCKED' });
    const open = await command('sim_front_door_lock', lock, { state: 'UNLOCK' });
    expect((await outcome(open.id)).state).toBe('confirmed');
    expect(device(te, 'sim_front_door_lock')?.state?.[lock]).toMatchObject({ state: 'UNLOCKED' });
    const shut = await command('sim_front_door_lock', lock, { state: 'LOCK' });
    expect((await outcome(shut.id)).state).toBe('confirmed');
  });

  it('Zigbee2MQTT: light and radiator thermostat over /set', async () => {
    const l = await command('0x000b57fffe1a2b01', 'light', {
      state: 'ON',
      brightness: 50,
      color_temp: 300,
    });
    expect((await outcome(l.id)).state).toBe('confirmed');
    expect(device(te, '0x000b57fffe1a2b01')?.state?.light).toMatchObject({
      state: 'ON',
      brightness: 50,
      color_temp: 300,
    });
    const t = await command('0x84fd27fffe3e4f03', 'climate', { setpoint: 21.5, mode: 'auto' });
    expect((await outcome(t.id)).state).toBe('confirmed');
    const p = await command('0x0c4314fffe2c3d02', 'switch', { state: 'OFF' });
    expect((await outcome(p.id)).state).toBe('confirmed');
  });

  it('a device that does not answer: failed after the timeout', async () => {
    sim.mute('hall_light');
    sim.mute('living_room/bulb');
    const a = await command('sim_hall_light', 'light/sim_hall_light', { brightness: 80 });
    const b = await command('0x000b57fffe1a2b01', 'light', { state: 'OFF' });
    const [ra, rb] = await Promise.all([outcome(a.id), outcome(b.id)]);
    expect(ra).toMatchObject({
      state: 'failed',
      reason: `no confirmation within ${TIMEOUT_MS} ms`,
    });
    expect(rb.state).toBe('failed');
    sim.mute('hall_light', false);
    sim.mute('living_room/bulb', false);
  });

  it('refuses bad commands with a reason; the service API returns them failed', async () => {
    const tooBright = await te.engine.request('sendCommand', {
      deviceId: 'sim_hall_light',
      entity: 'light/sim_hall_light',
      command: { brightness: 150 },
    });
    expect(tooBright).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'command.brightness' },
    });
    const nobody = await te.engine.request('sendCommand', {
      deviceId: 'nope',
      entity: 'x',
      command: { state: 'ON' },
    });
    expect(nobody).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const sensor = await te.engine.request('sendCommand', {
      deviceId: 'sim_living_sensor',
      entity: 'sensor/sim_living_sensor/temperature',
      command: { state: 'ON' },
    });
    expect(sensor).toMatchObject({ ok: false, error: { code: 'not_found', field: 'entity' } });
    const home = te.smarthome;
    const st = home.sendCommand('sim_thermostat', 'climate/sim_thermostat', { mode: 'turbo' });
    expect(st).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/mode: must be one of/),
    });
  });

  it('refuses a command at once while the broker is away', async () => {
    await broker.kill();
    await waitFor('disconnected', () => te.engine.status().mqtt.state !== 'connected');
    const r = await te.engine.request('sendCommand', {
      deviceId: 'sim_coffee',
      entity: 'switch/simhome/coffee',
      command: { state: 'OFF' },
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/not connected/) },
    });
  });
});
