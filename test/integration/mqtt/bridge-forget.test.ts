import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createSimWorld, radioOf, SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { until, type MqttEngine } from './core-helpers.js';
import { useBroker } from './fixtures.js';

/**
 * No ghosts: a forgotten wearable leaves nothing retained on the broker, so Home Assistant (and a
 * gateway starting later) no longer sees it. Real noble over the simulated radio, a real
 * Mosquitto, and a fresh client reading every retained message.
 */
const net = useBroker();
const worlds: { radio: { dispose(): void } }[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.radio.dispose();
});

const SAN = A.climate.replace(/:/g, '_');

/** Every retained message on the broker, as a client subscribing to `#` now receives them. */
async function retainedTopics(client: MqttClient): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const marker = `test/marker/${Math.random().toString(36).slice(2)}`;
  const done = new Promise<void>((resolve) => {
    client.on('message', (t, p, packet) => {
      if (t === marker) return resolve();
      if (packet.retain) seen.set(t, p.toString());
    });
  });
  await client.subscribeAsync('#', { qos: 1 });
  // Retained messages go out on the subscription, before anything published after it.
  await client.publishAsync(marker, 'x', { qos: 1 });
  await done;
  return seen;
}

const drained = (e: MqttEngine) => {
  const s = e.mqtt.outboxStats;
  return s.pending === 0 && s.inFlight === 0;
};

describe('forgetting a wearable', () => {
  it('withdraws every retained topic the bridge published about it and its channels', async () => {
    const world = createSimWorld({ tickMs: 20, connectTimeoutMs: 200 });
    worlds.push(world);
    const e = await net.engine('gw-a', { ble: { radio: radioOf(world) } });
    // Another gateway, which knows the sensor only through gw-a.
    const peer = await net.engine('gw-b');
    await e.waitMqtt((m) => m.state === 'connected');
    await peer.waitMqtt((m) => m.state === 'connected');
    world.climate.everyTicks = Number.MAX_SAFE_INTEGER;
    // Battery, two temperature probes (the second its own entity), and a button press.
    world.climate.advertiseRaw(Buffer.from('40015a02c409023c0a3a01', 'hex'));
    e.engine.settings.update({ ble: { paired: [{ id: A.climate, name: '', mode: 'keep' }] } });
    const config = `homeassistant/device/homebeat_${SAN}/config`;
    await until(() => drained(e) && e.engine.devices.get(A.climate) !== undefined, 10_000, 'sent');
    await until(() => peer.engine.devices.get(A.climate) !== undefined, 10_000, 'at gw-b');

    const retainedBefore = await retainedTopics(await net.client());
    const before = [...retainedBefore.keys()];
    const about = (topics: string[]) => topics.filter((t) => t.includes(SAN));
    // Config (with every entity of the sensor), state, availability and the announcement.
    expect(about(before)).toEqual(
      expect.arrayContaining([
        config,
        `homebeat/gw-a/${SAN}/state`,
        `homebeat/gw-a/${SAN}/availability`,
        `homebeat/gw-a/${SAN}/hears`,
      ]),
    );
    const components = Object.keys(
      (JSON.parse(retainedBefore.get(config)!) as { components: object }).components,
    );
    expect(components).toEqual(
      expect.arrayContaining([`${SAN}_temperature`, `${SAN}_temperature_2`, `${SAN}_button_1`]),
    );

    const res = await e.engine.handle('forgetDevice', { id: A.climate });
    expect(res.ok).toBe(true);
    expect(e.engine.devices.list().filter((d) => d.id.startsWith(A.climate))).toEqual([]);
    await until(() => drained(e), 10_000, 'retractions sent');

    const after = await retainedTopics(await net.client());
    const left = about([...after.keys()]);
    console.log(
      `[forget] retained about the sensor: before=${about(before).length} after=${left.length}`,
    );
    expect(left).toEqual([]);
    // The gateway itself is still there; the other gateway forgot the sensor too.
    expect(after.get('homebeat/gw-a/status')).toBe('online');
    await until(
      () => !peer.engine.devices.list().some((d) => d.id.startsWith(A.climate)),
      10_000,
      'gone at gw-b',
    );
  }, 30_000);
});
