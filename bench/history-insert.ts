/**
 * Insert throughput of the history module against raw better-sqlite3 batched inserts of the same
 * rows, in the same run (goal: module >= 0.8 x raw). Also prints the file size of each layout,
 * which is the measurement behind the compact schema (integer series ids, WITHOUT ROWID).
 *
 *   npx tsx bench/history-insert.ts [rows=500000] [rounds=3]
 *
 * Rows: 10 devices x 5 metrics at 1 Hz, interleaved in time order as live readings arrive.
 * Module paths: live (published on the reading bus, batched by the service, 5,000-row
 * transactions) and sync (commitRecords, 5,000 per call). Raw baselines: the plain text-keyed
 * table a hand-written store would use (UNIQUE(device_id, metric, ts), INSERT OR IGNORE), and the
 * module's own compact table with ids resolved up front (no rollups). Same pragmas everywhere
 * (WAL, synchronous=NORMAL), 5,000 rows per transaction. Median of the rounds.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HistoryService } from '../src/main/engine/history/history-service.js';
import type { Reading } from '../src/shared/model.js';
import { METRICS, type Metric } from '../src/shared/metrics.js';
import { createTestEngine } from '../test/helpers/engine.js';

const ROWS = Number(process.argv[2] ?? 500_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BATCH = 5000;
const T0 = Date.UTC(2026, 0, 1);
const METRIC_SET: Metric[] = ['heart_rate', 'temperature', 'humidity', 'battery', 'rssi'];

function makeRows(): Reading[] {
  const rows: Reading[] = [];
  for (let s = 0; rows.length < ROWS; s++) {
    for (let d = 0; d < 10 && rows.length < ROWS; d++) {
      for (const metric of METRIC_SET) {
        if (rows.length >= ROWS) break;
        rows.push({
          deviceId: `aa:bb:cc:dd:ee:${d.toString(16).padStart(2, '0')}`,
          metric,
          value: Math.round((50 + 30 * Math.sin(s / 60 + d) + Math.random()) * 10) / 10,
          unit: METRICS[metric].unit,
          ts: T0 + s * 1000,
          source: 'ble',
          gateway: 'hb-bench',
        });
      }
    }
  }
  return rows;
}

/** Size once the WAL is folded back into the main file. */
function fileSize(db: Database.Database, f: string): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(f).size;
}

async function moduleRun(
  rows: Reading[],
  path: 'live' | 'sync',
): Promise<{ ms: number; bytes: number }> {
  let h!: HistoryService;
  const t = await createTestEngine({
    compose: (ctx) => [(h = new HistoryService(ctx, { quickCheck: false }))],
  });
  const start = performance.now();
  if (path === 'live') {
    // As a busy MQTT/BLE stream delivers them: small bursts; the service batches them.
    for (let i = 0; i < rows.length; i += 250) t.engine.readings.publish(rows.slice(i, i + 250));
    h.flush();
  } else {
    for (let i = 0; i < rows.length; i += BATCH) h.commitRecords(rows.slice(i, i + BATCH));
  }
  // Fair to the raw runs: also store the rollup buckets still open in memory (a query does).
  await t.engine.request('queryLatest', { deviceId: rows[0]!.deviceId });
  const ms = performance.now() - start;
  const count = h.db!.prepare('SELECT count(*) FROM readings').pluck().get();
  if (count !== rows.length) throw new Error(`module stored ${String(count)} of ${rows.length}`);
  const bytes = fileSize(h.db!, h.file);
  await t.close();
  return { ms, bytes };
}

function rawRun(rows: Reading[], layout: 'text' | 'compact'): { ms: number; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'homebeat-bench-raw-'));
  const file = join(dir, 'raw.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let insert: (r: Reading) => void;
  if (layout === 'text') {
    db.exec(`CREATE TABLE readings (device_id TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
      value REAL, status TEXT, source TEXT, gateway TEXT, UNIQUE (device_id, metric, ts))`);
    const st = db.prepare('INSERT OR IGNORE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert = (r) => st.run(r.deviceId, r.metric, r.ts, r.value, null, r.source, r.gateway ?? null);
  } else {
    db.exec(`CREATE TABLE readings (series INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL,
      status INTEGER, source INTEGER, gateway INTEGER, PRIMARY KEY (series, ts)) WITHOUT ROWID`);
    const st = db.prepare('INSERT OR IGNORE INTO readings VALUES (?, ?, ?, ?, ?, ?)');
    const ids = new Map<string, number>();
    insert = (r) => {
      const key = `${r.deviceId}\u0000${r.metric}`;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size + 1));
      st.run(id, r.ts, r.value, null, 1, 2);
    };
  }
  const tx = db.transaction((batch: Reading[]) => {
    for (const r of batch) insert(r);
  });
  const start = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) tx(rows.slice(i, i + BATCH));
  const ms = performance.now() - start;
  const bytes = fileSize(db, file);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

const rows = makeRows();
const runs = {
  live: [] as number[],
  sync: [] as number[],
  text: [] as number[],
  compact: [] as number[],
};
const bytes: Record<keyof typeof runs, number> = { live: 0, sync: 0, text: 0, compact: 0 };
for (let r = 0; r < ROUNDS; r++) {
  // Interleaved, so a busy neighbour on the machine hurts every variant alike.
  for (const k of ['text', 'live', 'compact', 'sync'] as const) {
    const res = k === 'live' || k === 'sync' ? await moduleRun(rows, k) : rawRun(rows, k);
    runs[k].push(res.ms);
    bytes[k] = res.bytes;
  }
}
const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<
  keyof typeof runs,
  number
>;
console.log(
  `history-insert: ${ROWS} rows, ${ROUNDS} rounds (median), ${BATCH} rows per transaction`,
);
console.log(
  `  raw better-sqlite3, text-keyed table : ${rate(m.text)} rows/s  (${mb(bytes.text)} on disk)`,
);
console.log(
  `  raw better-sqlite3, compact table    : ${rate(m.compact)} rows/s  (${mb(bytes.compact)} on disk)`,
);
console.log(
  `  history module, live (reading bus)   : ${rate(m.live)} rows/s  (${mb(bytes.live)} on disk, incl. rollups)`,
);
console.log(`  history module, commitRecords        : ${rate(m.sync)} rows/s`);
console.log(
  `  ratio live / raw text-keyed          : ${(m.text / m.live).toFixed(2)}  (goal >= 0.8)`,
);
console.log(`  ratio live / raw compact             : ${(m.compact / m.live).toFixed(2)}`);
console.log(`  ratio commitRecords / raw text-keyed : ${(m.text / m.sync).toFixed(2)}`);
console.log(`  ratio commitRecords / raw compact    : ${(m.compact / m.sync).toFixed(2)}`);
