import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
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

type Row = [string, number, number | null, number | null, string | null, string | null];

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
  const name = `${safeName(req.deviceId)}_${req.metric ?? 'all'}_${stamp(opts.now)}.${req.format}`;
  const path = join(opts.exportsDir, name);
  const partial = `${path}.partial`;
  const db = new Database(opts.dbFile, { readonly: true, fileMustExist: true });
  const out = createWriteStream(partial, { encoding: 'utf8' });
  let rows = 0;
  try {
    const stmt = db
      .prepare(
        `SELECT s.metric, r.ts, r.value, r.status, src.text, gw.text
         FROM series s
         JOIN readings r ON r.series = s.id AND r.ts >= @from AND r.ts <= @to
         LEFT JOIN labels src ON src.id = r.source
         LEFT JOIN labels gw ON gw.id = r.gateway
         WHERE s.device_id = @deviceId ${req.metric ? 'AND s.metric = @metric' : ''}
         ORDER BY s.metric, r.ts`,
      )
      .raw();
    const params = { deviceId: req.deviceId, from: req.from, to: req.to, metric: req.metric };
    if (!req.metric) delete params.metric;
    let buf = req.format === 'csv' ? `${CSV_HEADER}\n` : '[';
    for (const row of stmt.iterate(params) as Iterable<Row>) {
      if (req.format === 'csv') buf += csvLine(req.deviceId, row);
      else buf += (rows === 0 ? '\n' : ',\n') + jsonLine(req.deviceId, row);
      rows++;
      if (buf.length >= CHUNK) {
        await write(out, buf);
        buf = '';
      }
    }
    buf += req.format === 'csv' ? '' : rows ? '\n]\n' : ']\n';
    await write(out, buf);
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

async function write(out: WriteStream, chunk: string): Promise<void> {
  if (!chunk) return;
  if (!out.write(chunk)) await once(out, 'drain');
}

function csvLine(deviceId: string, [metric, ts, value, status, source, gateway]: Row): string {
  const unit = isMetric(metric) ? unitOf(metric) : '';
  return (
    [
      csvText(deviceId),
      csvText(metric),
      String(ts),
      new Date(ts).toISOString(),
      value === null ? '' : String(value),
      csvText(unit),
      statusName(status),
      csvText(source ?? ''),
      csvText(gateway ?? ''),
    ].join(',') + '\n'
  );
}

/**
 * RFC 4180 quoting, plus a leading apostrophe on text that a spreadsheet would run as a formula
 * (device ids and names come from the network, so treat them as untrusted).
 */
export function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function jsonLine(deviceId: string, [metric, ts, value, status, source, gateway]: Row): string {
  return JSON.stringify({
    deviceId,
    metric,
    ts,
    value,
    unit: isMetric(metric) ? unitOf(metric) : '',
    status: statusName(status),
    source,
    gateway,
  });
}

const safeName = (s: string): string => s.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 80) || 'device';
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, '-');
