import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import { brokerSettings, startMqttEngine, type MqttEngine } from './core-helpers.js';

/**
 * The stored MQTT password belongs to the broker it was entered for. Issue 14: an updateSettings
 * to another host sent it there (testConnection already withheld it).
 */
let home: Mosquitto;
let other: { broker: Aedes; server: Server; port: number; seen: (string | undefined)[] };
const open: MqttEngine[] = [];

beforeAll(async () => {
  home = await startMosquitto({ users: { homebeat: 'hb-pass' } });
  const seen: (string | undefined)[] = [];
  const broker = await Aedes.createBroker({
    authenticate: (_c, _u, password, done) => {
      seen.push(password?.toString());
      done(null, true);
    },
  });
  const server = createServer(broker.handle);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  other = { broker, server, port, seen };
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
  other.seen.length = 0;
});
afterAll(async () => {
  await home?.stop();
  await new Promise<void>((r) => other?.broker.close(() => r()));
  await new Promise<void>((r) => other?.server.close(() => r()));
});

async function engine(): Promise<MqttEngine> {
  const e = await startMqttEngine({
    mqtt: { ...brokerSettings(home), username: 'homebeat' },
    password: 'hb-pass',
  });
  open.push(e);
  await e.waitMqtt((m) => m.state === 'connected');
  return e;
}

describe('the MQTT password is bound to its broker', () => {
  it('is not sent to a new host; the flag asks for it again; back home it is used again', async () => {
    const e = await engine();
    const moved = await e.engine.request('updateSettings', {
      mqtt: { host: 'localhost', port: other.port },
    });
    expect(moved.ok && moved.value.mqtt.hasPassword).toBe(false);
    await e.waitMqtt((m) => m.state === 'connected' && m.url === `mqtt://localhost:${other.port}`);
    expect(other.seen.length).toBeGreaterThan(0);
    expect(other.seen).not.toContain('hb-pass');
    expect(other.seen.every((p) => p === undefined)).toBe(true);
    // Saying a password is there does not make it go to the new host either.
    await e.engine.request('updateSettings', { mqtt: { hasPassword: true } });
    expect(e.engine.settings.get().mqtt.hasPassword).toBe(false);
    // Back to the broker it was entered for: stored, and it connects with it.
    const back = await e.engine.request('updateSettings', { mqtt: brokerSettings(home) });
    expect(back.ok && back.value.mqtt.hasPassword).toBe(true);
    await e.waitMqtt((m) => m.state === 'connected' && m.url === `mqtt://127.0.0.1:${home.port}`);
    expect(other.seen).not.toContain('hb-pass');
  });

  it('a port change alone is another broker too', async () => {
    const e = await engine();
    await e.engine.request('updateSettings', { mqtt: { port: other.port } });
    await e.waitMqtt((m) => m.state === 'connected' && m.url === `mqtt://127.0.0.1:${other.port}`);
    expect(other.seen).not.toContain('hb-pass');
    expect(e.engine.settings.get().mqtt.hasPassword).toBe(false);
  });

  it('a password entered together with a new host goes to that host only', async () => {
    const e = await engine();
    // The dashboard's Save: the password for the host typed in the same form, then the settings.
    const stored = await e.engine.request('setMqttPassword', {
      password: 'for-other',
      host: '127.0.0.1',
      port: other.port,
    });
    expect(stored).toEqual({ ok: true, value: { stored: true } });
    // Still on the home broker, which does not get the other broker's password.
    expect(e.engine.settings.get().mqtt.hasPassword).toBe(false);
    await e.engine.request('updateSettings', {
      mqtt: { port: other.port, hasPassword: true },
    });
    expect(e.engine.settings.get().mqtt.hasPassword).toBe(true);
    await e.waitMqtt((m) => m.state === 'connected' && m.url === `mqtt://127.0.0.1:${other.port}`);
    expect(other.seen).toContain('for-other');
    // testConnection offers it to its own broker only.
    other.seen.length = 0;
    const t = await e.engine.request('testConnection', { host: 'localhost', port: other.port });
    expect(t.ok && t.value.ok).toBe(true);
    expect(other.seen).toEqual([undefined]);
  });
});
