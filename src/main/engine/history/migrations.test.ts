import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Logging } from '../logging.js';
import { Outbox } from '../mqtt/outbox.js';
import { AlertStore } from '../rules/alert-store.js';
import { JobStore } from '../scheduler/job-store.js';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrations.js';

const log = new Logging().logger('test');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'homebeat-migrations-'));
  dirs.push(d);
  return join(d, 'homebeat.db');
}

const open = (file: string) => openDatabase({ file, log, now: Date.now }).db;

/**
 * FROZEN FIXTURE: the DDL the release at schema v2 ran on the fly, copied verbatim from the
 * constructors of Outbox (mqtt/outbox.ts) and JobStore (scheduler/job-store.ts) before migration 3
 * took them over. Never edit: it stands for files already on users' disks.
 */
const RELEASE_OUTBOX_DDL = `CREATE TABLE IF NOT EXISTS mqtt_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      topic TEXT NOT NULL,
      payload BLOB NOT NULL,
      qos INTEGER NOT NULL,
      retain INTEGER NOT NULL,
      coalesce INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS mqtt_outbox_coalesce ON mqtt_outbox (topic) WHERE coalesce = 1;`;
const RELEASE_JOBS_DDL = `CREATE TABLE IF NOT EXISTS scheduler_jobs (
      name TEXT PRIMARY KEY,
      last_run INTEGER,
      last_success INTEGER,
      failures INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      sync INTEGER NOT NULL DEFAULT 0,
      updated INTEGER NOT NULL
    )`;

interface Fixture {
  name: string;
  /** PRAGMA user_version the file was left at. */
  version: number;
  outbox?: boolean;
  jobs?: boolean;
}

const CURRENT_RELEASE: Fixture = {
  name: 'v2 with the ad-hoc outbox and job tables (the current release)',
  version: 2,
  outbox: true,
  jobs: true,
};

const FIXTURES: Fixture[] = [
  { name: 'v0: an empty file', version: 0 },
  { name: 'v1', version: 1 },
  { name: 'v2', version: 2 },
  { name: 'v1 with the ad-hoc outbox (releases before the meta table)', version: 1, outbox: true },
  CURRENT_RELEASE,
  { name: 'v0 with the ad-hoc outbox (the MQTT fallback file)', version: 0, outbox: true },
  // Migration 3 took over the outbox and job tables (the ad-hoc DDL is then a no-op); no alerts yet.
  { name: 'v3, before the alerts table', version: 3, outbox: true, jobs: true },
];

/** Writes a file as the release described by `f` left it, with rows in every table it has. */
function writeRelease(file: string, f: Fixture): void {
  const db = new Database(file);
  // Shipped migrations are never edited, so the first `version` of them are that release's schema.
  for (const m of MIGRATIONS.slice(0, f.version)) m(db);
  db.pragma(`user_version = ${f.version}`);
  if (f.outbox) db.exec(RELEASE_OUTBOX_DDL);
  if (f.jobs) db.exec(RELEASE_JOBS_DDL);
  if (f.version >= 1) {
    db.exec(`
      INSERT INTO series (id, device_id, metric) VALUES (1, 'aa', 'heart_rate'), (2, 'bb', 'steps');
      INSERT INTO labels (id, text) VALUES (1, 'ble'), (2, 'gw-1');
      INSERT INTO readings VALUES (1, 1000, 61, NULL, 1, 2), (1, 2000, 62, 0, 1, NULL),
        (2, 1000, NULL, 3, NULL, NULL);
      INSERT INTO rollups VALUES (0, 1, 0, 2, 123, 61, 1000, 62, 2000);
      INSERT INTO devices VALUES ('aa', '{"id":"aa"}', 5000);
      INSERT INTO sync_cursors VALUES ('aa', 'records', '42', 5000), ('bb', 'steps', 'x', 6000);
    `);
  }
  if (f.version >= 2) db.exec(`INSERT INTO meta VALUES ('clean_shutdown', '1')`);
  if (f.outbox) {
    const add = db.prepare(
      'INSERT INTO mqtt_outbox (topic, payload, qos, retain, coalesce, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    add.run('homebeat/a', Buffer.from('one'), 1, 0, 0, 100);
    add.run('homebeat/s', Buffer.from([0, 1, 2]), 1, 1, 1, 200);
    add.run('homebeat/b', Buffer.from('three'), 0, 0, 0, 300);
    db.prepare('DELETE FROM mqtt_outbox WHERE id = 1').run(); // acked: the sequence stays at 3
  }
  if (f.jobs) {
    db.exec(`
      INSERT INTO scheduler_jobs VALUES ('ble-pull:aa', 10, 10, 0, NULL, 1, 10);
      INSERT INTO scheduler_jobs VALUES ('housekeeping', 20, 5, 2, 'disk full', 0, 20);
    `);
  }
  db.close();
}

/** sqlite_master without page numbers, SQL with its whitespace collapsed, in a stable order. */
function schemaOf(db: Database.Database): unknown[] {
  const rows = db
    .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
    .all() as { sql: string | null }[];
  return rows.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ') }));
}

/** Every row of every table, by table name. */
function rowsOf(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t}"`).all();
    out[t] = rows
      .map((r) => [JSON.stringify(r), r] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r);
  }
  return out;
}

function freshSchema(): unknown[] {
  const db = open(tempFile());
  try {
    return schemaOf(db);
  } finally {
    db.close();
  }
}

describe('migrations: one schema for the whole database', () => {
  it('a fresh file has every table, the outbox and job tables included', () => {
    const names = freshSchema().map((r) => (r as { name: string }).name);
    expect(names).toEqual(
      expect.arrayContaining(['readings', 'meta', 'mqtt_outbox', 'mqtt_outbox_coalesce']),
    );
    expect(names).toContain('scheduler_jobs');
    expect(names).toContain('alerts');
  });

  it('alerts: a migrated file stores them, and a reopened one gives them back, newest kept', () => {
    const file = tempFile();
    writeRelease(file, { name: 'v3', version: 3, outbox: true, jobs: true });
    const alert = (n: number) => ({ id: `r-${n}`, ruleId: 'r', title: `t${n}`, body: '', ts: n });
    let db = open(file);
    const store = new AlertStore({ db: () => db, keep: 2, log });
    store.open();
    for (const n of [1, 2, 3]) store.add(alert(n), store.nextSeq());
    db.close();
    db = open(file);
    const again = new AlertStore({ db: () => db, keep: 2, log });
    again.open();
    expect(again.list(10)).toEqual([alert(2), alert(3)]);
    expect(again.nextSeq()).toBe(4);
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(2);
    db.close();
  });

  it.each(FIXTURES)('migrates $name to the current schema without losing a row', (f) => {
    const file = tempFile();
    writeRelease(file, f);
    const raw = new Database(file, { readonly: true });
    const before = rowsOf(raw);
    raw.close();

    const db = open(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(schemaOf(db)).toEqual(freshSchema());
      const after = rowsOf(db);
      // Tables the release had keep their rows; the ones a migration added start empty.
      const expected = Object.fromEntries(Object.keys(after).map((t) => [t, before[t] ?? []]));
      expect(after).toEqual(expected);
      if (f.outbox) {
        // The outbox goes on where the release stopped: its rows, then ids past the old ones.
        const outbox = new Outbox(db);
        expect(outbox.size).toBe(2);
        expect(outbox.next(0)?.topic).toBe('homebeat/s');
        expect(outbox.add({ topic: 't', payload: Buffer.from('x'), qos: 1, retain: false })).toBe(
          4,
        );
      }
      if (f.jobs) {
        expect(new JobStore(db).loadAll().get('housekeeping')).toMatchObject({
          failures: 2,
          lastError: 'disk full',
          sync: false,
        });
      }
    } finally {
      db.close();
    }
  });

  it('opening a current file again changes nothing', () => {
    const file = tempFile();
    writeRelease(file, CURRENT_RELEASE);
    open(file).close();
    const first = new Database(file, { readonly: true });
    const [schema, rows] = [schemaOf(first), rowsOf(first)];
    first.close();
    const db = open(file);
    expect(schemaOf(db)).toEqual(schema);
    expect(rowsOf(db)).toEqual(rows);
    db.close();
  });

  it('refuses a file written by a newer schema, and leaves it as it was', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => open(file)).toThrow(/newer than this build supports/);
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(schemaOf(again)).toEqual([]);
    again.close();
  });
});
