/**
 * A Zigbee2MQTT network of 5,000 devices (the 70 real ones of zigbee2mqtt-home.json, repeated)
 * through the dialect and the real device registry, with a host that only records: the device
 * list, the same list again, a state per device, and the list with half the devices gone. The
 * entries leave out endpoints and options, so 5,000 fit in the 16 MiB the MQTT layer allows a
 * device list. The work must grow with the number of devices, not with its square: 4x the devices may take at
 * most ~8x the time (linear would be 4x, quadratic 16x).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { propertiesOf, sampleValue, type ExposeJson } from '../../../../../test/helpers/zhc.js';
import { DeviceRegistry } from '../../devices.js';
import type { DialectHost } from '../dialect.js';
import { EntityStates } from '../entity-states.js';
import { Z2mDialect } from './z2m-dialect.js';

interface Entry {
  ieee_address: string;
  friendly_name: string;
  type: string;
  definition: { exposes: ExposeJson[] } | null;
}

const HOME = (
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../../../../test/fixtures/mqtt/zigbee2mqtt-home.json'),
      'utf8',
    ),
  ) as Entry[]
).filter((d) => d.type !== 'Coordinator');

function network(n: number): { list: Entry[]; states: Map<string, Buffer> } {
  const list: Entry[] = [];
  const states = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const d = HOME[i % HOME.length];
    // Without endpoints and options: 5,000 devices must fit the 16 MiB a device list may have.
    const e = {
      ...d,
      endpoints: undefined,
      definition: { ...d.definition!, options: undefined },
      ieee_address: `0x${i.toString(16).padStart(16, '0')}`,
      friendly_name: `floor${Math.floor(i / 100)}/${d.friendly_name}_${i}`,
    };
    list.push(e);
    const s: Record<string, unknown> = {};
    for (const x of propertiesOf(d.definition!.exposes)) s[x.property!] ??= sampleValue(x);
    states.set(`z/${e.friendly_name}`, Buffer.from(JSON.stringify(s)));
  }
  return { list, states };
}

/** Runs the four steps over `n` devices; returns the milliseconds they took and what happened. */
function run(n: number): { ms: number; devices: number; readings: number; bad: string[] } {
  const { list, states } = network(n);
  const registry = new DeviceRegistry();
  const handlers = new Map<string, (t: string, p: Buffer) => void>();
  const bad: string[] = [];
  let readings = 0;
  const host: DialectHost = {
    subscribe: (filter, h) => {
      handlers.set(filter, h);
      return () => handlers.delete(filter);
    },
    upsertDevice: (p) =>
      registry.upsert({ transport: 'mqtt', source: 'zigbee2mqtt', gateways: ['gw'], ...p }),
    removeDevice: (id) => void registry.remove(id),
    knownDevices: () =>
      registry
        .list()
        .filter((d) => d.source === 'zigbee2mqtt')
        .map((d) => d.id),
    publishReadings: (id, values) => {
      readings += values.length;
      registry.applyReadings(
        values.map((v) => ({ deviceId: id, ...v, ts: 1, source: 'zigbee2mqtt' })),
      );
    },
    states: new EntityStates({ devices: registry, now: () => 1, onState: () => {} }),
    shadowed: () => false,
    shadowsChanged: () => {},
    bad: (topic, reason) => void bad.push(`${topic}: ${reason}`),
    maxPayloadBytes: () => 16 * 1024 * 1024,
    now: () => 1,
  };
  const dialect = new Z2mDialect();
  const started = performance.now();
  dialect.discover(host, { zigbee2mqttBase: 'z' } as Parameters<Z2mDialect['discover']>[1]);
  const body = Buffer.from(JSON.stringify(list));
  handlers.get('z/bridge/devices')!('z/bridge/devices', body);
  handlers.get('z/bridge/devices')!('z/bridge/devices', body);
  for (const [topic, payload] of states) {
    const h = handlers.get(topic);
    if (!h) throw new Error(`no subscription for ${topic}: ${bad.join('; ')}`);
    h(topic, payload);
  }
  const half = Buffer.from(JSON.stringify(list.filter((_, i) => i % 2 === 0)));
  handlers.get('z/bridge/devices')!('z/bridge/devices', half);
  const ms = performance.now() - started;
  dialect.forget(false);
  return { ms, devices: registry.size, readings, bad };
}

describe('Zigbee2MQTT at scale', () => {
  it('5,000 devices: linear work, every device and value handled', () => {
    run(200); // warm up the JIT
    const small = Math.min(run(1250).ms, run(1250).ms);
    const big = run(5000);
    const bigMs = Math.min(big.ms, run(5000).ms);
    console.log(
      `Zigbee2MQTT: 1,250 devices ${Math.round(small)} ms, 5,000 devices ${Math.round(bigMs)} ms ` +
        `(list, list again, a state each, half removed; ${big.readings} readings)`,
    );
    expect(big.bad).toEqual([]);
    expect(big.devices).toBe(2500);
    expect(big.readings).toBeGreaterThan(5000 * 5);
    expect(bigMs / small).toBeLessThan(8);
  }, 120_000);
});
