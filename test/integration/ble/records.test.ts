import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const glucoseTs = (x: BleTest) =>
  x.readings.filter((r) => r.deviceId === A.glucose && r.metric === 'glucose').map((r) => r.ts);

/** Rows stored for the meter's glucose series, and distinct timestamps among them. */
const stored = (x: BleTest) => {
  const h = x.history!;
  h.flush();
  return h
    .db!.prepare(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT r.ts) AS distinctTs FROM readings r
       JOIN series s ON s.id = r.series WHERE s.device_id = ? AND s.metric = 'glucose'`,
    )
    .get(A.glucose) as { n: number; distinctTs: number };
};

describe('stored records over RACP', () => {
  it('syncs every stored record once, across a link dropped mid-transfer', async () => {
    b = await startBle({ settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] } });
    const meter = b.world.glucose;
    meter.everyTicks = 1e9; // no new records during the test unless we add them
    const all = meter.records.map((r) => r.ts);
    expect(all.length).toBe(12);
    meter.dropAfterRecords = 5; // the first transfer loses the link after 5 records
    await b.waitLog(logOf('stored records synced', A.glucose));
    await b.waitLog(logOf('link lost', A.glucose));
    // After the reconnect, the rest arrives from the cursor on.
    const deadline = Date.now() + 10_000;
    while (glucoseTs(b).length < all.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    const got = glucoseTs(b);
    expect(got).toEqual(all); // nothing lost, nothing twice, in order
    const synced = b.t.engine.logging
      .entries({ limit: 2000 })
      .filter(logOf('stored records synced', A.glucose))
      .map((e) => [e.detail?.records, e.detail?.cursor]);
    expect(synced.slice(0, 2)).toEqual([
      [5, 5], // committed before the drop
      [7, 12], // resumed from seq 6 after the reconnect
    ]);
    expect(
      b.t.engine.logging
        .entries({ limit: 2000 })
        .some(
          logOf('record transfer cut short; resumes from the last committed record', A.glucose),
        ),
    ).toBe(true);
    const h = b.history!;
    expect(h.getCursor(A.glucose, 'racp_seq')).toBe('12');
    expect(stored(b)).toEqual({ n: 12, distinctTs: 12 });

    // A new record taken while connected is announced live and fetched from the cursor.
    const r13 = meter.addRecord(6.1);
    await b.waitReading(
      (r) => r.deviceId === A.glucose && r.ts === r13.ts && r.metric === 'glucose',
    );
    const d2 = Date.now() + 5000;
    while (h.getCursor(A.glucose, 'racp_seq') !== '13' && Date.now() < d2)
      await new Promise((r) => setTimeout(r, 10));
    expect(h.getCursor(A.glucose, 'racp_seq')).toBe('13');
    expect(glucoseTs(b).filter((t) => t === r13.ts).length).toBe(1);
    expect(meter.recordsSent).toBeLessThanOrEqual(12 + 2); // the live send and the RACP send of #13
  });

  it('survives a drop in every transfer: each resumes at the cursor until all arrived', async () => {
    b = await startBle({ settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] } });
    const meter = b.world.glucose;
    meter.everyTicks = 1e9;
    for (let i = 0; i < 8; i++) meter.addRecord(5 + i / 10, Date.now() - (8 - i) * 60_000);
    const all = meter.records.map((r) => r.ts);
    meter.dropAfterRecords = 3;
    meter.dropTimes = 6; // 20 records, 3 per link: 6 cut transfers, then one that completes
    const h = b.history!;
    const deadline = Date.now() + 20_000;
    while (h.getCursor(A.glucose, 'racp_seq') !== '20' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(h.getCursor(A.glucose, 'racp_seq')).toBe('20');
    expect(glucoseTs(b)).toEqual(all);
    const lost = b.t.engine.logging.entries({ limit: 2000 }).filter(logOf('link lost', A.glucose));
    expect(lost.length).toBe(6);
    expect(stored(b)).toEqual({ n: 20, distinctTs: 20 });
  });

  it('pulls a periodic device through the scheduler: connect, sync, disconnect', async () => {
    b = await startBle({
      settings: { paired: [{ id: A.glucose, name: '', mode: 'periodic' }] },
      scheduler: true,
    });
    b.world.glucose.everyTicks = 1e9;
    await b.waitLog(logOf('stored records synced', A.glucose));
    const deadline = Date.now() + 5000;
    while (b.world.glucose.connected && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(b.world.glucose.connected).toBe(false);
    expect(glucoseTs(b).length).toBe(12);
    const job = b.t.engine.status().jobs.find((j) => j.name === `ble-pull:${A.glucose}`);
    expect(job).toBeDefined();
    // Sync now pulls again; only the new record comes.
    const r = b.world.glucose.addRecord(5.5);
    const res = await b.t.engine.request('syncNow', {});
    expect(res.ok).toBe(true);
    await b.waitReading((x) => x.deviceId === A.glucose && x.ts === r.ts);
    expect(glucoseTs(b).length).toBe(13);
  });

  it('without a history service, publishes records but moves no stored cursor', async () => {
    b = await startBle({
      history: false,
      settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] },
    });
    b.world.glucose.everyTicks = 1e9;
    await b.waitLog(logOf('stored records synced', A.glucose));
    expect(glucoseTs(b).length).toBe(12);
  });
});
