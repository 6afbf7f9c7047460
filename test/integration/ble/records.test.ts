import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { cursorSeq } from '../../../src/main/engine/ble/record-cursor.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const glucoseTs = (x: BleTest) =>
  x.readings.filter((r) => r.deviceId === A.glucose && r.metric === 'glucose').map((r) => r.ts);

/** The sequence number the stored cursor is at (it also keeps the record's time). */
const seqAt = (x: BleTest) => cursorSeq(x.history!.getCursor(A.glucose, 'racp_seq'));

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
    expect(seqAt(b)).toBe(12);
    expect(stored(b)).toEqual({ n: 12, distinctTs: 12 });

    // A new record taken while connected is announced live and fetched from the cursor.
    const r13 = meter.addRecord(6.1);
    await b.waitReading(
      (r) => r.deviceId === A.glucose && r.ts === r13.ts && r.metric === 'glucose',
    );
    const d2 = Date.now() + 5000;
    while (seqAt(b) !== 13 && Date.now() < d2) await new Promise((r) => setTimeout(r, 10));
    expect(seqAt(b)).toBe(13);
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
    const deadline = Date.now() + 20_000;
    while (seqAt(b) !== 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seqAt(b)).toBe(20);
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

  it('imports the records of a sequence that restarted (battery change) once, without duplicates', async () => {
    b = await startBle({ settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] } });
    const meter = b.world.glucose;
    meter.everyTicks = 1e9;
    const old = meter.records.map((r) => r.ts);
    await until(() => seqAt(b!) === 12, 'first sync');
    // Battery change while away: the meter forgets its records and counts from 1 again; three
    // measurements are taken before it is back (fewer than the cursor's 12).
    meter.goOutOfRange();
    meter.restartSequence();
    const fresh = [6.2, 6.4, 6.6].map(
      (v, i) => meter.addRecord(v, Date.now() - (3 - i) * 60_000).ts,
    );
    expect(meter.records.map((r) => r.seq)).toEqual([1, 2, 3]);
    meter.comeBack();
    await until(() => glucoseTs(b!).length === 15, 'restarted records imported');
    expect(glucoseTs(b)).toEqual([...old, ...fresh]);
    expect(seqAt(b)).toBe(3);
    expect(
      b.t.engine.logging
        .entries({ limit: 2000 })
        .filter(logOf('stored record sequence restarted', A.glucose)),
    ).toHaveLength(1);

    // The new sequence goes on as any: a live record #4 is fetched after the cursor, once.
    const r4 = meter.addRecord(7.0);
    await until(() => seqAt(b!) === 4, 'record 4');
    expect(glucoseTs(b).filter((t) => t === r4.ts)).toHaveLength(1);
    expect(stored(b)).toEqual({ n: 16, distinctTs: 16 });
  });

  it('a meter left empty by the restart: its next records, numbered from 1, are imported', async () => {
    b = await startBle({ settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] } });
    const meter = b.world.glucose;
    meter.everyTicks = 1e9;
    await until(() => seqAt(b!) === 12, 'first sync');
    meter.goOutOfRange();
    meter.restartSequence();
    meter.comeBack();
    await b.waitLog(logOf('stored record sequence restarted', A.glucose));
    await until(() => seqAt(b!) === 0, 'cursor at the new start');
    // Taken while connected: announced live as #1, a lower number than the old cursor had.
    const r1 = meter.addRecord(5.9);
    await until(() => seqAt(b!) === 1, 'record 1');
    expect(glucoseTs(b).filter((t) => t === r1.ts)).toHaveLength(1);
    expect(stored(b)).toEqual({ n: 13, distinctTs: 13 });
  });

  it('a meter that keeps its old records when it restarts numbering: only the new ones come', async () => {
    b = await startBle({ settings: { paired: [{ id: A.glucose, name: '', mode: 'keep' }] } });
    const meter = b.world.glucose;
    meter.everyTicks = 1e9;
    await until(() => seqAt(b!) === 12, 'first sync');
    meter.goOutOfRange();
    meter.restartSequence(true); // the old twelve stay, new ones are numbered from 1 again
    const fresh = [5.1, 5.2].map((v, i) => meter.addRecord(v, Date.now() - (2 - i) * 60_000).ts);
    meter.comeBack();
    await until(() => seqAt(b!) === 2, 'new records imported');
    expect(glucoseTs(b).slice(12)).toEqual(fresh);
    // The next sync asks after #2 and gets the old #3..#12 again: none is imported twice.
    const r3 = meter.addRecord(5.3);
    await until(() => seqAt(b!) === 3, 'record 3 of the new sequence');
    expect(glucoseTs(b).slice(12)).toEqual([...fresh, r3.ts]);
    expect(stored(b)).toEqual({ n: 15, distinctTs: 15 });
  });
});

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
