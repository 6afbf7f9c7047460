/**
 * A real-sized Zigbee2MQTT home (zigbee2mqtt-home.json: 70 devices of common models, generated
 * from zigbee-herdsman-converters; its list is ~280 KB, over the 256 KiB a state may have) on a
 * real Mosquitto: every device appears with its entities, a state carrying every property is read
 * without a complaint, unknown properties are logged once while the known ones are kept, and a
 * property whose type changes in a new definition keeps its type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../src/shared/model.js';
import { propertiesOf, sampleValue, type ExposeJson } from '../../helpers/zhc.js';
import { device, send, waitFor, warnings } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

interface Entry {
  ieee_address: string;
  friendly_name: string;
  type: string;
  definition: { model: string; exposes: ExposeJson[] } | null;
}

const home = useSmartHome();
const FILE = join(import.meta.dirname, '../../fixtures/mqtt/zigbee2mqtt-home.json');
const LIST = JSON.parse(readFileSync(FILE, 'utf8')) as Entry[];
const DEVICES = LIST.filter((d) => d.type !== 'Coordinator');

describe('a Zigbee2MQTT home of 70 real devices', () => {
  it('publishes a list over 256 KiB, and every device appears with its entities', async () => {
    const body = JSON.stringify(LIST);
    expect(DEVICES).toHaveLength(70);
    expect(body.length).toBeGreaterThan(256 * 1024);
    await send(home.pub, 'zigbee2mqtt/bridge/devices', body);
    await waitFor(
      '70 devices',
      () => DEVICES.every((d) => device(home.te, d.ieee_address)),
      20_000,
    );
    for (const d of DEVICES) {
      const keys = device(home.te, d.ieee_address)!.entities!.map((e) => e.key);
      expect(new Set(keys).size, d.definition!.model).toBe(keys.length);
    }
    expect(device(home.te, LIST[0].ieee_address)).toBeUndefined();
  });

  it('reads a state carrying every property of every device, each value in its own series', async () => {
    const got: Reading[] = [];
    const off = home.te.engine.readings.subscribe((r) => got.push(...r));
    const expected = new Map<string, Set<string>>();
    for (const d of DEVICES) {
      const state: Record<string, unknown> = {};
      const series = new Set<string>();
      for (const e of propertiesOf(d.definition!.exposes)) {
        if (((e.access ?? 1) & 1) === 0) continue;
        state[e.property!] ??= sampleValue(e);
        if (e.type === 'numeric' || e.type === 'binary') series.add(e.property!);
      }
      expected.set(d.ieee_address, series);
      await send(home.pub, `zigbee2mqtt/${d.friendly_name}`, state, false);
    }
    const seen = (id: string) => new Set(got.filter((r) => r.deviceId === id).map((r) => r.entity));
    await waitFor('every series', () =>
      [...expected].every(([id, series]) => [...series].every((k) => seen(id).has(k))),
    );
    off();
    for (const d of DEVICES)
      expect(warnings(home.te, `zigbee2mqtt/${d.friendly_name}`), d.friendly_name).toEqual([]);
  });

  it('keeps the known properties of a payload and logs the unknown ones once', async () => {
    const d = DEVICES.find((x) => x.definition!.model === 'WSDCGQ11LM')!;
    const topic = `zigbee2mqtt/${d.friendly_name}`;
    await send(
      home.pub,
      topic,
      { temperature: 22.25, humidity: 48, mystery: 1, x_extra: 'y' },
      false,
    );
    await send(home.pub, topic, { temperature: 22.5, humidity: 47, other_thing: true }, false);
    await waitFor(
      'known kept',
      () => device(home.te, d.ieee_address)?.latest.temperature?.value === 22.5,
    );
    expect(warnings(home.te, topic).map((w) => w.reason)).toEqual([
      'unknown properties: mystery, x_extra',
    ]);
  });

  it('a property whose type changes in a new definition keeps its type; the change is logged', async () => {
    const d = DEVICES.find((x) => x.definition!.model === 'SNZB-02')!;
    const changed = structuredClone(LIST);
    const entry = changed.find((x) => x.ieee_address === d.ieee_address)!;
    entry.definition!.exposes = entry.definition!.exposes.map((e) =>
      e.property === 'temperature' ? { ...e, type: 'enum', values: ['cold', 'warm'] } : e,
    );
    await send(home.pub, 'zigbee2mqtt/bridge/devices', changed);
    await waitFor('logged', () => warnings(home.te, 'zigbee2mqtt/bridge/devices').length > 0);
    expect(warnings(home.te, 'zigbee2mqtt/bridge/devices')[0].reason).toBe(
      `type changed: ${d.ieee_address} temperature from temperature to enum, kept temperature`,
    );
    await send(
      home.pub,
      `zigbee2mqtt/${d.friendly_name}`,
      { temperature: 19.75, humidity: 50 },
      false,
    );
    await waitFor(
      'still a temperature',
      () => device(home.te, d.ieee_address)?.latest.temperature?.value === 19.75,
    );
    // A value of the wrong type is logged and not stored; the series stays numeric.
    await send(
      home.pub,
      `zigbee2mqtt/${d.friendly_name}`,
      { temperature: 'warm', humidity: 51 },
      false,
    );
    await waitFor('humidity', () => device(home.te, d.ieee_address)?.latest.humidity?.value === 51);
    expect(device(home.te, d.ieee_address)?.latest.temperature?.value).toBe(19.75);
    expect(warnings(home.te, `zigbee2mqtt/${d.friendly_name}`).map((w) => w.reason)).toEqual([
      'wrong type for temperature: "warm" (a number)',
    ]);
  });
});
