import type Database from 'better-sqlite3';
import { RollupAccumulator, TIERS, UPSERT_ROLLUP, type Stored } from './rollups.js';

/**
 * Keeps the rollups in step with the raw rows while writing each bucket about once.
 *
 * Per series and tier, the newest bucket seen stays "open" in memory: live readings arrive in
 * time order, so it keeps changing for a minute (or an hour) and writing it with every 100 ms
 * batch would triple the writes. A bucket is written, in the same transaction as the rows that
 * close it, when a newer bucket starts; an older bucket (a sync of stored records) is written
 * with its own transaction. Queries and shutdown write the open ones too (`writeAll`).
 *
 * Crash safety: open buckets are always at or after the newest bucket written for their series,
 * so after a crash (or a rolled-back transaction) `recover` recomputes, per series and tier,
 * every bucket from the newest stored one on, from the raw rows, which are the truth.
 */
export class RollupWriter {
  private readonly acc = new RollupAccumulator();
  /** Per series, per tier: the start of the open (newest) bucket. */
  private readonly open = new Map<number, number[]>();
  /** Series whose rebuild after a failure has not succeeded yet. */
  private readonly stale = new Set<number>();
  /** Buckets marked complete since the last writeDue (so it need not scan every open one). */
  private due: Stored[] = [];
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      upsert: db.prepare(UPSERT_ROLLUP),
      newest: db.prepare('SELECT max(bucket) FROM rollups WHERE tier = ? AND series = ?').pluck(),
      drop: db.prepare('DELETE FROM rollups WHERE tier = ? AND series = ? AND bucket >= ?'),
      raw: db
        .prepare(
          'SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND value IS NOT NULL ORDER BY ts',
        )
        .raw(),
      allSeries: db.prepare('SELECT id FROM series').pluck(),
    };
  }

  /** Folds a newly stored value in (call inside the transaction that stored it). */
  add(series: number, ts: number, value: number): void {
    // A series awaiting its rebuild writes nothing: the rebuild starts from its newest stored
    // bucket, so nothing newer may be stored before it, and it reads these rows from raw.
    if (this.stale.has(series)) return;
    let open = this.open.get(series);
    if (!open) {
      // Start from the newest stored bucket, so nothing older than it is ever left pending.
      open = TIERS.map((w) => (this.stmts.newest.get(w, series) as number | null) ?? -Infinity);
      this.open.set(series, open);
    }
    this.acc.add(series, ts, value);
    for (let t = 0; t < TIERS.length; t++) {
      const w = TIERS[t]!;
      const bucket = Math.floor(ts / w) * w;
      if (bucket > open[t]!) {
        const prev = this.acc.get(w, series, open[t]!);
        if (prev) this.markDue(prev); // a newer bucket began: the previous one is complete
        open[t] = bucket;
      } else if (bucket < open[t]!) {
        this.markDue(this.acc.get(w, series, bucket)!);
      }
    }
  }

  /** Writes the completed buckets (call at the end of each write transaction). */
  writeDue(): void {
    if (this.due.length === 0) return;
    const due = this.due;
    this.due = [];
    // A bucket dropped since it was marked (reset, recover) or marked twice is skipped.
    for (const b of due) if (this.acc.get(b.tier, b.series, b.bucket) === b) this.write(b);
  }

  private markDue(b: Stored & { due?: boolean }): void {
    if (b.due) return;
    b.due = true;
    this.due.push(b);
  }

  /** Writes every pending bucket, open ones included (before queries, at shutdown). */
  writeAll(): void {
    for (const b of [...this.acc.buckets.values()]) this.write(b);
  }

  get pending(): number {
    return this.acc.buckets.size;
  }

  /**
   * After a rolled-back transaction the pending deltas are wrong (they hold rows that were never
   * stored, or were already dropped as written): forget them and rebuild the series they touched
   * from the raw rows. Call outside any transaction. Never throws: a series whose rebuild fails
   * (the disk is still full) stays marked and is retried by `retry()`.
   */
  reset(): void {
    for (const id of this.open.keys()) this.stale.add(id);
    this.acc.clear();
    this.due = [];
    this.open.clear();
    this.retry();
  }

  /** Rebuilds the series a failed reset left behind; true when none are left. */
  retry(): boolean {
    if (this.stale.size === 0) return true;
    try {
      this.recover([...this.stale]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Rebuilds each series' buckets from its newest stored one on (all series by default). Pending
   * deltas of a series all lie in those buckets, so they are dropped: the raw rows hold them.
   */
  recover(series?: number[]): number {
    let rebuilt = 0;
    const ids = series ?? (this.stmts.allSeries.all() as number[]);
    for (const id of ids) {
      this.acc.deleteSeries(id);
      this.open.delete(id);
      this.stale.add(id);
      this.db.transaction(() => {
        for (const w of TIERS) {
          const from = (this.stmts.newest.get(w, id) as number | null) ?? -Infinity;
          if (from !== -Infinity) this.stmts.drop.run(w, id, from);
          const acc = new RollupAccumulator();
          const start = from === -Infinity ? Number.MIN_SAFE_INTEGER : from;
          for (const [ts, v] of this.stmts.raw.iterate(id, start) as Iterable<[number, number]>)
            acc.add(id, ts, v, [w]);
          for (const b of acc.buckets.values()) this.stmts.upsert.run(strip(b));
          rebuilt += acc.buckets.size;
        }
      })();
      this.stale.delete(id);
    }
    return rebuilt;
  }

  private write(b: Stored & { due?: boolean }): void {
    this.stmts.upsert.run(strip(b));
    this.acc.delete(b);
  }
}

const strip = ({ tier, series, bucket, n, sum, vmin, tmin, vmax, tmax }: Stored) => ({
  ...{ tier, series, bucket, n, sum },
  ...{ vmin, tmin, vmax, tmax },
});
