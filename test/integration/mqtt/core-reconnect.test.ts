import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualNetworkMonitor } from '../../../src/main/engine/scheduler/network.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { brokerSettings, startMqttEngine, type MqttEngine } from './core-helpers.js';

let broker: Mosquitto;
const users = { homebeat: 'hb-pass' };
const open: MqttEngine[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ users });
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function engine(opts: Parameters<typeof startMqttEngine>[0]): Promise<MqttEngine> {
  const e = await startMqttEngine(opts);
  open.push(e);
  return e;
}

describe('MQTT reconnect', () => {
  it('tries again at once when the network comes back, not after the backoff', async () => {
    const network = new ManualNetworkMonitor(true);
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat' },
      password: 'hb-pass',
      // A one-minute backoff: only the network coming back can bring the engine back quickly.
      service: { backoff: { baseMs: 60_000, capMs: 60_000 }, network },
    });
    await e.waitMqtt((m) => m.state === 'connected');

    await broker.kill();
    network.set(false);
    await e.waitMqtt((m) => m.state === 'reconnecting' && (m.nextDelayMs ?? 0) > 30_000);
    await broker.start();
    network.set(true);
    await e.waitMqtt((m) => m.state === 'connected', 10_000);
  });

  it('waits at most 30 s between attempts by default, a refused login included', async () => {
    const e = await engine({
      mqtt: { ...brokerSettings(broker), username: 'homebeat' },
      password: 'wrong',
      // The production default, not the helper's fast one.
      service: { backoff: undefined },
    });
    // A refusal waits the longest delay there is.
    const s = await e.waitMqtt((m) => m.state === 'error');
    expect(s.nextDelayMs).toBeGreaterThanOrEqual(20_000);
    expect(s.nextDelayMs).toBeLessThanOrEqual(30_000);
  });
});
