/**
 * No ghosts: smart-home devices whose announcement is gone leave the registry, with a log line;
 * devices restored from the last run that nothing announces any more are swept once the retained
 * announcements are in (settleMs after connecting); an away device can be forgotten through the
 * contract, and stays out until its source announces it anew. On a real Mosquitto.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineService } from '../../../src/main/engine/context.js';
import type { Device } from '../../../src/shared/model.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { publisher, send, smartHomeComposition, waitFor } from './discovery-helpers.js';

const SETTLE_MS = 600;
let broker: Mosquitto;
let te: TestEngine;
let pub: MqttClient;

const restored = (id: string, source: string, transport: Device['transport'] = 'mqtt') =>
  ({ id, source, transport, name: id, online: false }) as const;

const kept = {
  name: 'Kept',
  stat_t: 'fx/kept',
  uniq_id: 'fx_kept',
  dev_cla: 'temperature',
  unit_of_meas: '°C',
  dev: { ids: ['fx_kept'], name: 'Kept sensor' },
};
const zEntry = (ieee: string, name: string) => ({
  ieee_address: ieee,
  friendly_name: name,
  type: 'EndDevice',
  supported: true,
  disabled: false,
  definition: {
    model: 'SNZB-02',
    vendor: 'SONOFF',
    description: 'Temperature and humidity sensor',
    exposes: [
      { type: 'numeric', name: 'temperature', property: 'temperature', access: 1, unit: '°C' },
    ],
  },
});

const has = (id: string) => te.engine.devices.get(id) !== undefined;
const removals = () =>
  te.engine.logging
    .entries({ limit: 500, module: 'mqtt.smarthome' })
    .filter((e) => e.msg === 'device removed')
    .map((e) => `${String(e.detail?.device)}: ${String(e.detail?.reason)}`);

beforeAll(async () => {
  broker = await startMosquitto();
  pub = await publisher(broker);
  await send(pub, 'homeassistant/sensor/fx_kept/config', kept);
  const dir = mkdtempSync(join(tmpdir(), 'homebeat-ghosts-'));
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ mqtt: { host: '127.0.0.1', port: broker.port } }),
  );
  const home = smartHomeComposition({ settleMs: SETTLE_MS });
  te = await createTestEngine({
    dir,
    compose: (ctx) => {
      // What the history restores at start: the devices of the last run, offline.
      const restore: EngineService = {
        name: 'restore',
        start: () => {
          for (const d of [
            restored('ghost_ha', 'ha_discovery'),
            restored('fx_kept', 'ha_discovery'),
            restored('0xghost', 'zigbee2mqtt'),
            restored('aa:bb:cc:dd:ee:ff', 'ble', 'ble'),
          ])
            ctx.devices.upsert(d);
        },
        dispose: () => {},
      };
      return [restore, ...home.compose(ctx)];
    },
  });
});
afterAll(async () => {
  await pub?.endAsync();
  await te?.close();
  await broker?.stop();
});

describe('ghosts', () => {
  it('restored devices nothing announces are swept once the retained messages are in', async () => {
    await waitFor('swept', () => !has('ghost_ha') && !has('0xghost'));
    expect(has('fx_kept')).toBe(true);
    expect(has('aa:bb:cc:dd:ee:ff')).toBe(true);
    expect(removals()).toEqual(
      expect.arrayContaining([
        'ghost_ha: no Home Assistant discovery config announces it',
        '0xghost: Zigbee2MQTT announces no device list',
      ]),
    );
  });

  it('a device gone from bridge/devices, or whose configs were emptied, leaves with a log line', async () => {
    await send(pub, 'zigbee2mqtt/bridge/devices', [
      zEntry('0xa1', 'hall/a'),
      zEntry('0xb2', 'hall/b'),
    ]);
    await waitFor('z2m devices', () => has('0xa1') && has('0xb2'));
    await send(pub, 'zigbee2mqtt/bridge/devices', [zEntry('0xa1', 'hall/a')]);
    await waitFor('b gone', () => !has('0xb2'));
    await send(pub, 'homeassistant/sensor/fx_gone/config', {
      ...kept,
      uniq_id: 'g',
      dev: { ids: ['fx_gone'] },
    });
    await waitFor('fx_gone', () => has('fx_gone'));
    await send(pub, 'homeassistant/sensor/fx_gone/config', null);
    await waitFor('fx_gone gone', () => !has('fx_gone'));
    expect(removals()).toEqual(
      expect.arrayContaining([
        "0xb2: no longer in Zigbee2MQTT's device list",
        'fx_gone: its discovery config was removed',
      ]),
    );
  });
});

describe('forgetting an away device (forgetSmartHomeDevice)', () => {
  const forget = (id: string) => te.engine.request('forgetSmartHomeDevice', { id });

  it('Home Assistant: gone until its config is announced anew, not by the same one again', async () => {
    expect(await forget('fx_kept')).toEqual({ ok: true, value: { id: 'fx_kept' } });
    expect(has('fx_kept')).toBe(false);
    await send(pub, 'homeassistant/sensor/fx_kept/config', kept);
    // A marker published after it: once it is in, the repeat has been handled.
    await send(pub, 'homeassistant/sensor/fx_marker/config', {
      ...kept,
      uniq_id: 'm',
      dev: { ids: ['fx_marker'] },
    });
    await waitFor('marker', () => has('fx_marker'));
    expect(has('fx_kept')).toBe(false);
    await send(pub, 'homeassistant/sensor/fx_kept/config', { ...kept, name: 'Kept, renamed' });
    await waitFor('announced anew', () => has('fx_kept'));
  });

  it('Zigbee2MQTT: gone until its entry changes (or it leaves and joins again)', async () => {
    expect(await forget('0xa1')).toMatchObject({ ok: true });
    await send(pub, 'zigbee2mqtt/bridge/devices', [
      zEntry('0xa1', 'hall/a'),
      zEntry('0xc3', 'hall/c'),
    ]);
    await waitFor('c', () => has('0xc3'));
    expect(has('0xa1')).toBe(false);
    await send(pub, 'zigbee2mqtt/bridge/devices', [
      zEntry('0xa1', 'hall/a2'),
      zEntry('0xc3', 'hall/c'),
    ]);
    await waitFor('renamed, back', () => te.engine.devices.get('0xa1')?.name === 'hall/a2');
  });

  it('refuses what is not a smart-home device', async () => {
    expect(await forget('aa:bb:cc:dd:ee:ff')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await forget('nothing')).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
