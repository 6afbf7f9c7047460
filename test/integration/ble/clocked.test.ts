import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { ManualClock } from '../../helpers/clock.js';
import type { LogEntry } from '../../../src/shared/contract/index.js';
import { logOf, startBle, type BleTest } from './helpers.js';

/** Presence and the scan watchdog wait tens of seconds: on a ManualClock they take none. */
let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const has = (x: BleTest, pred: (e: LogEntry) => boolean) =>
  x.t.engine.logging.entries({ limit: 2000 }).some(pred);

/** Advances the clock in `stepMs` steps until `done()` or `maxMs` passed; returns the time taken. */
async function advanceUntil(clock: ManualClock, done: () => boolean, maxMs: number, stepMs = 100) {
  const start = clock.now();
  while (!done() && clock.now() - start < maxMs) await clock.advance(stepMs);
  return clock.now() - start;
}

describe('BLE on a controllable clock', () => {
  it('marks a device away after the presence timeout and present again when it returns', async () => {
    const clock = new ManualClock();
    b = await startBle({
      clock,
      tickMs: 1000,
      settings: { paired: [{ id: A.strap, name: '', mode: 'keep' }], presenceTimeoutSec: 30 },
    });
    await advanceUntil(clock, () => has(b!, logOf('connected', A.strap)), 5000);
    expect(b.t.engine.devices.get(A.strap)?.online).toBe(true);
    b.world.strap.goOutOfRange();
    await advanceUntil(clock, () => has(b!, logOf('link lost', A.strap)), 1000);
    // Still present for the timeout (the session keeps trying meanwhile)...
    await clock.advance(25_000);
    expect(b.t.engine.devices.get(A.strap)?.online).toBe(true);
    // ...then away.
    const took = await advanceUntil(clock, () => has(b!, logOf('device away', A.strap)), 20_000);
    expect(took).toBeLessThanOrEqual(10_000);
    expect(b.t.engine.devices.get(A.strap)?.online).toBe(false);
    b.world.strap.comeBack();
    await advanceUntil(clock, () => !!b!.t.engine.devices.get(A.strap)?.online, 70_000, 500);
    expect(b.t.engine.devices.get(A.strap)?.online).toBe(true);
  });

  it('restarts a scan that went silent while paired devices are expected', async () => {
    const clock = new ManualClock();
    b = await startBle({
      clock,
      tickMs: 1000,
      settings: { paired: [{ id: A.climate, name: '', mode: 'keep' }], scanRestartSec: 90 },
    });
    await advanceUntil(clock, () => b!.readings.some((r) => r.deviceId === A.climate), 10_000);
    const starts = b.world.radio.calls.get('startScanning') ?? 0;
    b.world.radio.stallScan();
    await clock.advance(80_000);
    expect(has(b, logOf('scan silent; restarting it'))).toBe(false);
    await advanceUntil(clock, () => has(b!, logOf('scan silent; restarting it')), 30_000, 1000);
    const warn = b.t.engine.logging
      .entries({ limit: 2000 })
      .find(logOf('scan silent; restarting it'))!;
    expect(warn.level).toBe('warn');
    expect(Number(warn.detail?.silentSec)).toBeGreaterThanOrEqual(90);
    expect(Number(warn.detail?.silentSec)).toBeLessThan(100);
    const since = b.readings.length;
    await advanceUntil(clock, () => b!.readings.length > since, 10_000);
    expect(b.readings.slice(since).some((r) => r.deviceId === A.climate)).toBe(true);
    expect(b.world.radio.calls.get('startScanning')).toBe(starts + 1);
  });

  it('reads the signal strength of a connected device every 30 s', async () => {
    const clock = new ManualClock();
    b = await startBle({
      clock,
      tickMs: 1000,
      settings: { paired: [{ id: A.strap, name: '', mode: 'keep' }] },
    });
    await advanceUntil(clock, () => has(b!, logOf('connected', A.strap)), 5000);
    const before = b.t.engine.devices.get(A.strap)!.rssi!;
    expect(before).toBeGreaterThan(-80);
    b.world.strap.rssi = -92; // walked away from the gateway
    await clock.advance(20_000);
    expect(b.t.engine.devices.get(A.strap)!.rssi).toBe(before);
    await clock.advance(11_000);
    const after = b.t.engine.devices.get(A.strap)!.rssi!;
    expect(after).toBeGreaterThanOrEqual(-95);
    expect(after).toBeLessThanOrEqual(-89);
  });

  it("a BTHome sensor's entities go away and come back with it", async () => {
    const clock = new ManualClock();
    b = await startBle({
      clock,
      tickMs: 1000,
      settings: { paired: [{ id: A.climate, name: '', mode: 'keep' }], presenceTimeoutSec: 30 },
    });
    b.world.climate.everyTicks = Number.MAX_SAFE_INTEGER;
    // Two temperatures: the second is the sensor's entity temperature_2 (a channel device before).
    b.world.climate.advertiseRaw(Buffer.from('4002660802a901', 'hex'));
    const probe = () => b!.t.engine.devices.get(A.climate)?.latest.temperature_2;
    await advanceUntil(clock, () => probe()?.value === 4.25, 10_000);
    b.world.climate.goOutOfRange();
    await advanceUntil(clock, () => has(b!, logOf('device away', A.climate)), 60_000, 1000);
    expect(b.t.engine.devices.get(A.climate)?.online).toBe(false);
    b.world.climate.comeBack();
    await advanceUntil(clock, () => !!b!.t.engine.devices.get(A.climate)?.online, 10_000, 500);
    expect(probe()).toMatchObject({ metric: 'temperature', value: 4.25 });
    expect(b.t.engine.devices.list().map((d) => d.id)).toEqual([A.climate]);
  });
});
