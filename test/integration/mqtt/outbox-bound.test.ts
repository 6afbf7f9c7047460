import { afterAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import {
  brokerSettings,
  plainClient,
  startMqttEngine,
  until,
  type MqttEngine,
} from './core-helpers.js';

let broker: Mosquitto | undefined;
let sub: MqttClient | undefined;
let e: MqttEngine | undefined;
afterAll(async () => {
  await e?.close();
  await sub?.endAsync(true);
  await broker?.stop();
});

describe('outbox bound with the broker away', () => {
  it('keeps the newest events up to the bound, logs the drops once, drains the rest in order', async () => {
    const MAX = 100;
    const EVENTS = 250;
    // The configured broker is not there: everything waits in the outbox.
    e = await startMqttEngine({
      gatewayId: 'gw-bound',
      mqtt: { host: '127.0.0.1', port: await freePort(), outboxMaxMessages: MAX },
      history: true,
    });
    await e.waitMqtt((m) => m.state === 'reconnecting');

    e.mqtt.publish('hb/bound/state', 'old', { qos: 1, retain: true, coalesce: true });
    for (let i = 0; i < EVENTS; i++) e.mqtt.publish('hb/bound/ev', String(i), { qos: 1 });
    e.mqtt.publish('hb/bound/state', 'new', { qos: 1, retain: true, coalesce: true });
    // 250 events and one state (coalesced) for 100 rows: the 151 oldest events went.
    const dropped = EVENTS + 1 - MAX;
    const s = await e.waitMqtt((m) => m.outboxPending === MAX && m.outboxDropped === dropped);
    expect(s.state).toBe('reconnecting');
    const logs = () =>
      e!.engine.logging.entries({ limit: 1000 }).filter((l) => /^outbox/.test(l.msg));
    expect(logs().map((l) => l.msg)).toEqual([
      'outbox full: dropping the oldest events until it drains',
    ]);

    broker = await startMosquitto();
    const got: string[] = [];
    sub = await plainClient(broker.url);
    sub.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
    await sub.subscribeAsync('hb/bound/#', { qos: 1 });
    e.engine.settings.update({ mqtt: brokerSettings(broker) });
    await e.waitMqtt((m) => m.state === 'connected' && m.outboxPending === 0, 20_000);
    await until(() => got.length >= MAX, 10_000, 'the backlog');
    const events = got.filter((g) => g.startsWith('hb/bound/ev=')).map((g) => Number(g.slice(12)));
    expect(events).toEqual(Array.from({ length: MAX - 1 }, (_, i) => EVENTS - (MAX - 1) + i));
    expect(got.filter((g) => g.startsWith('hb/bound/state'))).toEqual(['hb/bound/state=new']);
    const end = logs().find((l) => l.msg === 'outbox dropped the oldest events while full');
    expect(end?.detail).toMatchObject({ dropped, max: MAX });
    expect(logs()).toHaveLength(2);
  });
});
