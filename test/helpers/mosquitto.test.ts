import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from './mosquitto.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto({ users: { alice: 's3cret' } });
});
afterAll(async () => {
  await broker?.stop();
});

describe('test mosquitto', () => {
  it('accepts the configured user and refuses a wrong password', async () => {
    const good = await mqtt.connectAsync(broker.url, {
      username: 'alice',
      password: 's3cret',
      reconnectPeriod: 0,
    });
    expect(good.connected).toBe(true);
    await good.endAsync();
    await expect(
      mqtt.connectAsync(broker.url, { username: 'alice', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized|Bad username or password/);
  });
});
