import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Series } from '../../../src/shared/contract/index.js';
import { historyEngine, reading, rng, T0, type HistoryEngine } from './support.js';

const DEV = 'aa:bb:cc:dd:ee:10';
const HOUR = 3_600_000;
/** Ground truth kept in memory: three days of a reading every 7 s, with spikes and gaps. */
const truth: { ts: number; value: number }[] = [];
let t: HistoryEngine;

beforeAll(async () => {
  t = await historyEngine();
  const rand = rng(42);
  for (let ts = T0 + 3_217; ts < T0 + 72 * HOUR; ts += 7_000) {
    if (ts > T0 + 30 * HOUR && ts < T0 + 33 * HOUR) continue; // a gap
    let value = 60 + Math.round(rand() * 400) / 10;
    if (rand() < 0.0005) value = rand() < 0.5 ? 20 + rand() : 190 + rand(); // spikes
    truth.push({ ts, value });
  }
  // Stored in uneven chunks: rollup buckets are built up across several transactions.
  for (let i = 0; i < truth.length; i += 4999) {
    const chunk = truth.slice(i, i + 4999).map((p) => reading(p.ts, p.value, { deviceId: DEV }));
    t.history.commitRecords(chunk);
  }
});
afterAll(() => t.close());

async function series(from: number, to: number, points: number): Promise<Series> {
  const res = await t.engine.request('querySeries', {
    deviceId: DEV,
    metric: 'heart_rate',
    from,
    to,
    points,
  });
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Series;
}

const inRange = (from: number, to: number) => truth.filter((p) => p.ts >= from && p.ts <= to);

describe('querySeries (min/max downsampling)', () => {
  const rand = rng(7);
  const cases: [number, number, number][] = [
    [T0, T0 + 72 * HOUR, 2000],
    [T0, T0 + 72 * HOUR, 50],
    [T0 + 1234, T0 + 50 * HOUR + 999, 333],
    [T0 + 29 * HOUR, T0 + 34 * HOUR, 2],
    [T0 + 5 * HOUR + 17, T0 + 5 * HOUR + 60_000 * 37, 100],
  ];
  for (let i = 0; i < 20; i++) {
    const a = T0 + Math.floor(rand() * 72 * HOUR);
    const b = a + Math.floor(rand() * 40 * HOUR);
    cases.push([a, b, 2 + Math.floor(rand() * 3000)]);
  }

  it.each(cases)(
    'from %i to %i in %i points keeps the bound, the extremes and real points',
    async (from, to, points) => {
      const raw = inRange(from, to);
      const s = await series(from, to, points);
      expect(s.rawCount).toBe(raw.length);
      expect(s.ts.length).toBe(s.values.length);
      expect(s.ts.length).toBeLessThanOrEqual(points);
      const byTs = new Map(raw.map((p) => [p.ts, p.value]));
      for (let i = 0; i < s.ts.length; i++) {
        if (i > 0) expect(s.ts[i]).toBeGreaterThan(s.ts[i - 1]!);
        expect(byTs.get(s.ts[i]!)).toBe(s.values[i]); // every point is a stored reading
      }
      if (raw.length === 0) return expect(s.ts).toEqual([]);
      const values = raw.map((p) => p.value);
      expect(s.values).toContain(Math.min(...values));
      expect(s.values).toContain(Math.max(...values));
      if (raw.length <= points) expect(s.ts).toEqual(raw.map((p) => p.ts));
      else expect(s.ts.length).toBeGreaterThan(Math.min(points / 4, raw.length / 4));
    },
  );

  it('keeps the extremes of every stretch a bucket covers', async () => {
    // 72 h in 144 points: 72 buckets of 1 h (aligned to the hour tier), each giving min and max.
    const s = await series(T0, T0 + 72 * HOUR - 1, 144);
    for (let h = 0; h < 72; h++) {
      const raw = inRange(T0 + h * HOUR, T0 + (h + 1) * HOUR - 1).map((p) => p.value);
      if (raw.length === 0) continue;
      const got = s.ts
        .map((ts, i) => [ts, s.values[i]!] as const)
        .filter(([ts]) => ts >= T0 + h * HOUR && ts < T0 + (h + 1) * HOUR)
        .map(([, v]) => v);
      expect(Math.min(...got)).toBe(Math.min(...raw));
      expect(Math.max(...got)).toBe(Math.max(...raw));
    }
  });

  it('returns an empty series for an unknown device or metric', async () => {
    const res = await t.engine.request('querySeries', {
      deviceId: 'nobody',
      metric: 'weight',
      from: 0,
      to: T0,
    });
    expect(res).toEqual({
      ok: true,
      value: { deviceId: 'nobody', metric: 'weight', unit: 'kg', ts: [], values: [], rawCount: 0 },
    });
  });

  it('refuses a range whose start is after its end, naming the field', async () => {
    const res = await t.engine.request('querySeries', {
      deviceId: DEV,
      metric: 'heart_rate',
      from: T0 + 1,
      to: T0,
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'from' } });
  });
});

describe('queryStats', () => {
  const rand = rng(99);
  const cases: [number, number][] = [
    [0, T0 + 100 * HOUR],
    [T0 + 3_217, T0 + 3_217],
    [T0 + 59_999, T0 + 10 * HOUR + 1],
  ];
  for (let i = 0; i < 15; i++) {
    const a = T0 + Math.floor(rand() * 72 * HOUR);
    cases.push([a, a + Math.floor(rand() * 30 * HOUR)]);
  }
  it.each(cases)('from %i to %i equals the aggregate of the raw rows', async (from, to) => {
    const raw = inRange(from, to).map((p) => p.value);
    const res = await t.engine.request('queryStats', {
      deviceId: DEV,
      metric: 'heart_rate',
      from,
      to,
    });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const v = res.value as {
      count: number;
      min: number | null;
      max: number | null;
      avg: number | null;
    };
    expect(v.count).toBe(raw.length);
    if (raw.length === 0) return expect(v).toEqual({ count: 0, min: null, max: null, avg: null });
    expect(v.min).toBe(Math.min(...raw));
    expect(v.max).toBe(Math.max(...raw));
    expect(v.avg).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / raw.length, 9);
  });
});

describe('queryLatest', () => {
  it('gives the newest reading of each metric', async () => {
    t.history.commitRecords([
      reading(T0 + 5, 30, { deviceId: DEV, metric: 'battery', unit: '%' }),
      reading(T0 + 9, 29, { deviceId: DEV, metric: 'battery', unit: '%' }),
    ]);
    const res = await t.engine.request('queryLatest', { deviceId: DEV });
    const last = truth[truth.length - 1]!;
    expect(res).toEqual({
      ok: true,
      value: [
        { metric: 'battery', ts: T0 + 9, value: 29, unit: '%', status: 'ok' },
        { metric: 'heart_rate', ts: last.ts, value: last.value, unit: 'bpm', status: 'ok' },
      ],
    });
  });
});
