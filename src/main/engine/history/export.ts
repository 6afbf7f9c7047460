import {
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isMetric, unitOf, type Metric } from '../../../shared/metrics.js';
import { statusName } from './store.js';

export interface ExportRequest {
  deviceId: string;
  metric?: Metric;
  /** Inclusive bounds, ms. */
  from: number;
  to: number;
  format: 'csv' | 'json';
}

export interface ExportOptions {
  /** The database file; read through its own read-only connection (see below). */
  dbFile: string;
  exportsDir: string;
  now: number;
}

type Row = [number, number | null, number | null, number | null, number | null];

export const CSV_HEADER = 'device_id,metric,ts,time,value,unit,status,source,gateway';

/** Flush to the stream once this many characters are buffered. */
const CHUNK = 64 * 1024;

/**
 * Streams a device's readings to a file, never holding all rows: a statement iterator feeds a
 * write stream, pausing on backpressure. The iterator runs on a separate read-only connection,
 * because better-sqlite3 refuses any other statement on a connection while an iterator is open,
 * and the live batch writer must go on while a long export drains to disk (WAL lets a reader and
 * the writer overlap). The file appears under its final name only once complete.
 */
export async function exportReadings(
  req: ExportRequest,
  opts: ExportOptions,
): Promise<{ path: string; rows: number }> {
  mkdirSync(opts.exportsDir, { recursive: true });
  const base = join(
    opts.exportsDir,
    `${safeName(req.deviceId)}_${req.metric ?? 'all'}_${stamp(opts.now)}`,
  );
  let path = `${base}.${req.format}`;
  // Two exports in the same millisecond (or a clock set back) must not overwrite each other.
  for (let i = 2; existsSync(path) || existsSync(`${path}.partial`); i++)
    path = `${base}-${i}.${req.format}`;
  const partial = `${path}.partial`;
  const db = new Database(opts.dbFile, { readonly: true, fileMustExist: true });
  const out = createWriteStream(partial, { highWaterMark: CHUNK });
  let rows = 0;
  try {
    // Labels are a small dictionary: resolved in JS, so the row loop reads one table only.
    const labels = new Map<number, string>(
      db.prepare('SELECT id, text FROM labels').raw().all() as [number, string][],
    );
    const series = db
      .prepare(
        `SELECT id, metric FROM series WHERE device_id = ? ${req.metric ? 'AND metric = ?' : ''} ORDER BY metric`,
      )
      .raw()
      .all(...(req.metric ? [req.deviceId, req.metric] : [req.deviceId])) as [number, string][];
    const rowsOf = db
      .prepare(
        'SELECT ts, value, status, source, gateway FROM readings WHERE series = ? AND ts >= ? AND ts <= ? ORDER BY ts',
      )
      .raw();
    const line =
      req.format === 'csv'
        ? csvFormatter(req.deviceId, labels)
        : jsonFormatter(req.deviceId, labels);
    const sink = new ChunkWriter(out);
    await sink.add(req.format === 'csv' ? `${CSV_HEADER}\n` : '[');
    for (const [id, metric] of series) {
      const format = line(metric);
      for (const row of rowsOf.iterate(id, req.from, req.to) as Iterable<Row>) {
        const text = format(row);
        const full = sink.add(req.format === 'csv' ? text : (rows === 0 ? '\n' : ',\n') + text);
        if (full) await full; // only at chunk boundaries: no microtask per row
        rows++;
      }
    }
    await sink.add(req.format === 'csv' ? '' : rows ? '\n]\n' : ']\n');
    await sink.flush();
    out.end();
    await once(out, 'close');
    renameSync(partial, path);
    return { path, rows };
  } catch (err) {
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Copies each line into a byte chunk at once and hands full chunks to the stream, waiting on
 * backpressure. Lines die young this way: concatenating them into a string kept them alive until
 * the chunk was written, which promoted them to the old generation and grew the heap by tens of
 * MB on a million-row export.
 */
class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(private readonly out: WriteStream) {}

  add(text: string): Promise<void> | undefined {
    // A UTF-8 byte is at most 3 per UTF-16 unit: flush first if the line might not fit.
    if (this.used + text.length * 3 > CHUNK) {
      const pending = this.flush();
      return pending.then(() => this.put(text));
    }
    this.put(text);
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private put(text: string): void {
    if (text.length * 3 > CHUNK) {
      // An oversized line (never produced by the formatters, but be safe): write it on its own.
      this.out.write(text);
      return;
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }
}

type Formatter = (metric: string) => (row: Row) => string;

/** Everything constant per series is escaped once; the row loop only joins numbers. */
function csvFormatter(deviceId: string, labels: Map<number, string>): Formatter {
  const dev = csvText(deviceId);
  const text = new Map([...labels].map(([id, t]) => [id, csvText(t)]));
  return (metric) => {
    const prefix = `${dev},${csvText(metric)},`;
    const unit = csvText(isMetric(metric) ? unitOf(metric) : '');
    return ([ts, value, status, source, gateway]) =>
      `${prefix}${ts},${iso(ts)},${value ?? ''},${unit},${statusName(status)},${
        source === null ? '' : (text.get(source) ?? '')
      },${gateway === null ? '' : (text.get(gateway) ?? '')}\n`;
  };
}

/**
 * RFC 4180 quoting, plus a leading apostrophe on text that a spreadsheet would run as a formula
 * (device ids and names come from the network, so treat them as untrusted).
 */
export function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function jsonFormatter(deviceId: string, labels: Map<number, string>): Formatter {
  const dev = JSON.stringify(deviceId);
  const text = (id: number | null) =>
    id === null ? 'null' : JSON.stringify(labels.get(id) ?? null);
  return (metric) => {
    const prefix = `{"deviceId":${dev},"metric":${JSON.stringify(metric)},"ts":`;
    const unit = JSON.stringify(isMetric(metric) ? unitOf(metric) : '');
    return ([ts, value, status, source, gateway]) =>
      `${prefix}${ts},"value":${value ?? 'null'},"unit":${unit},"status":"${statusName(status)}","source":${text(
        source,
      )},"gateway":${text(gateway)}}`;
  };
}

let isoMinute = NaN;
let isoPrefix = '';
/**
 * ISO time of `ts`: the date up to the minute is reused while rows stay in the same minute (they
 * come in time order), which spares a Date and most of a string per row on large exports.
 */
export function iso(ts: number): string {
  const minute = Math.floor(ts / 60_000);
  if (minute !== isoMinute) {
    isoMinute = minute;
    isoPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const ms = ts - minute * 60_000;
  const sec = Math.floor(ms / 1000);
  const frac = ms - sec * 1000;
  return `${isoPrefix}${sec < 10 ? '0' : ''}${sec}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

const safeName = (s: string): string => s.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 80) || 'device';
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, '-');
