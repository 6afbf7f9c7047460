import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoSetup } from '../../../src/main/demo/demo-rule.js';
import { createTestEngine } from '../../helpers/engine.js';
import { freePort } from '../../helpers/ports.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import {
  device,
  latestOf,
  smartHomeComposition,
  smartHomeEngine,
  waitFor,
  warnings,
  type SmartHomeEngine,
} from './discovery-helpers.js';

const EXPECTED: Record<string, string> = {
  sim_hall_light: 'light',
  sim_coffee: 'switch',
  sim_front_door: 'binary_sensor',
  sim_thermostat: 'climate',
  sim_living_sensor: 'sensor',
  sim_blinds: 'cover',
  sim_front_door_lock: 'lock',
  '0x000b57fffe1a2b01': 'light',
  '0x0c4314fffe2c3d02': 'switch',
  '0x84fd27fffe3e4f03': 'climate',
  '0x00158d0004a5b604': 'sensor',
  '0x00158d0005c6d705': 'binary_sensor',
};

let broker: Mosquitto;
let te: SmartHomeEngine;

beforeAll(async () => {
  broker = await startMosquitto();
  te = await smartHomeEngine(broker, { demoHome: { tickMs: 0 } });
});
afterAll(async () => {
  await te?.close();
  await broker?.stop();
});

describe('scripted smart home (the --simulate home)', () => {
  it('announces every simulated device, and the engine discovers them all', async () => {
    await waitFor('all simulated devices', () =>
      Object.entries(EXPECTED).every(
        ([id, kind]) => device(te, id)?.kind === kind && device(te, id)?.online,
      ),
    );
    expect(device(te, 'sim_hall_light')?.controls).toEqual([
      { entity: 'light/sim_hall_light', kind: 'light', name: 'Hall light', brightness: true },
    ]);
    expect(device(te, 'sim_thermostat')?.controls?.[0]).toMatchObject({
      setpoint: { min: 5, max: 30, step: 0.5 },
      modes: ['off', 'heat', 'auto'],
    });
    await waitFor('first values', () => latestOf(device(te, 'sim_living_sensor'), 'humidity'));
    const sensor = device(te, 'sim_living_sensor');
    expect([latestOf(sensor, 'temperature')?.value, latestOf(sensor, 'humidity')?.value]).toEqual([
      21, 50,
    ]);
    // The simulated devices are well-formed: nothing was refused.
    expect(warnings(te, undefined, 'mqtt.smarthome')).toEqual([]);
  });

  it('follows a deterministic script: the door opens on tick 3 and closes on tick 4', async () => {
    const sim = te.demoHome!.home!;
    const door = () =>
      device(te, 'sim_front_door')?.state?.['binary_sensor/sim_front_door'] as
        { state?: string } | undefined;
    await waitFor('door closed', () => door()?.state === 'OFF');
    sim.tick();
    sim.tick();
    sim.tick();
    await waitFor('door open', () => door()?.state === 'ON');
    expect(latestOf(device(te, 'sim_front_door'), 'state')?.value).toBe(1);
    // The Zigbee2MQTT back door says contact: false, which is open: 1 in the door class.
    const back = () => device(te, '0x00158d0005c6d705');
    await waitFor('back door open', () => latestOf(back(), 'state')?.value === 1);
    expect(back()?.binaryClass).toBe('door');
    sim.tick();
    await waitFor('door closed again', () => door()?.state === 'OFF');
    await waitFor('back door closed', () => latestOf(back(), 'state')?.value === 0);
    const t4 = Math.round((21 + 1.5 * Math.sin(4 / 12)) * 10) / 10;
    await waitFor(
      'sensor drift',
      () => latestOf(device(te, 'sim_living_sensor'), 'temperature')?.value === t4,
    );
    await waitFor('motion', () => latestOf(device(te, '0x00158d0004a5b604'), 'illuminance'));
  });
});

describe('serve --simulate: the scripted home on the embedded broker', () => {
  it('starts with the engine in simulate mode and shows its devices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homebeat-simhome-embedded-'));
    const port = await freePort();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ mqtt: { host: '', embedded: { port } } }),
    );
    const sim = await createTestEngine({
      dir,
      // As the demo composition runs it: the demo's setup (status "simulated"), the scripted home.
      compose: (ctx) => [
        new DemoSetup(ctx),
        ...smartHomeComposition({ demoHome: { tickMs: 0 } }).compose(ctx),
      ],
    });
    try {
      await waitFor('embedded broker', () => sim.engine.status().mqtt.embedded?.running);
      await waitFor('simulated devices on the embedded broker', () =>
        Object.entries(EXPECTED).every(([id, kind]) => sim.engine.devices.get(id)?.kind === kind),
      );
      expect(sim.engine.status().mqtt.embedded?.port).toBe(port);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
