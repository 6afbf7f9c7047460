import type Database from 'better-sqlite3';
import type { LatestReading, RangeStats, Series } from '../../../shared/contract/history.js';
import { isMetric, unitOf, type Metric } from '../../../shared/metrics.js';
import { plan, TIERS, tiersUpTo } from './rollups.js';
import { statusName, type ReadingStore } from './store.js';

export interface RangeQuery {
  deviceId: string;
  metric: Metric;
  /** Inclusive bounds, ms. */
  from: number;
  to: number;
}

/**
 * Read side of the history. Range queries go through the rollups (see rollups.ts), so a month of
 * 1 Hz data downsampled to 2,000 points reads a few thousand buckets, not 2.6M rows.
 */
export class HistoryQueries {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly store: ReadingStore,
  ) {
    this.stmts = {
      raw: db
        .prepare(
          'SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? AND value IS NOT NULL ORDER BY ts',
        )
        .raw(),
      rawHead: db
        .prepare(
          'SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? AND value IS NOT NULL ORDER BY ts LIMIT ?',
        )
        .raw(),
      rawMin: db
        .prepare(
          `SELECT (ts - @start) / @bw AS b, count(*), min(value), ts FROM readings
           WHERE series = @series AND ts >= @lo AND ts < @hi AND value IS NOT NULL GROUP BY b`,
        )
        .raw(),
      rawMax: db
        .prepare(
          `SELECT (ts - @start) / @bw AS b, max(value), ts FROM readings
           WHERE series = @series AND ts >= @lo AND ts < @hi AND value IS NOT NULL GROUP BY b`,
        )
        .raw(),
      buckets: db
        .prepare(
          'SELECT bucket, n, vmin, tmin, vmax, tmax FROM rollups WHERE tier = ? AND series = ? AND bucket >= ? AND bucket < ?',
        )
        .raw(),
      rawStats: db
        .prepare(
          'SELECT count(value), sum(value), min(value), max(value) FROM readings WHERE series = ? AND ts >= ? AND ts < ?',
        )
        .raw(),
      tierStats: db
        .prepare(
          'SELECT sum(n), sum(sum), min(vmin), max(vmax) FROM rollups WHERE tier = ? AND series = ? AND bucket >= ? AND bucket < ?',
        )
        .raw(),
      latest: db.prepare(
        `SELECT s.metric, r.ts, r.value, r.status FROM series s
         JOIN readings r ON r.series = s.id
           AND r.ts = (SELECT max(ts) FROM readings WHERE series = s.id)
         WHERE s.device_id = ? ORDER BY s.metric`,
      ),
    };
  }

  /**
   * The range downsampled to at most `points` points: min/max per bucket (each bucket gives its
   * lowest and highest reading, in time order), so spikes survive at any zoom. A range holding
   * no more than `points` readings comes back raw.
   */
  series(q: RangeQuery & { points: number }): Series {
    const out: Series = {
      deviceId: q.deviceId,
      metric: q.metric,
      unit: unitOf(q.metric),
      ts: [],
      values: [],
      rawCount: 0,
    };
    const id = this.store.seriesId(q.deviceId, q.metric);
    if (id === undefined || q.to < q.from) return out;
    const hi = q.to + 1;
    const nb = Math.max(1, Math.floor(q.points / 2));
    const ideal = (hi - q.from) / nb;
    const tiers = tiersUpTo(ideal);
    if (tiers.length === 0) return this.rawSeries(id, q, hi, nb, out);

    // Output buckets are whole multiples of the widest tier used, aligned to it, so every rollup
    // bucket (and every finer one) falls inside exactly one output bucket: min/max stay exact.
    const w = tiers[0]!;
    const start = Math.floor(q.from / w) * w;
    let bw = Math.ceil(ideal / w) * w;
    while (Math.ceil((hi - start) / bw) > nb) bw += w;
    const acc = new MinMaxBuckets(start, bw, Math.ceil((hi - start) / bw));
    for (const seg of plan(q.from, hi, tiers)) {
      if (seg.width === 0) {
        for (const [ts, v] of this.stmts.raw.iterate(id, seg.lo, seg.hi) as Iterable<
          [number, number]
        >)
          acc.add(ts, 1, v, ts, v, ts);
      } else {
        const rows = this.stmts.buckets.all(seg.width, id, seg.lo, seg.hi) as number[][];
        for (const [bucket, n, vmin, tmin, vmax, tmax] of rows)
          acc.add(bucket!, n!, vmin!, tmin!, vmax!, tmax!);
      }
    }
    if (acc.total > q.points) {
      acc.emit(out);
      return out;
    }
    // Few readings spread over a wide range (a weekly scale): they all fit, so give them raw.
    for (const [ts, v] of this.stmts.raw.iterate(id, q.from, hi) as Iterable<[number, number]>) {
      out.ts.push(ts);
      out.values.push(v);
    }
    out.rawCount = out.ts.length;
    return out;
  }

  private rawSeries(
    id: number,
    q: RangeQuery & { points: number },
    hi: number,
    nb: number,
    out: Series,
  ): Series {
    const head = this.stmts.rawHead.all(id, q.from, hi, q.points + 1) as [number, number][];
    if (head.length <= q.points) {
      for (const [ts, v] of head) {
        out.ts.push(ts);
        out.values.push(v);
      }
      out.rawCount = head.length;
      return out;
    }
    // Too many rows for the points: bucket them in SQL, which scans far faster than JS iterates.
    // With min() or max() alone, SQLite's bare column (ts) comes from the row holding the extreme.
    const bw = Math.ceil((hi - q.from) / nb);
    const acc = new MinMaxBuckets(q.from, bw, nb);
    const args = { series: id, lo: q.from, hi, start: q.from, bw };
    for (const [b, n, v, ts] of this.stmts.rawMin.all(args) as number[][])
      acc.add(q.from + b! * bw, n!, v!, ts!, -Infinity, 0);
    for (const [b, v, ts] of this.stmts.rawMax.all(args) as number[][])
      acc.add(q.from + b! * bw, 0, Infinity, 0, v!, ts!);
    acc.emit(out);
    return out;
  }

  /** Count, min, max and mean over the range; exact, read from rollups plus the raw edges. */
  stats(q: RangeQuery): RangeStats {
    const id = this.store.seriesId(q.deviceId, q.metric);
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    if (id !== undefined && q.to >= q.from) {
      for (const seg of plan(q.from, q.to + 1, [...TIERS].reverse())) {
        const row =
          seg.width === 0
            ? this.stmts.rawStats.get(id, seg.lo, seg.hi)
            : this.stmts.tierStats.get(seg.width, id, seg.lo, seg.hi);
        const [n, s, lo, hi] = row as [number | null, number | null, number | null, number | null];
        if (!n) continue;
        count += n;
        sum += s!;
        min = Math.min(min, lo!);
        max = Math.max(max, hi!);
      }
    }
    if (count === 0) return { count: 0, min: null, max: null, avg: null };
    return { count, min, max, avg: sum / count };
  }

  /** The newest stored reading of each metric of a device. */
  latest(deviceId: string): LatestReading[] {
    const rows = this.stmts.latest.all(deviceId) as {
      metric: string;
      ts: number;
      value: number | null;
      status: number | null;
    }[];
    return rows
      .filter((r) => isMetric(r.metric))
      .map((r) => ({
        metric: r.metric as Metric,
        ts: r.ts,
        value: r.value,
        unit: unitOf(r.metric as Metric),
        status: statusName(r.status),
      }));
  }
}

/** Per output bucket: count, and the lowest and highest point with their timestamps. */
class MinMaxBuckets {
  private readonly n: Float64Array;
  private readonly vmin: Float64Array;
  private readonly tmin: Float64Array;
  private readonly vmax: Float64Array;
  private readonly tmax: Float64Array;

  constructor(
    private readonly start: number,
    private readonly width: number,
    size: number,
  ) {
    this.n = new Float64Array(size);
    this.vmin = new Float64Array(size).fill(Infinity);
    this.tmin = new Float64Array(size);
    this.vmax = new Float64Array(size).fill(-Infinity);
    this.tmax = new Float64Array(size);
  }

  /** Readings folded in so far. */
  total = 0;

  /** `at` places the item (a raw ts or a rollup bucket start); the rest describes it. */
  add(at: number, n: number, vmin: number, tmin: number, vmax: number, tmax: number): void {
    const i = Math.min(this.n.length - 1, Math.floor((at - this.start) / this.width));
    this.n[i] += n;
    this.total += n;
    if (vmin < this.vmin[i]! || (vmin === this.vmin[i] && tmin < this.tmin[i]!)) {
      this.vmin[i] = vmin;
      this.tmin[i] = tmin;
    }
    if (vmax > this.vmax[i]! || (vmax === this.vmax[i] && tmax < this.tmax[i]!)) {
      this.vmax[i] = vmax;
      this.tmax[i] = tmax;
    }
  }

  emit(out: Series): void {
    for (let i = 0; i < this.n.length; i++) {
      if (this.n[i] === 0) continue;
      const a = { t: this.tmin[i]!, v: this.vmin[i]! };
      const b = { t: this.tmax[i]!, v: this.vmax[i]! };
      const [first, second] = a.t <= b.t ? [a, b] : [b, a];
      out.ts.push(first.t);
      out.values.push(first.v);
      if (second.t !== first.t) {
        out.ts.push(second.t);
        out.values.push(second.v);
      }
    }
    out.rawCount = this.total;
  }
}
