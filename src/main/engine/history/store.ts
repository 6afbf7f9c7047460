import type Database from 'better-sqlite3';
import type { Device, Reading, ReadingStatus } from '../../../shared/model.js';
import type { SyncCursor } from '../services.js';
import { RollupWriter } from './rollup-writer.js';

/** ReadingStatus <-> small integer; 'ok' is stored as NULL. */
export const STATUS_CODES: Record<ReadingStatus, number | null> = {
  ok: null,
  nan: 1,
  nres: 2,
  pos_inf: 3,
  neg_inf: 4,
  invalid: 5,
};
const STATUS_NAMES = new Map<number, ReadingStatus>(
  Object.entries(STATUS_CODES)
    .filter(([, c]) => c !== null)
    .map(([name, c]) => [c as number, name as ReadingStatus]),
);
export const statusName = (code: number | null): ReadingStatus =>
  code === null ? 'ok' : (STATUS_NAMES.get(code) ?? 'invalid');

const isStorable = (r: Reading): boolean =>
  typeof r === 'object' &&
  r !== null &&
  typeof r.deviceId === 'string' &&
  r.deviceId.length > 0 &&
  typeof r.metric === 'string' &&
  r.metric.length > 0 &&
  typeof r.ts === 'number';

/**
 * The write side of the history: readings (deduplicated on series + ts), their rollups, device
 * snapshots and sync cursors. Every method runs inside the caller's transaction, so a batch of
 * readings, its rollups and a cursor commit together or not at all.
 */
export class ReadingStore {
  /** device id -> metric -> series id (nested: no key string built per row). */
  private readonly seriesIds = new Map<string, Map<string, number>>();
  private readonly labelIds = new Map<string, number>();
  readonly rollups: RollupWriter;
  private readonly stmts;

  constructor(readonly db: Database.Database) {
    this.rollups = new RollupWriter(db);
    this.stmts = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO readings (series, ts, value, status, source, gateway) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      findSeries: db.prepare('SELECT id FROM series WHERE device_id = ? AND metric = ?').pluck(),
      addSeries: db.prepare('INSERT INTO series (device_id, metric) VALUES (?, ?)'),
      findLabel: db.prepare('SELECT id FROM labels WHERE text = ?').pluck(),
      addLabel: db.prepare('INSERT INTO labels (text) VALUES (?)'),
      getCursor: db
        .prepare('SELECT value FROM sync_cursors WHERE device_id = ? AND key = ?')
        .pluck(),
      setCursor: db.prepare(
        `INSERT INTO sync_cursors (device_id, key, value, updated) VALUES (?, ?, ?, ?)
         ON CONFLICT (device_id, key) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
      ),
      putDevice: db.prepare(
        `INSERT INTO devices (id, json, updated) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated = excluded.updated`,
      ),
      deleteDevice: db.prepare('DELETE FROM devices WHERE id = ?'),
      allDevices: db.prepare('SELECT json FROM devices ORDER BY id').pluck(),
    };
  }

  /** The series id of device + metric, created on first use (call inside a transaction). */
  seriesId(deviceId: string, metric: string, create: true): number;
  seriesId(deviceId: string, metric: string, create?: false): number | undefined;
  seriesId(deviceId: string, metric: string, create = false): number | undefined {
    let metrics = this.seriesIds.get(deviceId);
    let id = metrics?.get(metric);
    if (id !== undefined) return id;
    id = this.stmts.findSeries.get(deviceId, metric) as number | undefined;
    if (id === undefined && create) {
      id = Number(this.stmts.addSeries.run(deviceId, metric).lastInsertRowid);
    }
    if (id === undefined) return undefined;
    if (!metrics) this.seriesIds.set(deviceId, (metrics = new Map()));
    metrics.set(metric, id);
    return id;
  }

  private labelId(text: string | undefined): number | null {
    if (!text) return null;
    let id = this.labelIds.get(text);
    if (id !== undefined) return id;
    id = this.stmts.findLabel.get(text) as number | undefined;
    if (id === undefined) id = Number(this.stmts.addLabel.run(text).lastInsertRowid);
    this.labelIds.set(text, id);
    return id;
  }

  /**
   * Inserts readings (a reading already stored is ignored) and folds the new ones into the
   * rollups. Call inside a transaction. Returns rows added.
   */
  insert(readings: readonly Reading[]): number {
    let added = 0;
    const { insert } = this.stmts;
    for (const r of readings) {
      const ts = Math.round(r.ts);
      if (!isStorable(r) || !Number.isFinite(ts)) {
        // A malformed reading (a bug upstream) must not poison the batch it came with.
        this.skipped++;
        continue;
      }
      let value = typeof r.value === 'number' ? r.value : null;
      let status = r.status ?? 'ok';
      if (value !== null && !Number.isFinite(value)) {
        // A NaN or Infinity that slipped past a decoder: keep the row, flag it, never chart it.
        value = null;
        if (status === 'ok') status = 'invalid';
      }
      if (value === null && status === 'ok') status = 'invalid';
      const series = this.seriesId(r.deviceId, r.metric, true);
      const res = insert.run(
        series,
        ts,
        value,
        STATUS_CODES[status] ?? null,
        this.labelId(r.source),
        this.labelId(r.gateway),
      );
      if (res.changes === 0) continue;
      added++;
      if (value !== null) this.rollups.add(series, ts, value);
    }
    this.rollups.writeDue();
    return added;
  }

  /** Readings refused as malformed since the last look (the service logs and resets it). */
  skipped = 0;

  /**
   * After a rolled-back transaction (call outside it): ids handed out inside it no longer exist,
   * and the pending rollup deltas included rows that were never stored.
   */
  resetCaches(): void {
    this.seriesIds.clear();
    this.labelIds.clear();
    this.rollups.reset();
  }

  /**
   * Whether the last run wrote everything out before closing. While running it says no, so a
   * crash is noticed at the next start (and the open rollup buckets rebuilt).
   */
  get cleanShutdown(): boolean {
    return this.stmts.getMeta.get('clean_shutdown') === '1';
  }

  set cleanShutdown(clean: boolean) {
    this.stmts.setMeta.run('clean_shutdown', clean ? '1' : '0');
  }

  getCursor(deviceId: string, key: string): string | undefined {
    return this.stmts.getCursor.get(deviceId, key) as string | undefined;
  }

  setCursor(c: SyncCursor, now: number): void {
    this.stmts.setCursor.run(c.deviceId, c.key, c.value, now);
  }

  putDevice(d: Device, now: number): void {
    this.stmts.putDevice.run(d.id, JSON.stringify(d), now);
  }

  deleteDevice(id: string): void {
    this.stmts.deleteDevice.run(id);
  }

  devices(): Device[] {
    const out: Device[] = [];
    for (const json of this.stmts.allDevices.all() as string[]) {
      try {
        out.push(JSON.parse(json) as Device);
      } catch {
        // A snapshot we cannot read is skipped: the device reappears when it is next seen.
      }
    }
    return out;
  }
}
