import { rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryService } from '../../../src/main/engine/history/history-service.js';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import { ManualClock } from '../../helpers/clock.js';
import { createTestEngine } from '../../helpers/engine.js';
import { countRows, historyEngine, reading, rng, T0, type HistoryEngine } from './support.js';

let t: HistoryEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('history: live readings', () => {
  it('writes a batch when the window ends, and at once when it holds 5,000 rows', async () => {
    const clock = new ManualClock(T0);
    t = await historyEngine({ clock });
    const { engine, history } = t;
    engine.readings.publish([reading(T0, 60), reading(T0 + 1000, 61)]);
    expect(countRows(history)).toBe(0);
    await clock.advance(99);
    expect(countRows(history)).toBe(0);
    await clock.advance(1);
    expect(countRows(history)).toBe(2);

    const many = Array.from({ length: 5000 }, (_, i) => reading(T0 + 10_000 + i * 1000, 70));
    engine.readings.publish(many.slice(0, 4998));
    expect(countRows(history)).toBe(2);
    engine.readings.publish(many.slice(4998));
    // The size limit is reached: written synchronously, no timer involved.
    expect(countRows(history)).toBe(5002);
  });

  it('writes device snapshots every 5 s at most, and at once on flush', async () => {
    const clock = new ManualClock(T0);
    t = await historyEngine({ clock });
    const { engine, history } = t;
    const snapshot = () =>
      history.db!.prepare('SELECT json FROM devices WHERE id = ?').pluck().get('strap-1') as
        string | undefined;
    engine.devices.upsert({ id: 'strap-1', name: 'Chest strap', kind: 'heart_rate' });
    engine.readings.publish([reading(T0, 60, { deviceId: 'strap-1' })]);
    await clock.advance(100);
    // The reading is stored with its batch; the device (changed by it) waits for its own window.
    expect(countRows(history)).toBe(1);
    expect(snapshot()).toBeUndefined();
    await clock.advance(4900);
    expect(JSON.parse(snapshot()!)).toMatchObject({ name: 'Chest strap' });
    expect(JSON.parse(snapshot()!).latest.heart_rate.value).toBe(60);

    engine.readings.publish([reading(T0 + 1000, 61, { deviceId: 'strap-1' })]);
    await clock.advance(100);
    expect(JSON.parse(snapshot()!).latest.heart_rate.value).toBe(60);
    history.flush();
    expect(JSON.parse(snapshot()!).latest.heart_rate.value).toBe(61);
  });

  it('stores a reading that arrives twice (two gateways) once', async () => {
    t = await historyEngine();
    const { engine, history } = t;
    engine.readings.publish([reading(T0, 60, { gateway: 'gw-a' })]);
    engine.readings.publish([reading(T0, 60, { gateway: 'gw-b' }), reading(T0 + 1, 61)]);
    history.flush();
    expect(countRows(history)).toBe(2);
    expect(history.commitRecords([reading(T0, 60), reading(T0 + 1, 61), reading(T0 + 2, 62)])).toBe(
      1,
    );
    const rows = history
      .db!.prepare(
        'SELECT device_id, metric, ts, value, source, gateway FROM readings_v ORDER BY ts',
      )
      .all();
    expect(rows[0]).toEqual({
      device_id: 'aa:bb:cc:dd:ee:01',
      metric: 'heart_rate',
      ts: T0,
      value: 60,
      source: 'ble',
      gateway: 'gw-a',
    });
    expect(rows).toHaveLength(3);
  });

  it('keeps special values as flagged rows that stats and charts skip', async () => {
    t = await historyEngine();
    const { engine, history } = t;
    history.commitRecords([
      reading(T0, 36.6, { metric: 'temperature', unit: '°C' }),
      reading(T0 + 1, null, { metric: 'temperature', unit: '°C', status: 'nres' }),
      reading(T0 + 2, Number.NaN, { metric: 'temperature', unit: '°C' }),
    ]);
    const q = { deviceId: 'aa:bb:cc:dd:ee:01', metric: 'temperature', from: T0, to: T0 + 10 };
    const stats = await engine.handle('queryStats', q);
    expect(stats).toEqual({ ok: true, value: { count: 1, min: 36.6, max: 36.6, avg: 36.6 } });
    const latest = await engine.handle('queryLatest', { deviceId: 'aa:bb:cc:dd:ee:01' });
    expect(latest).toMatchObject({
      ok: true,
      value: [{ metric: 'temperature', ts: T0 + 2, value: null, status: 'invalid', unit: '°C' }],
    });
    const series = await engine.handle('querySeries', { ...q, points: 10 });
    expect(series).toMatchObject({ ok: true, value: { ts: [T0], values: [36.6], rawCount: 1 } });
  });
});

describe('history: commitRecords', () => {
  it('commits readings and the cursor together, or neither', async () => {
    t = await historyEngine();
    const { history } = t;
    const dev = 'aa:bb:cc:dd:ee:02';
    const first = [0, 1, 2].map((i) => reading(T0 + i * 60_000, 70 + i, { deviceId: dev }));
    expect(history.commitRecords(first, { deviceId: dev, key: 'racp_seq', value: '3' })).toBe(3);
    expect(history.getCursor(dev, 'racp_seq')).toBe('3');

    // A batch whose last record the database refuses (a fault injected with a trigger): nothing
    // of it lands, and the cursor stays put.
    history.db!.exec(`CREATE TEMP TRIGGER fail_one BEFORE INSERT ON readings
      WHEN NEW.ts = ${T0 + 4 * 60_000} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    const batch = [
      reading(T0 + 3 * 60_000, 73, { deviceId: dev }),
      reading(T0 + 4 * 60_000, 74, { deviceId: 'a-new-device' }),
    ];
    expect(() =>
      history.commitRecords(batch, { deviceId: dev, key: 'racp_seq', value: '5' }),
    ).toThrow(/injected fault/);
    expect(history.getCursor(dev, 'racp_seq')).toBe('3');
    expect(countRows(history)).toBe(3);
    history.db!.exec('DROP TRIGGER fail_one');

    // The writer is usable afterwards: the series id handed out inside the rolled-back
    // transaction was forgotten, so the new device gets a series that really exists.
    expect(history.commitRecords(batch, { deviceId: dev, key: 'racp_seq', value: '5' })).toBe(2);
    expect(history.getCursor(dev, 'racp_seq')).toBe('5');
    const latest = await t!.engine.handle('queryLatest', { deviceId: 'a-new-device' });
    expect(latest).toMatchObject({ ok: true, value: [{ metric: 'heart_rate', value: 74 }] });
    expect(history.getCursor(dev, 'other')).toBeUndefined();
  });
});

describe('history: rollups', () => {
  it('stay exact with data out of order, queries in between, a rollback and a restart', async () => {
    t = await historyEngine();
    const { engine, history } = t;
    const rand = rng(3);
    const truth: { ts: number; value: number }[] = [];
    for (let i = 0; i < 20_000; i++)
      truth.push({ ts: T0 + i * 700, value: Math.round(rand() * 1000) });
    // Chunks arrive shuffled (a sync of old records while live data flows).
    const chunks: (typeof truth)[] = [];
    for (let i = 0; i < truth.length; i += 1500) chunks.push(truth.slice(i, i + 1500));
    chunks.sort(() => rand() - 0.5);
    const dev = 'aa:bb:cc:dd:ee:01';
    // Newer than everything: its buckets are the open ones when the fault below strikes.
    const late = { ts: T0 + 20_000 * 700 + 100, value: 1234 };
    const check = async (upTo: number) => {
      const stored = new Set(
        chunks
          .slice(0, upTo)
          .flat()
          .map((p) => p.ts),
      );
      const raw = truth.filter((p) => stored.has(p.ts));
      if (upTo > 4) raw.push(late);
      for (const [from, to] of [
        [0, 4e12],
        [T0 + 123_456, T0 + 7_654_321],
        [T0 + 3_600_000, T0 + 3 * 3_600_000 - 1],
      ]) {
        const inRange = raw.filter((p) => p.ts >= from! && p.ts <= to!).map((p) => p.value);
        const res = await engine.handle('queryStats', {
          deviceId: dev,
          metric: 'heart_rate',
          from,
          to,
        });
        expect(res).toMatchObject({
          ok: true,
          value: {
            count: inRange.length,
            min: inRange.length ? Math.min(...inRange) : null,
            max: inRange.length ? Math.max(...inRange) : null,
          },
        });
      }
    };
    for (let c = 0; c < chunks.length; c++) {
      engine.readings.publish(chunks[c]!.map((p) => reading(p.ts, p.value)));
      if (c === 4) {
        // Write the chunk (its newest buckets stay open, in memory), then a transaction that
        // fails after folding values in: the pending deltas are dropped and rebuilt from raw.
        history.flush();
        history.commitRecords([reading(late.ts, late.value)]);
        history.db!.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON readings WHEN NEW.ts = ${T0 + 1}
          BEGIN SELECT RAISE(ABORT, 'injected'); END`);
        expect(() =>
          history.commitRecords([reading(late.ts + 999_000, 5), reading(T0 + 1, 5)]),
        ).toThrow();
        history.db!.exec('DROP TRIGGER boom');
      }
      if (c % 3 === 0) await check(c + 1);
    }
    await check(chunks.length);
    const dir = t.dir;
    await engine.dispose();
    t = await historyEngine({ dir });
    const again = t.engine.logging.entries({ limit: 50, level: 'warn', module: 'history' });
    expect(again.map((e) => e.msg)).not.toContain(
      'history was not closed cleanly; rollups rebuilt',
    );
    const res = await t.engine.handle('queryStats', {
      deviceId: dev,
      metric: 'heart_rate',
      from: 0,
      to: 4e12,
    });
    expect(res).toMatchObject({ ok: true, value: { count: truth.length + 1, max: 1234 } });
    await t.engine.dispose();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('history: rollup write failures', () => {
  it('rebuilds rollups that could not be written once writes succeed again', async () => {
    t = await historyEngine();
    const { engine, history } = t;
    const q = { deviceId: 'aa:bb:cc:dd:ee:01', metric: 'heart_rate', from: 0, to: 4e12 };
    history.commitRecords(Array.from({ length: 500 }, (_, i) => reading(T0 + i * 1000, i)));
    // Every rollup write fails from now on (as with a full disk): the query's attempt to store
    // the open buckets, and the rebuild after it.
    history.db!.exec(`CREATE TEMP TRIGGER no_rollups BEFORE INSERT ON rollups
      BEGIN SELECT RAISE(ABORT, 'rollups refused'); END`);
    expect((await engine.handle('queryStats', q)).ok).toBe(true);
    const warns = engine.logging.entries({ limit: 10, level: 'warn', module: 'history' });
    expect(warns.map((e) => e.msg)).toContain('history could not store rollups before a query');
    // Raw rows are still stored meanwhile (later minutes, which would close buckets).
    expect(history.commitRecords([reading(T0 + 600_000, 1000), reading(T0 + 1_300_000, -5)])).toBe(
      2,
    );
    history.db!.exec('DROP TRIGGER no_rollups');

    // The next attempt rebuilds what was left behind from the raw rows.
    const rows = [...Array.from({ length: 500 }, (_, i) => i), 1000, -5];
    expect(await engine.handle('queryStats', q)).toMatchObject({
      ok: true,
      value: { count: 502, min: -5, max: 1000, avg: rows.reduce((a, b) => a + b, 0) / 502 },
    });
    const series = await engine.handle('querySeries', { ...q, to: T0 + 3_600_000, points: 8 });
    expect(series).toMatchObject({ ok: true, value: { rawCount: 502 } });
  });
});

describe('history: write faults', () => {
  it('keeps a batch queued while the disk is full and writes it once there is room', async () => {
    const clock = new ManualClock(T0);
    t = await historyEngine({ clock });
    const { engine, history } = t;
    history.commitRecords([reading(T0, 1)]);
    // The database may not grow: the next batch fails with SQLITE_FULL, like a full disk.
    const pages = history.db!.pragma('page_count', { simple: true }) as number;
    history.db!.pragma(`max_page_count = ${pages}`);
    const rows = Array.from({ length: 3000 }, (_, i) => reading(T0 + 1000 + i * 1000, i % 100));
    engine.readings.publish(rows);
    await clock.advance(100);
    expect(countRows(history)).toBe(1);
    const errors = engine.logging.entries({ limit: 10, level: 'error', module: 'history' });
    expect(errors.map((e) => e.msg)).toContain('history write failed; will retry');

    history.db!.pragma('max_page_count = 1073741823');
    await clock.advance(100);
    expect(countRows(history)).toBe(3001);
    // Rollups (what stats and charts read) caught up with the raw rows too.
    const stats = await engine.handle('queryStats', {
      deviceId: 'aa:bb:cc:dd:ee:01',
      metric: 'heart_rate',
      from: 0,
      to: 4e12,
    });
    expect(stats).toMatchObject({ ok: true, value: { count: 3001, min: 0, max: 99 } });
  });

  it('skips a malformed reading without losing the rest of its batch', async () => {
    t = await historyEngine();
    const { engine, history } = t;
    engine.readings.publish([
      reading(T0, 60),
      reading(T0 + 1, 61, { deviceId: undefined as unknown as string }),
      reading(Number.NaN, 62),
      reading(T0 + 2, 63),
    ]);
    history.flush();
    expect(countRows(history)).toBe(2);
    const warns = engine.logging.entries({ limit: 10, level: 'warn', module: 'history' });
    expect(warns.find((e) => e.msg === 'malformed readings were not stored')?.detail).toEqual({
      count: 2,
    });
  });
});

describe('history: restart', () => {
  it('keeps devices, readings and cursors across a restart; devices come back offline', async () => {
    t = await historyEngine();
    const dir = t.dir;
    t.engine.devices.upsert({
      id: 'strap-1',
      name: 'Chest strap',
      kind: 'heart_rate',
      online: true,
    });
    t.engine.readings.publish([reading(T0, 80, { deviceId: 'strap-1' })]);
    t.history.commitRecords([], { deviceId: 'strap-1', key: 'seq', value: '9' });
    await t.engine.dispose();

    const again = await historyEngine({ dir });
    try {
      const d = again.engine.devices.get('strap-1');
      expect(d).toMatchObject({ name: 'Chest strap', kind: 'heart_rate', online: false });
      expect(d?.latest.heart_rate?.value).toBe(80);
      expect(countRows(again.history)).toBe(1);
      expect(again.history.getCursor('strap-1', 'seq')).toBe('9');
      again.engine.devices.remove('strap-1');
      again.history.flush();
      expect(again.history.db!.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(0);
    } finally {
      await again.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('history: retention', () => {
  it('deletes readings past their metric retention and leaves the rest', async () => {
    const clock = new ManualClock(T0 + 100 * 86_400_000);
    t = await historyEngine({ clock });
    const { engine, history } = t;
    const upd = await engine.handle('updateSettings', {
      history: { retentionDays: 90, retentionByMetric: { battery: 30 } },
    });
    expect(upd.ok).toBe(true);
    const day = 86_400_000;
    const rows = [];
    for (let d = 0; d < 100; d++) {
      for (let k = 0; k < 24; k++) {
        rows.push(reading(T0 + d * day + k * 3_600_000, 60 + k));
        rows.push(reading(T0 + d * day + k * 3_600_000, 90, { metric: 'battery', unit: '%' }));
      }
    }
    history.commitRecords(rows);
    const res = await history.housekeeping();
    // heart_rate: 10 days of 24 rows are older than 90 days; battery: 70 days older than 30.
    expect(res).toMatchObject({ deleted: 10 * 24 + 70 * 24, complete: true });
    // The freed pages went back to the file system (incremental vacuum), the WAL was truncated.
    expect(history.db!.pragma('freelist_count', { simple: true })).toBe(0);
    expect(statSync(`${history.file}-wal`).size).toBe(0);
    const dev = 'aa:bb:cc:dd:ee:01';
    const hr = await engine.handle('queryStats', {
      deviceId: dev,
      metric: 'heart_rate',
      from: 0,
      to: T0 + 200 * day,
    });
    expect(hr).toMatchObject({ ok: true, value: { count: 90 * 24 } });
    const old = await engine.handle('queryStats', {
      deviceId: dev,
      metric: 'battery',
      from: 0,
      to: T0 + 70 * day - 1,
    });
    expect(old).toMatchObject({ ok: true, value: { count: 0 } });
  });

  it('refuses a retention override for a metric that does not exist, naming it', async () => {
    t = await historyEngine();
    const res = await t.engine.handle('updateSettings', {
      history: { retentionByMetric: { heartrate: 5 } },
    });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.field).toBe('history.retentionByMetric.heartrate');
      expect(res.error.message).toMatch(/unknown metric/);
    }
  });
});

describe('history: housekeeping job', () => {
  it('registers the daily housekeeping with the scheduler, which can run it', async () => {
    const te = await createTestEngine({
      clock: new ManualClock(T0),
      // As the composition root wires them (compose.ts).
      compose: (ctx) => {
        const history = new HistoryService(ctx, { ownHousekeeping: false });
        const scheduler = new SchedulerService(ctx, { history });
        scheduler.register(history.housekeepingJob());
        return [history, scheduler];
      },
    });
    try {
      const jobs = await te.engine.handle('listJobs', {});
      expect(jobs).toMatchObject({ ok: true });
      const job = (jobs as { value: { name: string; nextRun: number | null }[] }).value.find(
        (j) => j.name === 'housekeeping',
      );
      expect(job?.nextRun).toBe(T0 + 10 * 60_000);
      const ran = await te.engine.handle('runJob', { name: 'housekeeping' });
      expect(ran).toMatchObject({ ok: true, value: { name: 'housekeeping', failures: 0 } });
      expect((ran as { value: { lastSuccess: number | null } }).value.lastSuccess).toBe(T0);
    } finally {
      await te.close();
    }
  });
});
