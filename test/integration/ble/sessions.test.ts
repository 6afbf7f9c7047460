import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { Rng } from '../../../src/main/demo/radio/rng.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const keep = (id: string, name = '') => ({ id, name, mode: 'keep' as const });

describe('BLE sessions over the simulated radio', () => {
  it('reconnects after a dropped link and readings resume', async () => {
    b = await startBle({ settings: { paired: [keep(A.strap, 'HB Strap')] } });
    await b.waitLog(logOf('connected', A.strap));
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'heart_rate');
    for (let i = 0; i < 3; i++) {
      const before = b.t.engine.logging
        .entries({ limit: 2000 })
        .filter(logOf('connected', A.strap)).length;
      b.world.strap.dropLink();
      await b.waitLog(logOf('link lost', A.strap));
      // Wait on the session's own report that it is back, then on fresh readings.
      const deadline = Date.now() + 10_000;
      while (
        b.t.engine.logging.entries({ limit: 2000 }).filter(logOf('connected', A.strap)).length <=
        before
      ) {
        if (Date.now() > deadline) throw new Error('no reconnect');
        await new Promise((r) => setTimeout(r, 10));
      }
      const since = b.readings.length;
      await b.waitReading(
        (r) =>
          r.deviceId === A.strap && r.metric === 'heart_rate' && b!.readings.indexOf(r) >= since,
      );
    }
    expect(b.world.radio.calls.get('connect')).toBeGreaterThanOrEqual(4);
    expect(b.t.engine.status().ble.connected).toBe(1);
  });

  it('backs off while a device refuses connections, then connects', async () => {
    b = await startBle({ settings: { paired: [keep(A.thermometer)] } });
    b.world.thermometer.refuseConnections(3);
    await b.waitLog(logOf('connected', A.thermometer));
    const fails = b.t.engine.logging
      .entries({ limit: 2000 })
      .filter(logOf('connect failed', A.thermometer));
    expect(fails.length).toBe(3);
    expect(fails.map((f) => f.detail?.attempt)).toEqual([0, 1, 2]);
    const t = await b.waitReading(
      (r) => r.deviceId === A.thermometer && r.metric === 'temperature',
    );
    // The device's own timestamp (whole seconds, local wall clock) is kept.
    expect(t.ts % 1000).toBe(0);
    expect(Math.abs(t.ts - Date.now())).toBeLessThan(5000);
  });

  it('logs malformed bytes with hex, device and characteristic; the session and others go on', async () => {
    b = await startBle({ settings: { paired: [keep(A.strap), keep(A.cycling)] } });
    await b.waitLog(logOf('connected', A.strap));
    await b.waitLog(logOf('connected', A.cycling));
    b.world.strap.sendMalformed('2a37', Buffer.from([0x11, 0x48])); // RR flag, no RR bytes... and u8
    b.world.strap.sendMalformed('2a37', Buffer.from([]));
    b.world.cycling.sendMalformed('2a63', Buffer.from([0xff]));
    const warn = await b.waitLog(
      (e) => e.msg === 'decode failed' && e.detail?.device === A.strap && e.detail?.hex === '',
    );
    expect(warn.level).toBe('warn');
    expect(warn.detail).toMatchObject({ characteristic: '2a37' });
    await b.waitLog(
      (e) =>
        e.msg === 'decode failed' && e.detail?.hex === 'ff' && e.detail?.characteristic === '2a63',
    );
    const since = b.readings.length;
    await b.waitReading(
      (r) => r.deviceId === A.strap && r.metric === 'heart_rate' && b!.readings.indexOf(r) >= since,
    );
    await b.waitReading(
      (r) => r.deviceId === A.cycling && r.metric === 'power' && b!.readings.indexOf(r) >= since,
    );
    expect(b.t.engine.logging.entries({ limit: 2000 }).some(logOf('link lost', A.strap))).toBe(
      false,
    );
  });

  it('random bytes on every notifying characteristic never stop a session', async () => {
    b = await startBle({ settings: { paired: [keep(A.strap), keep(A.cycling)] } });
    await b.waitLog(logOf('connected', A.strap));
    await b.waitLog(logOf('connected', A.cycling));
    const rng = new Rng(42);
    const junk = () => Buffer.from(Array.from({ length: rng.int(0, 24) }, () => rng.int(0, 255)));
    const N = 60;
    for (let i = 0; i < N; i++) {
      b.world.strap.sendMalformed('2a37', junk());
      b.world.cycling.sendMalformed('2a63', junk());
      b.world.cycling.sendMalformed('2a5b', junk());
    }
    // Wait until every scripted payload went out (bounded), then for real readings again.
    const deadline = Date.now() + 15_000;
    const left = () =>
      ['2a37', '2a63', '2a5b'].reduce(
        (n, c) =>
          n +
          (b!.world.strap.script.malformed.get(c)?.length ?? 0) +
          (b!.world.cycling.script.malformed.get(c)?.length ?? 0),
        0,
      );
    while (left() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(left()).toBe(0);
    const since = b.readings.length;
    await b.waitReading(
      (r) => r.deviceId === A.strap && r.metric === 'heart_rate' && b!.readings.indexOf(r) >= since,
    );
    await b.waitReading(
      (r) => r.deviceId === A.cycling && r.metric === 'power' && b!.readings.indexOf(r) >= since,
    );
    const entries = b.t.engine.logging.entries({ limit: 2000 });
    expect(entries.some((e) => e.msg === 'link lost')).toBe(false);
    expect(entries.filter((e) => e.level === 'error')).toEqual([]);
    // Failures were logged as warnings with their bytes (some random payloads happen to be valid).
    const warned = entries.filter((e) => e.msg === 'decode failed');
    expect(warned.length).toBeGreaterThan(N);
    expect(warned.every((e) => typeof e.detail?.hex === 'string')).toBe(true);
    // Every reading that got through is a finite number or a flagged special value.
    expect(
      b.readings.every((r) => (r.value === null ? !!r.status : Number.isFinite(r.value))),
    ).toBe(true);
  });

  it('answers slowly: the session still connects and reads', async () => {
    b = await startBle({ settings: { paired: [keep(A.strap)] } });
    b.world.strap.answerSlowly(30);
    await b.waitLog(logOf('connected', A.strap));
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'heart_rate');
  });

  it('a scale delivers measurements taken while disconnected on the next connection', async () => {
    b = await startBle({ settings: { paired: [keep(A.scale)] } });
    b.world.scale.measure(80.5);
    b.world.scale.measure(80.25);
    expect(b.world.scale.pending.length).toBe(2);
    await b.waitReading(
      (r) => r.deviceId === A.scale && r.metric === 'weight' && r.value === 80.25,
    );
    const weights = b.readings.filter((r) => r.deviceId === A.scale && r.metric === 'weight');
    expect(weights.map((w) => w.value)).toEqual([80.5, 80.25]);
    expect(b.readings.some((r) => r.deviceId === A.scale && r.metric === 'bmi')).toBe(true);
    // The scale drops a measurement from its memory once the indication went out.
    const deadline = Date.now() + 5000;
    while (b.world.scale.pending.length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(b.world.scale.pending.length).toBe(0);
  });
});
