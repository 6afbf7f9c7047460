import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { brokerSettings, plainClient, startMqttEngine, until } from './core-helpers.js';

let broker: Mosquitto;
const open: { close(): Promise<void> }[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true);
  for (const o of open.splice(0)) await o.close();
});

/** A Zigbee2MQTT device list of `bytes` or a little more: many devices with long exposes. */
function bridgeDevices(bytes: number): Buffer {
  const devices: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const d = {
      ieee_address: `0x00158d00${i.toString(16).padStart(8, '0')}`,
      friendly_name: `device ${i}`,
      type: 'EndDevice',
      supported: true,
      definition: {
        model: 'WSDCGQ11LM',
        vendor: 'Aqara',
        description: 'Temperature, humidity and pressure sensor',
        exposes: Array.from({ length: 12 }, (_, j) => ({
          type: 'numeric',
          name: `property_${j}`,
          property: `property_${j}`,
          access: 1,
          unit: '°C',
          description: 'Measured value of this property, as the device reports it',
        })),
      },
    };
    size += JSON.stringify(d).length + 1;
    devices.push(d);
  }
  return Buffer.from(JSON.stringify(devices));
}

describe('payload caps per topic family', () => {
  it('passes a 1 MiB Zigbee2MQTT device list, drops an oversized state, logged once', async () => {
    const e = await startMqttEngine({ mqtt: brokerSettings(broker) });
    open.push(e);
    const lists: number[] = [];
    const states: string[] = [];
    e.mqtt.subscribe('zigbee2mqtt/bridge/devices', (_t, p) => lists.push(p.length));
    e.mqtt.subscribe('zigbee2mqtt/lamp', (_t, p) => states.push(p.subarray(0, 20).toString()));
    await e.waitMqtt((m) => m.state === 'connected');
    const w = await plainClient(broker.url);
    clients.push(w);

    const list = bridgeDevices(1024 * 1024);
    expect(list.length).toBeGreaterThan(1024 * 1024);
    await w.publishAsync('zigbee2mqtt/bridge/devices', list, { qos: 1, retain: true });
    await until(() => lists.length === 1, 10_000, 'the device list');
    expect(lists).toEqual([list.length]);
    expect(JSON.parse(list.toString()).length).toBeGreaterThan(200);

    // An ordinary state past 256 KiB is dropped, each time, and logged once for its topic.
    const big = Buffer.alloc(300 * 1024, 'x');
    await w.publishAsync('zigbee2mqtt/lamp', big, { qos: 1 });
    await w.publishAsync('zigbee2mqtt/lamp', big, { qos: 1 });
    await w.publishAsync('zigbee2mqtt/lamp', '{"state":"ON"}', { qos: 1 });
    await until(() => states.length === 1, 10_000, 'the small state');
    expect(states).toEqual(['{"state":"ON"}']);
    const logged = e.engine.logging
      .entries({ limit: 500 })
      .filter((l) => l.msg === 'oversized payload dropped');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.detail).toMatchObject({
      topic: 'zigbee2mqtt/lamp',
      bytes: 300 * 1024,
      max: 256 * 1024,
      family: 'state',
    });
  });
});
