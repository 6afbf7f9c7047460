import type Database from 'better-sqlite3';
import type { Settings } from '../../../shared/settings.js';
import { own } from '../../../shared/own.js';
import type { Logger } from '../logging.js';

const DAY = 86_400_000;
/** Rows deleted per transaction, so the live writer never waits long behind housekeeping. */
const CHUNK = 20_000;

export interface HousekeepingResult {
  deleted: number;
  rollupsDeleted: number;
  /** False when the run was aborted before it finished (it resumes on the next run). */
  complete: boolean;
}

/**
 * Deletes readings older than their metric's retention, in small transactions that yield to the
 * event loop between them, then returns free pages to the OS (incremental vacuum) and truncates
 * the WAL. Rollup buckets that start before the cutoff go with the raw rows, so charts and stats
 * never show data the raw table no longer holds.
 */
export async function housekeeping(
  db: Database.Database,
  settings: Settings['history'],
  now: number,
  log: Logger,
  signal?: AbortSignal,
): Promise<HousekeepingResult> {
  const series = db.prepare('SELECT id, device_id, metric FROM series').all() as {
    id: number;
    device_id: string;
    metric: string;
  }[];
  const nth = db
    .prepare(`SELECT ts FROM readings WHERE series = ? AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?`)
    .pluck();
  const delRaw = db.prepare('DELETE FROM readings WHERE series = ? AND ts < ?');
  const delRollups = db.prepare('DELETE FROM rollups WHERE series = ? AND bucket < ?');
  let deleted = 0;
  let rollupsDeleted = 0;
  for (const s of series) {
    const days = own(settings.retentionByMetric, s.metric) ?? settings.retentionDays;
    const cutoff = now - days * DAY;
    for (;;) {
      if (signal?.aborted) return { deleted, rollupsDeleted, complete: false };
      // Delete up to (not including) the CHUNK-th old row: a bounded transaction each time.
      const bound = (nth.get(s.id, cutoff, CHUNK) as number | undefined) ?? cutoff;
      const n = db.transaction(() => delRaw.run(s.id, bound).changes)();
      deleted += n;
      if (bound === cutoff) break;
      await new Promise((r) => setImmediate(r));
    }
    rollupsDeleted += delRollups.run(s.id, cutoff).changes;
  }
  // Series with no rows left keep their dictionary entry: ids stay stable for the writer's cache.
  const freed = db.pragma('freelist_count', { simple: true }) as number;
  if (freed > 0) db.pragma(`incremental_vacuum(${freed})`);
  db.pragma('optimize');
  // Last, so the WAL ends empty: everything above is folded into the main file.
  db.pragma('wal_checkpoint(TRUNCATE)');
  log.info('history housekeeping done', { deleted, rollupsDeleted, pagesFreed: freed });
  return { deleted, rollupsDeleted, complete: true };
}
