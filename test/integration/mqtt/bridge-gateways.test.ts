import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../src/shared/model.js';
import { until } from './core-helpers.js';
import { useBroker } from './fixtures.js';

const net = useBroker();

const BAND = 'aa:bb:cc:dd:ee:02';
const reading = (value: number, ts: number): Reading => ({
  deviceId: BAND,
  metric: 'heart_rate',
  value,
  unit: 'bpm',
  ts,
  source: 'ble',
});

describe('several gateways on one broker', () => {
  it("shows the other gateway's wearable as one device and stores each reading once", async () => {
    const a = await net.engine('gw-a');
    const b = await net.engine('gw-b', { history: true });
    await a.waitMqtt((m) => m.state === 'connected');
    await b.waitMqtt((m) => m.state === 'connected');
    const relayed: Reading[] = [];
    b.engine.readings.subscribe((rs) => relayed.push(...rs));

    const device = {
      id: BAND,
      transport: 'ble' as const,
      source: 'ble' as const,
      kind: 'heart_rate' as const,
      name: 'Band',
      online: true,
    };
    a.engine.devices.upsert({ ...device, gateways: ['gw-a'] });
    const t0 = Date.UTC(2026, 10, 25, 21, 0, 0);
    a.engine.readings.publish([reading(80, t0)]);

    await until(
      () => b.engine.devices.get(BAND) !== undefined && relayed.length >= 1,
      10_000,
      'relay to gw-b',
    );
    expect(b.engine.devices.get(BAND)).toMatchObject({
      name: 'Band',
      gateways: ['gw-a'],
      source: 'homebeat_gateway',
    });
    expect(relayed[0]).toMatchObject({
      deviceId: BAND,
      metric: 'heart_rate',
      value: 80,
      ts: t0,
      gateway: 'gw-a',
    });

    // gw-b hears the band itself too: one device, both gateways. gw-b keeps its own readings of
    // it and takes none of gw-a's any more (it would store each beat twice, stamped twice).
    b.engine.devices.upsert({ ...device, gateways: ['gw-b'] });
    b.engine.readings.publish([reading(81, t0 + 500)]);
    a.engine.readings.publish([reading(82, t0 + 1000)]);
    // A wearable only gw-a hears, published after: once it is relayed, so was the 82 before it.
    const OTHER = 'aa:bb:cc:dd:ee:04';
    a.engine.devices.upsert({ ...device, id: OTHER, name: 'Other', gateways: ['gw-a'] });
    a.engine.readings.publish([{ ...reading(60, t0 + 1000), deviceId: OTHER }]);
    await until(() => relayed.some((r) => r.deviceId === OTHER), 10_000, 'second relay');
    expect(relayed.some((r) => r.value === 82)).toBe(false);
    expect(b.engine.devices.get(BAND)!.gateways.sort()).toEqual(['gw-a', 'gw-b']);
    expect(b.engine.devices.list().filter((d) => d.id === BAND)).toHaveLength(1);
    // Both hear it with no signal known: the smaller gateway id owns it, in both views.
    expect(a.owners!.ownerOf(BAND)).toBe('gw-a');
    await until(() => b.owners!.ownerOf(BAND) === 'gw-a', 10_000, 'owner at gw-b');

    const history = b.history!;
    history.flush();
    const stats = await b.engine.request('queryStats', {
      deviceId: BAND,
      metric: 'heart_rate',
      from: t0 - 1,
      to: t0 + 2000,
    });
    // 80 relayed while gw-b did not hear the band, then its own 81; never gw-a's 82.
    expect(stats).toMatchObject({ ok: true, value: { count: 2 } });

    // Only the owner publishes the band: gw-b's readings of it reach no other gateway (a wearable
    // only gw-b hears, published after, shows when they would have arrived).
    const aRelayed: Reading[] = [];
    a.engine.readings.subscribe((rs) => aRelayed.push(...rs.filter((r) => r.gateway)));
    b.engine.readings.publish([reading(90, t0 + 5000)]);
    const THIRD = 'aa:bb:cc:dd:ee:05';
    b.engine.devices.upsert({ ...device, id: THIRD, name: 'Third', gateways: ['gw-b'] });
    b.engine.readings.publish([{ ...reading(62, t0 + 6000), deviceId: THIRD }]);
    await until(() => aRelayed.some((r) => r.deviceId === THIRD), 10_000, 'relay to gw-a');
    expect(aRelayed.every((r) => r.gateway === 'gw-b' && r.deviceId === THIRD)).toBe(true);
  });

  it("marks a remote wearable offline when its only gateway's will says offline", async () => {
    const a = await net.engine('gw-c');
    const b = await net.engine('gw-d');
    await a.waitMqtt((m) => m.state === 'connected');
    await b.waitMqtt((m) => m.state === 'connected');
    const id = 'aa:bb:cc:dd:ee:03';
    a.engine.devices.upsert({
      id,
      transport: 'ble',
      source: 'ble',
      kind: 'thermometer',
      name: 'Thermo',
      online: true,
      gateways: ['gw-c'],
    });
    a.engine.readings.publish([
      {
        deviceId: id,
        metric: 'temperature',
        value: 36.6,
        unit: '°C',
        ts: Date.now(),
        source: 'ble',
      },
    ]);
    await until(() => b.engine.devices.get(id)?.online === true, 10_000, 'remote device online');
    // gw-c stops (its graceful end says offline, as its will would after a crash).
    await net.close(a);
    await until(() => b.engine.devices.get(id)?.online === false, 10_000, 'remote device offline');
  });
});
