import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import {
  brokerSettings,
  CutProxy,
  nextMessage,
  plainClient,
  startMqttEngine,
  until,
  type MqttEngine,
} from './core-helpers.js';

let broker: Mosquitto;
const users = { homebeat: 'hb-pass', watcher: 'w-pass' };
const open: { close(): Promise<void> }[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ users });
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true);
  for (const o of open.splice(0)) await o.close();
});

async function engine(opts: Parameters<typeof startMqttEngine>[0]): Promise<MqttEngine> {
  const e = await startMqttEngine(opts);
  open.push(e);
  return e;
}
async function watcher(opts = {}): Promise<MqttClient> {
  const c = await plainClient(broker.url, { username: 'watcher', password: 'w-pass', ...opts });
  clients.push(c);
  return c;
}

describe('MQTT connection', () => {
  it('goes connecting -> connected with the stored password and says so in the status', async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat' },
      password: 'hb-pass',
    });
    const s = await e.waitMqtt((m) => m.state === 'connected');
    expect(s.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const states = e.batches.flatMap((b) => (b.status ? [b.status.mqtt.state] : []));
    expect(states).toContain('connecting');
    expect(states.indexOf('connecting')).toBeLessThan(states.indexOf('connected'));
  });

  it('reports a wrong password in words, in the status and from testConnection', async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat' },
      password: 'wrong',
    });
    const s = await e.waitMqtt((m) => m.state === 'error');
    expect(s.reason).toMatch(/^Not authorized: bad username or password/);
    expect(s.nextDelayMs).toBeGreaterThan(0);

    const bad = await e.engine.request('testConnection', {
      host: '127.0.0.1',
      port: broker.port,
      username: 'homebeat',
      password: 'nope',
    });
    expect(bad).toEqual({
      ok: true,
      value: {
        ok: false,
        message: expect.stringMatching(/^Not authorized: bad username or password/),
      },
    });
    const good = await e.engine.request('testConnection', {
      host: '127.0.0.1',
      port: broker.port,
      username: 'homebeat',
      password: 'hb-pass',
    });
    expect(good).toEqual({
      ok: true,
      value: { ok: true, message: expect.stringMatching(/^Connected/) },
    });

    // Storing the right password fixes the running connection.
    const stored = await e.engine.request('setMqttPassword', { password: 'hb-pass' });
    expect(stored).toEqual({ ok: true, value: { stored: true } });
    await e.waitMqtt((m) => m.state === 'connected');
  });

  it('says nothing listens when the port is closed, and reconnects with a growing delay', async () => {
    const dead = await startMosquitto();
    const port = dead.port;
    await dead.stop();
    const e = await engine({ mqtt: { host: '127.0.0.1', port } });
    const s = await e.waitMqtt((m) => m.state === 'reconnecting' && (m.attempt ?? 0) >= 3);
    expect(s.reason).toMatch(/Connection refused: nothing is listening/);
    const delays = e.batches.flatMap((b) =>
      b.status?.mqtt.state === 'reconnecting' ? [b.status.mqtt.nextDelayMs ?? 0] : [],
    );
    expect(Math.max(...delays)).toBeGreaterThan(Math.min(...delays));
  });

  it('keeps subscriptions across a broker restart and drops oversized payloads, logged once', async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat', maxPayloadBytes: 1024 },
      password: 'hb-pass',
    });
    const got: string[] = [];
    e.mqtt.subscribe('test/+/x', (t, p) => got.push(`${t}=${p.toString()}`));
    await e.waitMqtt((m) => m.state === 'connected');
    const w = await watcher();
    await w.publishAsync('test/a/x', 'one', { qos: 1 });
    await w.publishAsync('test/big/x', Buffer.alloc(2048, 1), { qos: 1 });
    await w.publishAsync('test/big/x', Buffer.alloc(4096, 1), { qos: 1 });
    await w.publishAsync('test/b/y', 'not mine', { qos: 1 });
    await until(() => got.length >= 1, 5000, 'first message');

    // Count connections rather than watch for a 'reconnecting' status: the batcher keeps only the
    // newest status of each 50 ms window, so a quick reconnect can hide that state from the events.
    let connects = 0;
    e.mqtt.onConnected(() => (connects += 1));
    await broker.restart();
    await until(() => connects >= 1, 15_000, 'engine connected again');
    expect(e.engine.status().mqtt.state).toBe('connected');
    await until(() => w.connected, 5000, 'watcher back');
    // The engine re-subscribed (its own session may or may not have survived): a new message arrives.
    await w.publishAsync('test/c/x', 'two', { qos: 1 });
    await until(() => got.includes('test/c/x=two'), 5000, 'message after restart');
    expect(got.filter((g) => g.startsWith('test/big'))).toEqual([]);
    expect(got).not.toContain('test/b/y=not mine');
    const logged = e.engine.logging
      .entries({ limit: 500 })
      .filter((l) => l.msg === 'oversized payload dropped');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.detail).toMatchObject({ topic: 'test/big/x', bytes: 2048, max: 1024 });
  });

  it('publishes online, and the broker sends the LWT offline when the link dies abruptly', async () => {
    const proxy = await new CutProxy(broker.port).start();
    open.push({ close: () => proxy.stop() });
    const w = await watcher();
    await w.subscribeAsync('homebeat/gw-lwt/status', { qos: 1 });
    const online = nextMessage(w, 'homebeat/gw-lwt/status', (p) => p === 'online');
    const e = await engine({
      gatewayId: 'gw-lwt',
      mqtt: { host: '127.0.0.1', port: proxy.port, username: 'homebeat', keepaliveSec: 5 },
      password: 'hb-pass',
    });
    await e.waitMqtt((m) => m.state === 'connected');
    await online;

    const offline = nextMessage(w, 'homebeat/gw-lwt/status', (p) => p === 'offline');
    const onlineAgain = offline.then(() =>
      nextMessage(w, 'homebeat/gw-lwt/status', (p) => p === 'online'),
    );
    expect(proxy.cutAll()).toBeGreaterThan(0);
    expect(await offline).toBe('offline');
    // ...and the engine comes back by itself and says online again.
    expect(await onlineAgain).toBe('online');

    // A late subscriber sees the retained availability.
    const late = await watcher();
    const retained = nextMessage(late, 'homebeat/gw-lwt/status', (_p, r) => r);
    await late.subscribeAsync('homebeat/gw-lwt/status', { qos: 1 });
    expect(await retained).toBe('online');
  });

  it("republishes on Home Assistant's birth message and reconnects at once after a resume", async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat' },
      password: 'hb-pass',
      service: { backoff: { baseMs: 60_000, capMs: 60_000 } },
    });
    await e.waitMqtt((m) => m.state === 'connected');
    let calls = 0;
    e.mqtt.onConnected(() => (calls += 1));
    const w = await watcher();
    await w.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until(() => calls === 1, 5000, 'onConnected after the birth message');

    // Broker away: with a one-minute backoff only the resume can bring the engine back quickly.
    await broker.kill();
    await e.waitMqtt((m) => m.state === 'reconnecting' && (m.nextDelayMs ?? 0) > 30_000);
    await broker.start();
    e.ports.power.emitResume();
    await e.waitMqtt((m) => m.state === 'connected', 5000);
    expect(calls).toBe(2);
  });
  it('speaks MQTT 5 with a persistent session, and follows settings changes to another broker', async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat', protocolVersion: 5 },
      password: 'hb-pass',
    });
    await e.waitMqtt((m) => m.state === 'connected');
    const w = await watcher({ protocolVersion: 5 });
    const got: string[] = [];
    e.mqtt.subscribe('v5/#', (_t, p) => got.push(p.toString()));
    // subscribe() does not wait for the SUBACK: publish until the subscription is in place.
    for (let i = 0; i < 50 && !got.includes('five'); i++) {
      await w.publishAsync('v5/a', 'five', { qos: 1 });
      await until(() => got.includes('five'), 100, 'v5 message').catch(() => {});
    }
    expect(got).toContain('five');

    // No host: the embedded broker takes over, shown in the status; a host again: it stops.
    let mark = e.batches.length;
    e.engine.settings.update({
      mqtt: { host: '', embedded: { port: 20_000 + (broker.port % 20_000) } },
    });
    const emb = await e.waitMqtt(
      (m) => m.state === 'connected' && !!m.embedded?.running,
      10_000,
      mark,
    );
    mark = e.batches.length;
    expect(emb.url).toBe(`mqtt://127.0.0.1:${emb.embedded!.port}`);
    e.engine.settings.update({ mqtt: { host: '127.0.0.1' } });
    const back = await e.waitMqtt((m) => m.state === 'connected' && !m.embedded, 10_000, mark);
    expect(back.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  });
});
