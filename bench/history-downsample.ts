/**
 * 30 days of 1 Hz readings (2,592,000 rows) downsampled to 2,000 points through the contract's
 * querySeries (goal: <= 30 ms). Also: other zoom levels, queryStats over the month, the file size,
 * and the time just to fetch the raw rows into JS, which is the floor for any in-memory
 * downsampling library (LTTB and friends) and why the module reads rollups instead.
 *
 *   npx tsx bench/history-downsample.ts [days=30] [runs=30]
 */
import { statSync } from 'node:fs';
import { HistoryService } from '../src/main/engine/history/history-service.js';
import type { Reading } from '../src/shared/model.js';
import { createTestEngine } from '../test/helpers/engine.js';

const DAYS = Number(process.argv[2] ?? 30);
const RUNS = Number(process.argv[3] ?? 30);
const T0 = Date.UTC(2026, 0, 1);
const DEV = 'aa:bb:cc:dd:ee:ff';
const N = DAYS * 86_400;

let h!: HistoryService;
const t = await createTestEngine({
  compose: (ctx) => [(h = new HistoryService(ctx, { quickCheck: false }))],
});

let started = performance.now();
for (let i = 0; i < N; i += 5000) {
  const batch: Reading[] = [];
  for (let k = i; k < Math.min(N, i + 5000); k++) {
    const v =
      70 + 25 * Math.sin(k / 900) + 10 * Math.sin(k / 37) + (k % 86_400 === 43_210 ? 90 : 0);
    batch.push({
      deviceId: DEV,
      metric: 'heart_rate',
      value: Math.round(v),
      unit: 'bpm',
      ts: T0 + k * 1000,
      source: 'ble',
    });
  }
  h.commitRecords(batch);
}
const buildMs = performance.now() - started;
h.db!.pragma('wal_checkpoint(TRUNCATE)');
console.log(
  `history-downsample: ${N} rows (${DAYS} days at 1 Hz) stored in ${(buildMs / 1000).toFixed(1)} s; ` +
    `file ${(statSync(h.file).size / 1048576).toFixed(1)} MB`,
);

async function time(label: string, input: Record<string, unknown>, method = 'querySeries') {
  const times: number[] = [];
  let last: unknown;
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    const res = await t.engine.handle(method, input);
    times.push(performance.now() - s);
    if (!res.ok) throw new Error(res.error.message);
    last = res.value;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)]!;
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
  const pts = (last as { ts?: number[] }).ts?.length;
  console.log(
    `  ${label.padEnd(44)} first ${times[0]!.toFixed(1)} ms, median ${med.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms` +
      (pts === undefined ? '' : `, ${pts} points`),
  );
  return med;
}

const month = { deviceId: DEV, metric: 'heart_rate', from: T0, to: T0 + N * 1000 - 1 };
const med = await time(`${DAYS} days -> 2,000 points (goal <= 30 ms)`, { ...month, points: 2000 });
await time(`${DAYS} days -> 20,000 points`, { ...month, points: 20_000 });
await time('1 day -> 2,000 points', { ...month, to: T0 + 86_400_000 - 1, points: 2000 });
await time('1 hour -> 2,000 points (raw path)', {
  ...month,
  from: T0 + 7_200_123,
  to: T0 + 10_800_000,
  points: 2000,
});
await time(`queryStats over ${DAYS} days`, month, 'queryStats');

started = performance.now();
const raw = h
  .db!.prepare('SELECT ts, value FROM readings WHERE series = 1 AND ts BETWEEN ? AND ? ORDER BY ts')
  .raw()
  .all(month.from, month.to);
console.log(
  `  baseline: fetching all ${raw.length} raw rows into JS takes ${(performance.now() - started).toFixed(0)} ms ` +
    '(before any in-memory downsampling library could start)',
);
console.log(
  `  result: ${med.toFixed(1)} ms for 2,000 points ${med <= 30 ? 'meets' : 'MISSES'} the 30 ms goal`,
);
await t.close();
