import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { freePort } from '../../helpers/ports.js';
import { nextMessage, plainClient, startMqttEngine, type MqttEngine } from './core-helpers.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function engine(opts: Parameters<typeof startMqttEngine>[0]): Promise<MqttEngine> {
  const e = await startMqttEngine(opts);
  open.push(e);
  return e;
}

/** Holds a port so the embedded broker has to move to the next one. */
async function occupy(port: number): Promise<Server> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
  open.push({ close: () => new Promise<void>((r) => srv.close(() => r())) });
  return srv;
}

describe('embedded broker', () => {
  it('starts on loopback when no host is set, moves past a taken port, and carries traffic', async () => {
    const port = await freePort();
    await occupy(port);
    const e = await engine({
      gatewayId: 'gw-emb',
      mqtt: { host: '', embedded: { port, lan: false, username: '' } },
    });
    const s = await e.waitMqtt((m) => m.state === 'connected');
    expect(s.embedded).toMatchObject({ running: true, host: '127.0.0.1' });
    expect(s.embedded!.port).not.toBe(port);
    expect(s.url).toBe(`mqtt://127.0.0.1:${s.embedded!.port}`);

    const url = `mqtt://127.0.0.1:${s.embedded!.port}`;
    const a = await plainClient(url);
    const b = await plainClient(url);
    open.push({ close: () => a.endAsync(true) }, { close: () => b.endAsync(true) });
    // A plain client talks to another through it...
    await b.subscribeAsync('plain/#', { qos: 1 });
    const hello = nextMessage(b, 'plain/hello');
    await a.publishAsync('plain/hello', 'hi', { qos: 1 });
    expect(await hello).toBe('hi');
    // ...and to the engine, both ways.
    const inbound: string[] = [];
    e.mqtt.subscribe('to-engine/+', (t, p) => inbound.push(`${t}=${p.toString()}`));
    await b.subscribeAsync('from-engine/#', { qos: 1 });
    const out = nextMessage(b, 'from-engine/x');
    e.mqtt.publish('from-engine/x', 'engine says hi', { qos: 1 });
    expect(await out).toBe('engine says hi');
    await a.publishAsync('to-engine/y', 'client says hi', { qos: 1 });
    await expect.poll(() => inbound, { timeout: 5000 }).toEqual(['to-engine/y=client says hi']);
    // The availability topic is there too.
    const status = nextMessage(a, 'homebeat/gw-emb/status', (_p, r) => r);
    await a.subscribeAsync('homebeat/gw-emb/status', { qos: 1 });
    expect(await status).toBe('online');
  });

  it('opens to the LAN only with a username and password, and then refuses strangers', async () => {
    const port = await freePort();
    const insecure = await engine({
      mqtt: { host: '', embedded: { port, lan: true, username: '' } },
    });
    const s1 = await insecure.waitMqtt((m) => m.state === 'connected');
    expect(s1.embedded!.host).toBe('127.0.0.1');
    await insecure.close();
    open.splice(open.indexOf(insecure), 1);

    const port2 = await freePort();
    // Without the password it stays on loopback until the password is stored.
    const e = await engine({
      mqtt: { host: '', embedded: { port: port2, lan: true, username: 'house' } },
    });
    expect((await e.waitMqtt((m) => m.state === 'connected')).embedded!.host).toBe('127.0.0.1');
    const mark = e.batches.length;
    expect(
      await e.engine.request('setMqttPassword', { password: 'lan-secret', target: 'embedded' }),
    ).toEqual({
      ok: true,
      value: { stored: true },
    });
    const s = await e.waitMqtt(
      (m) => m.state === 'connected' && m.embedded?.host === '0.0.0.0',
      10_000,
      mark,
    );
    const url = `mqtt://127.0.0.1:${s.embedded!.port}`;
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow();
    await expect(
      mqtt.connectAsync(url, { username: 'house', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    const ok = await mqtt.connectAsync(url, {
      username: 'house',
      password: 'lan-secret',
      reconnectPeriod: 0,
    });
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });
});
