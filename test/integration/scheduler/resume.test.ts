import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { MqttService } from '../../../src/main/engine/mqtt/service.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { logOf, startBle, type BleTest } from '../ble/helpers.js';

/**
 * After a sleep, the engine does not wait for its backoffs: a simulated resume brings the broker
 * connection, the BLE scan and the paired wearable back within 5 s (issue 14). Both backoffs are
 * set to a minute here, and the scan watchdog to an hour, so only the resume can do it.
 */
let broker: Mosquitto;
let b: BleTest | undefined;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  await b?.close();
  b = undefined;
});

async function until(what: string, cond: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

describe('system resume', () => {
  it('brings MQTT, the scan and a dropped wearable back within 5 s', async () => {
    let mqtt!: MqttService;
    b = await startBle({
      settings: { paired: [{ id: A.strap, name: 'HB Strap', mode: 'keep' }], scanRestartSec: 3600 },
      ble: { backoff: { baseMs: 60_000, capMs: 60_000 } },
      scheduler: true,
      extra: [
        (ctx) => (mqtt = new MqttService(ctx, { backoff: { baseMs: 60_000, capMs: 60_000 } })),
      ],
    });
    const { t, world } = b;
    t.engine.settings.update({ mqtt: { host: '127.0.0.1', port: broker.port } });
    await until('MQTT connected', () => t.engine.status().mqtt.state === 'connected', 20_000);
    await b.waitLog(logOf('connected', A.strap), 20_000);

    // The machine goes to sleep: the broker connection dies with it, the adapter stops
    // reporting, the strap's link is gone.
    t.ports.power.emitSuspend();
    await broker.kill();
    world.radio.stallScan();
    world.strap.dropLink();
    await b.waitLog(logOf('link lost', A.strap));
    await until(
      'MQTT waiting out its backoff',
      () => (t.engine.status().mqtt.nextDelayMs ?? 0) >= 30_000,
      20_000,
    );
    await broker.start();
    const connects = world.radio.calls.get('connect') ?? 0;
    // What the scan reports, pushed to the dashboard (each device at most once a second).
    const heardSince = (from: number, ts: number) =>
      t.batches.slice(from).some((x) => x.scanResults?.some((r) => r.lastSeen >= ts));

    // It wakes up.
    const woke = Date.now();
    const from = t.batches.length;
    t.ports.power.emitResume();
    await until('MQTT connected', () => t.engine.status().mqtt.state === 'connected', 5000);
    await until('the scan reporting again', () => heardSince(from, woke), 5000);
    await until(
      'the strap connected again',
      () =>
        (world.radio.calls.get('connect') ?? 0) > connects && t.engine.status().ble.connected === 1,
      5000,
    );
    expect(Date.now() - woke).toBeLessThan(5000);
    expect(mqtt.mqttStatus.state).toBe('connected');
  });
});
