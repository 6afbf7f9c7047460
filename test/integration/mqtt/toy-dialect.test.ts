/**
 * A new smart-home dialect is one module plus one entry in the composition: the toy dialect
 * (test/fixtures/toy-dialect.ts) is composed next to the built-in ones through the production
 * composition root, a toy device talks to it over a real Mosquitto, and everything is checked
 * through the dashboard's contract (listDevices, getDevice, sendCommand, commandState events).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDialects, defaultComposition } from '../../../src/main/engine/compose.js';
import type { CommandState, Input } from '../../../src/shared/contract/index.js';
import type { Device } from '../../../src/shared/model.js';
import { ToyDialect } from '../../fixtures/toy-dialect.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { publisher, send } from './discovery-helpers.js';

const LAMP = 'desk_lamp';
const TIMEOUT_MS = 1000;

let broker: Mosquitto;
let dir: string;
let te: TestEngine;
let device: MqttClient;
/** The toy lamp as the device keeps it; it publishes this as its state. */
const lamp = { name: 'Desk lamp', power: 'off', temp_c: 21.5, online: true };
let answering = true;

beforeAll(async () => {
  broker = await startMosquitto();
  // The toy lamp: answers `toy/desk_lamp/set` with its new state, as a real device would.
  device = await publisher(broker);
  await device.subscribeAsync(`toy/${LAMP}/set`);
  device.on('message', (_topic, payload) => {
    if (!answering) return;
    lamp.power = (JSON.parse(payload.toString()) as { power: string }).power;
    void send(device, `toy/${LAMP}/state`, lamp);
  });
  await send(device, `toy/${LAMP}/state`, lamp);

  dir = mkdtempSync(join(tmpdir(), 'homebeat-toy-'));
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ mqtt: { host: '127.0.0.1', port: broker.port } }),
  );
  te = await createTestEngine({
    dir,
    compose: defaultComposition({
      smarthome: {
        dialects: [...builtinDialects(), new ToyDialect()],
        commandTimeoutMs: TIMEOUT_MS,
      },
    }),
  });
});
afterAll(async () => {
  await te?.close();
  await device?.endAsync();
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function listDevices(): Promise<Device[]> {
  const r = await te.engine.request('listDevices', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function getDevice(id: string): Promise<Device> {
  const r = await te.engine.request('getDevice', { id });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function command(cmd: Input<'sendCommand'>['command']): Promise<CommandState> {
  const r = await te.engine.request('sendCommand', {
    deviceId: LAMP,
    entity: 'power',
    command: cmd,
  });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Waits for the commandState event that ends this command. */
async function outcome(id: string): Promise<CommandState> {
  const batch = await te.waitFor(
    (b) => !!b.commandState?.some((c) => c.id === id && c.state !== 'pending'),
  );
  return batch.commandState!.find((c) => c.id === id)!;
}

/** Asks through the contract until `probe` gives something (a deadline, never a fixed sleep). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const powerOf = async () => ((await getDevice(LAMP)).state?.power as { state?: string })?.state;

describe('a toy dialect composed next to the built-in ones', () => {
  it('shows the toy device with its reading and its control', async () => {
    const listed = await waitFor('the toy lamp, with its temperature', async () => {
      const d = (await listDevices()).find((x) => x.id === LAMP);
      return d?.latest.temperature ? d : undefined;
    });
    expect(listed).toMatchObject({
      transport: 'mqtt',
      source: 'toy',
      kind: 'switch',
      name: 'Desk lamp',
      online: true,
      capabilities: ['temperature'],
      controls: [{ entity: 'power', kind: 'switch', name: 'Power' }],
      latest: { temperature: { value: 21.5, unit: '°C' } },
    });
    expect((await getDevice(LAMP)).state).toEqual({ power: { state: 'OFF' } });
  });

  it('sends a command on the toy topic; the state it answers with confirms it', async () => {
    const c = await command({ state: 'ON' });
    expect(c).toMatchObject({ deviceId: LAMP, entity: 'power', state: 'pending' });
    expect(await outcome(c.id)).toMatchObject({ state: 'confirmed' });
    expect(lamp.power).toBe('on');
    expect(await powerOf()).toBe('ON');
    // TOGGLE is resolved against the state the engine keeps for the entity.
    const t = await command({ state: 'TOGGLE' });
    expect(await outcome(t.id)).toMatchObject({ state: 'confirmed' });
    expect(lamp.power).toBe('off');
    expect(await powerOf()).toBe('OFF');
  });

  it('fails a command the toy device does not answer, after the timeout', async () => {
    answering = false;
    try {
      const c = await command({ state: 'ON' });
      expect(await outcome(c.id)).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(/no confirmation/),
      });
      expect(await powerOf()).toBe('OFF');
    } finally {
      answering = true;
    }
  });

  it('keeps the built-in dialects working beside it', async () => {
    await send(device, 'homeassistant/switch/toy_neighbour/config', {
      name: 'Neighbour plug',
      unique_id: 'toy_neighbour',
      command_topic: 'neighbour/set',
      state_topic: 'neighbour/state',
    });
    await send(device, 'neighbour/state', 'ON');
    const d = await waitFor('the Home Assistant plug', async () =>
      (await listDevices()).find((x) => x.id === 'toy_neighbour' && x.state),
    );
    expect(d).toMatchObject({ source: 'ha_discovery', kind: 'switch' });
  });

  it('follows the toy availability, and removes the device on an empty state', async () => {
    await send(device, `toy/${LAMP}/state`, { ...lamp, online: false });
    await waitFor('the lamp away', async () => !(await getDevice(LAMP)).online);
    await send(device, `toy/${LAMP}/state`, null);
    await waitFor('the lamp gone', async () => !(await listDevices()).some((x) => x.id === LAMP));
    const r = await te.engine.request('getDevice', { id: LAMP });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
