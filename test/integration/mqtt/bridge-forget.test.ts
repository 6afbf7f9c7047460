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
    // Battery, two temperature probes (the second becomes a channel), and a button press.
    world.climate.advertiseRaw(Buffer.from('40015a02c409023c0a3a01', 'hex'));
    e.engine.settings.update({ ble: { paired: [{ id: A.climate, name: '', mode: 'keep' }] } });
    await until(
      () => e.engine.devices.list().some((d) => d.id.startsWith(`${A.climate}/`)),
      10_000,
      'a channel device',
    );
    const channels = e.engine.devices.list().filter((d) => d.id.startsWith(`${A.climate}/`));
    await until(() => drained(e), 10_000, 'outbox drained');
    const known = (id: string) => peer.engine.devices.get(id) !== undefined;
    await until(() => known(A.climate) && channels.every((c) => known(c.id)), 10_000, 'at gw-b');

    const before = [...(await retainedTopics(await net.client())).keys()];
    const about = (topics: string[]) => topics.filter((t) => t.includes(SAN));
    // Config, state, availability and the gateway's announcement, for the sensor and its channel.
    expect(about(before)).toEqual(
      expect.arrayContaining([
        `homeassistant/device/homebeat_${SAN}/config`,
        `homebeat/gw-a/${SAN}/state`,
        `homebeat/gw-a/${SAN}/availability`,
        `homebeat/gw-a/${SAN}/hears`,
      ]),
    );
    expect(channels.length).toBeGreaterThan(0);
    for (const c of channels)
      expect(before.some((t) => t.includes(c.id.replace(/[^a-z0-9_-]/gi, '_').toLowerCase()))).toBe(
        true,
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
