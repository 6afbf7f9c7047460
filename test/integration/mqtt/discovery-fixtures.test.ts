import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/shared/metrics.js';
import type { Device } from '../../../src/shared/model.js';
import { device, latestOf, send, waitFor, warnings } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

interface Fixture {
  description: string;
  messages: { topic: string; payload: unknown }[];
  expect: {
    id: string;
    device?: Record<string, unknown>;
    latest?: Record<string, number>;
    state?: Record<string, Record<string, unknown>>;
  }[];
  absent?: string[];
}

const DIR = join(import.meta.dirname, '../../fixtures/mqtt');
const fixtures = readdirSync(DIR)
  .filter((f) => /^(ha|z2m)-.*\.json$/.test(f))
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture] as const);

/** Whether the device matches the fixture's expectation (numbers compared to 6 places). */
function matches(d: Device | undefined, x: Fixture['expect'][number]): boolean {
  if (!d) return false;
  try {
    if (x.device) expect(d).toMatchObject(x.device);
    // By metric: the value of the device's (first primary) entity of it.
    for (const [m, v] of Object.entries(x.latest ?? {}))
      expect(latestOf(d, m as Metric)?.value).toBeCloseTo(v, 6);
    for (const [entity, st] of Object.entries(x.state ?? {}))
      expect(d.state?.[entity]).toMatchObject(st);
    return true;
  } catch {
    return false;
  }
}

const home = useSmartHome();

describe('discovery fixtures on a real Mosquitto', () => {
  it('has fixtures for each payload shape', () => {
    expect(fixtures.map(([f]) => f).sort()).toEqual([
      'ha-abbreviated.json',
      'ha-climate.json',
      'ha-device-level.json',
      'ha-full.json',
      'ha-json-light.json',
      'z2m-bridge-devices.json',
    ]);
  });

  for (const [file, fx] of fixtures) {
    it(`${file}: ${fx.description.slice(0, 60)}...`, async () => {
      for (const m of fx.messages) await send(home.pub, m.topic, m.payload);
      for (const x of fx.expect) {
        await waitFor(`${file}: ${x.id}`, () => matches(device(home.te, x.id), x)).catch((err) => {
          // Show what the device looks like to whoever reads a failure.
          throw new Error(
            `${(err as Error).message}\n${JSON.stringify(device(home.te, x.id), null, 1)}`,
          );
        });
      }
      for (const id of fx.absent ?? []) expect(device(home.te, id)).toBeUndefined();
    });
  }

  it('logs the refused template once, with the topic and the reason', () => {
    const w = warnings(home.te, 'homeassistant/device/fx_airsense/config');
    expect(w).toHaveLength(1);
    expect(w[0].reason).toMatch(/unsupported template.*operator 'if'/);
  });

  it('a component left out of a device config, or sent with only p, is removed', async () => {
    const topic = 'homeassistant/device/fx_airsense/config';
    const cfg = JSON.parse(readFileSync(join(DIR, 'ha-device-level.json'), 'utf8')).messages[0]
      .payload;
    cfg.cmps.calibrate = { p: 'button' };
    delete cfg.cmps.alarm;
    await send(home.pub, topic, cfg);
    await waitFor(
      'button removed',
      () => device(home.te, 'fx_airsense_0a1b')?.controls?.length === 0,
    );
    const d = device(home.te, 'fx_airsense_0a1b')!;
    expect(
      Object.keys(d.state ?? {}).filter(
        (k) => (d.state as Record<string, unknown>)[k] !== undefined,
      ),
    ).not.toContain('binary_sensor/fx_airsense/alarm');
  });

  it('an empty retained config removes the entity, and the device with its last entity', async () => {
    await send(home.pub, 'homeassistant/switch/fx_porch/relay/config', null);
    await waitFor('relay removed', () => device(home.te, 'fx_porch')?.controls?.length === 1);
    expect(device(home.te, 'fx_porch')?.kind).toBe('light');
    await send(home.pub, 'homeassistant/light/fx_porch/lamp/config', null);
    await waitFor('device removed', () => !device(home.te, 'fx_porch'));
    // A state arriving afterwards must not bring it back.
    await send(home.pub, 'fx/porch/lamp/brightness', '90');
    await send(home.pub, 'homeassistant/device/fx_airsense/config', null);
    await waitFor('device-level removed', () => !device(home.te, 'fx_airsense_0a1b'));
    expect(device(home.te, 'fx_porch')).toBeUndefined();
  });

  it('Zigbee2MQTT: a device dropped from bridge/devices leaves; bridge offline takes all offline', async () => {
    const fx = fixtures.find(([f]) => f === 'z2m-bridge-devices.json')![1];
    const list = (fx.messages[1].payload as { ieee_address: string }[]).filter(
      (d) => d.ieee_address !== '0x0c4314fffe880006',
    );
    await send(home.pub, 'zigbee2mqtt/bridge/devices', list);
    await waitFor('blind removed', () => !device(home.te, '0x0c4314fffe880006'));
    expect(device(home.te, '0x001788010bcd0002')?.online).toBe(true);
    await send(home.pub, 'zigbee2mqtt/bridge/state', { state: 'offline' });
    await waitFor(
      'all offline',
      () => !home.te.engine.devices.list().some((d) => d.source === 'zigbee2mqtt' && d.online),
    );
  });

  it('HA configs from a Homebeat bridge (wearables) are not taken as smart-home devices', async () => {
    await send(home.pub, 'homeassistant/device/homebeat_aa_bb/config', {
      dev: { ids: ['homebeat_aa_bb'], name: 'Strap' },
      o: { name: 'Homebeat', sw: '0.1.0' },
      cmps: {
        hr: {
          p: 'sensor',
          uniq_id: 'homebeat_aa_bb_heart_rate',
          stat_t: 'homebeat/gw/aa_bb/state',
          val_tpl: '{{ value_json.heart_rate }}',
        },
      },
    });
    // A marker config published after it: once it is in, the Homebeat one has been processed too.
    await send(home.pub, 'homeassistant/sensor/fx_marker/config', {
      name: 'm',
      stat_t: 'fx/marker',
      uniq_id: 'fx_marker',
    });
    await waitFor('marker', () => device(home.te, 'fx_marker'));
    expect(device(home.te, 'homebeat_aa_bb')).toBeUndefined();
  });

  it("Zigbee2MQTT's own Home Assistant discovery does not make a second device", async () => {
    const blind = 'homeassistant/cover/0x0c4314fffe880006/cover/config';
    // The blind left the Zigbee2MQTT list above: its HA config stands for it, until it is back.
    await send(home.pub, blind, {
      name: null,
      cmd_t: 'zigbee2mqtt/study/blind/set',
      stat_t: 'zigbee2mqtt/study/blind',
      uniq_id: '0x0c4314fffe880006_cover_zigbee2mqtt',
      dev: { ids: ['zigbee2mqtt_0x0c4314fffe880006'], name: 'study/blind' },
      o: { name: 'Zigbee2MQTT' },
    });
    await waitFor('HA duplicate', () => device(home.te, 'zigbee2mqtt_0x0c4314fffe880006'));
    const fx = fixtures.find(([f]) => f === 'z2m-bridge-devices.json')![1];
    await send(home.pub, 'zigbee2mqtt/bridge/devices', fx.messages[1].payload);
    await waitFor(
      'one device',
      () =>
        device(home.te, '0x0c4314fffe880006') && !device(home.te, 'zigbee2mqtt_0x0c4314fffe880006'),
    );
    // Announced again while Zigbee2MQTT knows the device: ignored.
    await send(home.pub, blind, {
      name: 'again',
      cmd_t: 'zigbee2mqtt/study/blind/set',
      dev: { ids: 'zigbee2mqtt_0x0c4314fffe880006' },
    });
    await send(home.pub, 'homeassistant/sensor/fx_marker2/config', {
      name: 'm2',
      stat_t: 'fx/marker2',
      uniq_id: 'fx_marker2',
    });
    await waitFor('marker', () => device(home.te, 'fx_marker2'));
    expect(device(home.te, 'zigbee2mqtt_0x0c4314fffe880006')).toBeUndefined();
  });

  it('another discovery prefix: the old devices go, configs under the new one are followed', async () => {
    home.te.engine.settings.update({ mqtt: { discoveryPrefix: 'fxprefix' } });
    await waitFor(
      'old HA devices gone',
      () => !device(home.te, 'fx_hvac') && !device(home.te, 'A1B2C3'),
    );
    await send(home.pub, 'fxprefix/sensor/fx_new/config', { stat_t: 'fx/new', uniq_id: 'fx_new' });
    await waitFor('device under the new prefix', () => device(home.te, 'fx_new'));
    // Zigbee2MQTT devices come back from the retained device list.
    await waitFor('z2m devices again', () => device(home.te, '0x001788010bcd0002'));
  });
});
