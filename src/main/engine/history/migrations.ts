import type Database from 'better-sqlite3';

/**
 * The schema of the whole database (homebeat.db, and the MQTT outbox's own file when the history
 * cannot open it): history, the MQTT outbox and the scheduler's jobs. Every table is created here
 * and nowhere else, so each has a migration path. Versioned by PRAGMA user_version: MIGRATIONS[i]
 * takes the schema from version i to i + 1. Append only; never edit a shipped migration.
 *
 * Storage is compact because a 1 Hz strap writes 2.6M rows a month: readings are keyed by a small
 * integer series id (device + metric, from the `series` dictionary) and ts, in a WITHOUT ROWID
 * table whose primary key is the dedupe key, so there is no second index and no rowid. Source and
 * gateway names go through the `labels` dictionary. Measured (bench/history-insert, 500k rows):
 * 13.5 MB against 52.9 MB for the same rows in a text-keyed table with a UNIQUE (device_id,
 * metric, ts) index, and the rollups add about 5 %. The `readings_v` view shows rows with their
 * names for ad-hoc SQL.
 *
 * `rollups` holds per-series min/max/sum/count per 1 min, 10 min and 1 h bucket (see
 * rollup-writer.ts for how they stay in step with the raw rows), so range queries and stats over
 * months read thousands of buckets instead of millions of rows.
 */
export const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        UNIQUE (device_id, metric)
      );
      CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
      );
      CREATE TABLE readings (
        series INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value REAL,
        status INTEGER,
        source INTEGER,
        gateway INTEGER,
        PRIMARY KEY (series, ts)
      ) WITHOUT ROWID;
      CREATE TABLE rollups (
        tier INTEGER NOT NULL,
        series INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        sum REAL NOT NULL,
        vmin REAL NOT NULL,
        tmin INTEGER NOT NULL,
        vmax REAL NOT NULL,
        tmax INTEGER NOT NULL,
        PRIMARY KEY (tier, series, bucket)
      ) WITHOUT ROWID;
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        updated INTEGER NOT NULL
      );
      CREATE TABLE sync_cursors (
        device_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (device_id, key)
      ) WITHOUT ROWID;
      CREATE VIEW readings_v AS
        SELECT s.device_id, s.metric, r.ts, r.value, r.status,
               src.text AS source, gw.text AS gateway
        FROM readings r
        JOIN series s ON s.id = r.series
        LEFT JOIN labels src ON src.id = r.source
        LEFT JOIN labels gw ON gw.id = r.gateway;
    `);
  },
  (db) => {
    // Small facts about the file itself (clean_shutdown, see ReadingStore).
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  },
  (db) => {
    // The MQTT outbox (see Outbox) and the scheduler's job memory (see JobStore). Releases up to
    // v2 had those classes create them on the fly, so a file may already hold them, with rows:
    // IF NOT EXISTS keeps those; the definitions are the ones those releases used.
    db.exec(`
      CREATE TABLE IF NOT EXISTS mqtt_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        qos INTEGER NOT NULL,
        retain INTEGER NOT NULL,
        coalesce INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS mqtt_outbox_coalesce ON mqtt_outbox (topic) WHERE coalesce = 1;
      CREATE TABLE IF NOT EXISTS scheduler_jobs (
        name TEXT PRIMARY KEY,
        last_run INTEGER,
        last_success INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sync INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL
      );
    `);
  },
  (db) => {
    // The rules' alerts (see AlertStore), so they outlive a restart. `seq` is the order they fired
    // in and what retention counts by (the newest N are kept); the alert itself is JSON, as the
    // contract's Alert type defines it, so a new optional field needs no migration.
    db.exec(`
      CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        json TEXT NOT NULL
      );
    `);
  },
];
