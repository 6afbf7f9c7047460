import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import { brokerSettings, plainClient, startMqttEngine, until } from './core-helpers.js';

let broker: Mosquitto | undefined;
let sub: MqttClient | undefined;
const dir = mkdtempSync(join(tmpdir(), 'homebeat-outbox-restart-'));
afterAll(async () => {
  await sub?.endAsync(true);
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('outbox across an app restart', () => {
  it('an engine restarted with a non-empty outbox drains it in order', async () => {
    const N = 300;
    // First run: the configured broker is not there, so everything waits in the outbox.
    const nowhere = await freePort();
    const first = await startMqttEngine({
      dir,
      gatewayId: 'gw-restart',
      mqtt: { host: '127.0.0.1', port: nowhere, outboxRatePerSec: 200 },
      history: true,
    });
    await first.waitMqtt((m) => m.state === 'reconnecting');
    for (let i = 0; i < N; i++) first.mqtt.publish('hb/restart/ev', String(i), { qos: 1 });
    first.mqtt.publish('hb/restart/state', 'old', { qos: 1, retain: true, coalesce: true });
    first.mqtt.publish('hb/restart/state', 'new', { qos: 1, retain: true, coalesce: true });
    await first.waitMqtt((m) => m.outboxPending === N + 1);
    await first.close();

    broker = await startMosquitto();
    const got: string[] = [];
    sub = await plainClient(broker.url);
    sub.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
    await sub.subscribeAsync('hb/restart/#', { qos: 1 });

    const second = await startMqttEngine({
      dir,
      gatewayId: 'gw-restart',
      mqtt: { ...brokerSettings(broker), outboxRatePerSec: 200 },
      history: true,
    });
    try {
      expect(second.engine.status().mqtt.outboxPending).toBe(N + 1);
      await until(() => got.length >= N + 1, 20_000, 'drain');
      await second.waitMqtt((m) => m.outboxPending === 0);
      const events = got
        .filter((g) => g.startsWith('hb/restart/ev='))
        .map((g) => Number(g.split('=')[1]));
      expect(events).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(got.filter((g) => g.startsWith('hb/restart/state'))).toEqual(['hb/restart/state=new']);
    } finally {
      await second.close();
    }
  });
  it('a graceful stop in the middle of a drain sends nothing twice after the restart', async () => {
    broker ??= await startMosquitto();
    const N = 3000;
    const seen = new Map<number, number>();
    const watcher = await plainClient(broker.url);
    watcher.on('message', (_t, p) => {
      const i = Number(p.toString());
      seen.set(i, (seen.get(i) ?? 0) + 1);
    });
    await watcher.subscribeAsync('hb/graceful/ev', { qos: 1 });
    const gdir = mkdtempSync(join(tmpdir(), 'homebeat-graceful-'));
    const settings = { ...brokerSettings(broker), outboxRatePerSec: 5000 };
    try {
      const first = await startMqttEngine({ dir: gdir, gatewayId: 'gw-g', mqtt: settings });
      await first.waitMqtt((m) => m.state === 'connected');
      for (let i = 0; i < N; i++) first.mqtt.publish('hb/graceful/ev', String(i), { qos: 1 });
      await until(() => seen.size >= N / 3, 20_000, 'a third delivered');
      await first.close();
      const second = await startMqttEngine({ dir: gdir, gatewayId: 'gw-g', mqtt: settings });
      try {
        await until(() => seen.size >= N, 20_000, 'all delivered');
        await second.waitMqtt((m) => m.outboxPending === 0);
      } finally {
        await second.close();
      }
      const duplicated = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
      expect(seen.size).toBe(N);
      expect(duplicated).toBe(0);
    } finally {
      await watcher.endAsync(true);
      rmSync(gdir, { recursive: true, force: true });
    }
  });
});
