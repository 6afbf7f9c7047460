import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { nextMessage, type MqttEngine } from './core-helpers.js';
import { useBroker } from './fixtures.js';
import type { Reading } from '../../../src/shared/model.js';

const net = useBroker();

const STRAP = 'aa:bb:cc:dd:ee:01';
const CONFIG = 'homeassistant/device/homebeat_aa_bb_cc_dd_ee_01/config';
const STATE = 'homebeat/gw-a/aa_bb_cc_dd_ee_01/state';

async function setup(): Promise<{ e: MqttEngine; w: MqttClient }> {
  const e = await net.engine('gw-a');
  await e.waitMqtt((m) => m.state === 'connected');
  const w = await net.client();
  await w.subscribeAsync(['homeassistant/device/+/config', 'homebeat/gw-a/#'], { qos: 1 });
  return { e, w };
}

function strap(e: MqttEngine): void {
  e.engine.devices.upsert({
    id: STRAP,
    transport: 'ble',
    source: 'ble',
    kind: 'heart_rate',
    name: 'Chest strap',
    manufacturer: 'Polar',
    model: 'H10',
    capabilities: ['heart_rate', 'battery'],
    online: true,
    gateways: ['gw-a'],
  });
}
const hr = (value: number, ts: number): Reading => ({
  deviceId: STRAP,
  metric: 'heart_rate',
  value,
  unit: 'bpm',
  ts,
  source: 'ble',
});

describe('bridge to Home Assistant', () => {
  it('announces a wearable with device-level discovery and publishes its states retained', async () => {
    const { e, w } = await setup();
    const configMsg = nextMessage(w, CONFIG);
    strap(e);
    const config = JSON.parse(await configMsg) as {
      device: unknown;
      origin: { name: string };
      state_topic: string;
      availability: unknown[];
      components: Record<string, unknown>;
    };
    expect(config.device).toMatchObject({
      identifiers: ['homebeat_aa_bb_cc_dd_ee_01'],
      connections: [['bluetooth', STRAP]],
      name: 'Chest strap',
      manufacturer: 'Polar',
      model: 'H10',
    });
    expect(config.origin.name).toBe('Homebeat');
    expect(config.state_topic).toBe(STATE);
    expect(config.availability).toContainEqual({ topic: 'homebeat/gw-a/status' });
    expect(config.components.aa_bb_cc_dd_ee_01_heart_rate).toMatchObject({
      platform: 'sensor',
      unique_id: 'homebeat_aa_bb_cc_dd_ee_01_heart_rate',
      unit_of_measurement: 'bpm',
      state_class: 'measurement',
      value_template: '{{ value_json.heart_rate }}',
    });
    expect(config.components.aa_bb_cc_dd_ee_01_battery).toMatchObject({
      device_class: 'battery',
      unit_of_measurement: '%',
      state_class: 'measurement',
    });

    const ts = Date.UTC(2026, 10, 25, 20, 0, 0);
    const stateMsg = nextMessage(w, STATE, (p) => p.includes('"heart_rate":71'));
    e.engine.readings.publish([hr(70, ts), hr(71, ts + 1000)]);
    const state = JSON.parse(await stateMsg) as Record<string, unknown>;
    expect(state).toMatchObject({ gateway: 'gw-a', device: STRAP, heart_rate: 71, ts: ts + 1000 });
    expect(state.timestamps).toEqual({ heart_rate: ts + 1000 });

    // Retained: a newcomer (Home Assistant starting later) gets the latest state at once.
    const late = await net.client();
    const retained = nextMessage(late, STATE, (_p, r) => r);
    await late.subscribeAsync(STATE, { qos: 1 });
    expect(JSON.parse(await retained)).toMatchObject({ heart_rate: 71 });
  });

  it('sends discovery again when Home Assistant comes back online, and alerts as events', async () => {
    const { e, w } = await setup();
    strap(e);
    await nextMessage(w, CONFIG);
    const again = nextMessage(w, CONFIG, (_p, retained) => !retained);
    await w.publishAsync('homeassistant/status', 'online', { qos: 1 });
    expect((JSON.parse(await again) as { device: { name: string } }).device.name).toBe(
      'Chest strap',
    );

    const alert = nextMessage(w, 'homebeat/gw-a/alert');
    e.mqtt.publishAlert({
      id: 'a1',
      ruleId: 'r1',
      title: 'High heart rate',
      body: '171 bpm',
      deviceId: STRAP,
      ts: 1,
    });
    expect(JSON.parse(await alert)).toMatchObject({
      id: 'a1',
      title: 'High heart rate',
      gateway: 'gw-a',
    });
  });

  it('leaves devices that are not BLE wearables alone', async () => {
    const { e, w } = await setup();
    const seen: string[] = [];
    w.on('message', (t) => seen.push(t));
    e.engine.devices.upsert({
      id: 'z2m_lamp',
      transport: 'mqtt',
      source: 'zigbee2mqtt',
      kind: 'light',
      capabilities: ['brightness'],
      online: true,
    });
    strap(e); // published after the lamp: once it arrives, the lamp would have been too
    await nextMessage(w, CONFIG);
    expect(seen.filter((t) => t.includes('z2m_lamp'))).toEqual([]);
  });

  it('bridges each entity of a wearable (unique ids unchanged where the entity is its metric) and every RR interval', async () => {
    const { e, w } = await setup();
    strap(e);
    await nextMessage(w, CONFIG);
    const ts = Date.UTC(2026, 10, 25, 20, 0, 0);
    const at = (value: number, t: number, metric: Reading['metric'], entity?: string) => ({
      ...hr(value, t),
      metric,
      unit: metric === 'rr_interval' ? 'ms' : metric === 'temperature' ? '°C' : 'bpm',
      ...(entity ? { entity } : {}),
    });
    const withProbe = nextMessage(w, CONFIG, (p) => p.includes('temperature_2'));
    const rr = nextMessage(w, 'homebeat/gw-a/aa_bb_cc_dd_ee_01/rr');
    const stateMsg = nextMessage(w, STATE, (p) => p.includes('temperature_2'));
    // One notification's three RR intervals, each its own reading with its own time, and two
    // skin temperature probes: two entities measuring one metric.
    e.engine.readings.publish([
      hr(72, ts),
      at(800, ts - 1630, 'rr_interval'),
      at(810, ts - 820, 'rr_interval'),
      at(820, ts, 'rr_interval'),
      at(36.5, ts, 'temperature'),
      at(36.1, ts, 'temperature', 'temperature_2'),
    ]);
    const config = JSON.parse(await withProbe) as { components: Record<string, unknown> };
    const c = (key: string) => config.components[`aa_bb_cc_dd_ee_01_${key}`];
    expect(c('heart_rate')).toMatchObject({ unique_id: 'homebeat_aa_bb_cc_dd_ee_01_heart_rate' });
    expect(c('temperature')).toMatchObject({
      unique_id: 'homebeat_aa_bb_cc_dd_ee_01_temperature',
      value_template: '{{ value_json.temperature }}',
    });
    expect(c('temperature_2')).toMatchObject({
      unique_id: 'homebeat_aa_bb_cc_dd_ee_01_temperature_2',
      value_template: '{{ value_json.temperature_2 }}',
      device_class: 'temperature',
      unit_of_measurement: '°C',
    });
    expect(c('rr_interval')).toMatchObject({
      json_attributes_topic: 'homebeat/gw-a/aa_bb_cc_dd_ee_01/rr',
    });
    expect(JSON.parse(await rr)).toEqual({
      ts,
      rr_intervals: [800, 810, 820],
      timestamps: [ts - 1630, ts - 820, ts],
    });
    const state = JSON.parse(await stateMsg) as Record<string, unknown>;
    expect(state).toMatchObject({
      temperature: 36.5,
      temperature_2: 36.1,
      rr_interval: 820,
      metrics: { temperature_2: 'temperature' },
    });
    expect((state.readings as Record<string, unknown[]>).rr_interval).toHaveLength(3);
  });
});
