/**
 * Pre-aggregated buckets per series. Widths nest (each divides the next), so a range splits into
 * whole buckets of the coarsest fitting width plus finer pieces at the edges, down to raw rows:
 * `plan()` gives an exact decomposition, and stats or min/max downsampling over it are exact.
 */
export const TIERS = [60_000, 600_000, 3_600_000] as const;

export interface Bucket {
  n: number;
  sum: number;
  vmin: number;
  tmin: number;
  vmax: number;
  tmax: number;
}

/** A piece of a range: [lo, hi) read from a rollup tier (width) or from raw rows (width 0). */
export interface Segment {
  width: number;
  lo: number;
  hi: number;
}

/**
 * Splits [lo, hi) into segments: whole buckets of the widest tier in `tiers` (widest first) that
 * fit, and recursively finer tiers, then raw rows, for the ragged edges.
 */
export function plan(lo: number, hi: number, tiers: readonly number[]): Segment[] {
  if (lo >= hi) return [];
  if (tiers.length === 0) return [{ width: 0, lo, hi }];
  const [w, ...rest] = tiers as [number, ...number[]];
  const a = Math.ceil(lo / w) * w;
  const b = Math.floor(hi / w) * w;
  if (a >= b) return plan(lo, hi, rest);
  return [...plan(lo, a, rest), { width: w, lo: a, hi: b }, ...plan(b, hi, rest)];
}

/** Tiers no wider than `maxWidth`, widest first. */
export function tiersUpTo(maxWidth: number): number[] {
  return TIERS.filter((w) => w <= maxWidth).reverse();
}

export type Stored = Bucket & { tier: number; series: number; bucket: number };

/** Folds values into per-tier bucket deltas keyed by `${tier}:${series}:${bucketStart}`. */
export class RollupAccumulator {
  readonly buckets = new Map<string, Stored & { due?: boolean }>();
  /** Per series, the delta each tier touched last: rows come mostly in time order, so this hits. */
  private readonly recent = new Map<number, (Stored | undefined)[]>();

  add(series: number, ts: number, value: number, tiers: readonly number[] = TIERS): void {
    let recent = this.recent.get(series);
    if (!recent) this.recent.set(series, (recent = []));
    for (let t = 0; t < tiers.length; t++) {
      const tier = tiers[t]!;
      const bucket = Math.floor(ts / tier) * tier;
      let b = recent[t];
      if (b === undefined || b.bucket !== bucket) {
        const key = `${tier}:${series}:${bucket}`;
        b = this.buckets.get(key);
        if (!b) {
          b = { tier, series, bucket, n: 0, sum: 0, vmin: value, tmin: ts, vmax: value, tmax: ts };
          this.buckets.set(key, b);
        }
        recent[t] = b;
      }
      b.n++;
      b.sum += value;
      if (value < b.vmin || (value === b.vmin && ts < b.tmin)) {
        b.vmin = value;
        b.tmin = ts;
      }
      if (value > b.vmax || (value === b.vmax && ts < b.tmax)) {
        b.vmax = value;
        b.tmax = ts;
      }
    }
  }

  /** The delta of one bucket, if any is pending. */
  get(tier: number, series: number, bucket: number): (Stored & { due?: boolean }) | undefined {
    return this.buckets.get(`${tier}:${series}:${bucket}`);
  }

  /** Forgets a written delta (and the shortcut to it). */
  delete(b: Stored): void {
    this.buckets.delete(`${b.tier}:${b.series}:${b.bucket}`);
    const recent = this.recent.get(b.series);
    if (recent) for (let t = 0; t < recent.length; t++) if (recent[t] === b) recent[t] = undefined;
  }

  /** Drops every pending delta of one series. */
  deleteSeries(series: number): void {
    for (const [key, b] of this.buckets) if (b.series === series) this.buckets.delete(key);
    this.recent.delete(series);
  }

  clear(): void {
    this.buckets.clear();
    this.recent.clear();
  }
}

/** Upsert merging a batch's partial bucket into the stored one (SET reads the old row values). */
export const UPSERT_ROLLUP = `
  INSERT INTO rollups (tier, series, bucket, n, sum, vmin, tmin, vmax, tmax)
  VALUES (@tier, @series, @bucket, @n, @sum, @vmin, @tmin, @vmax, @tmax)
  ON CONFLICT (tier, series, bucket) DO UPDATE SET
    n = n + excluded.n,
    sum = sum + excluded.sum,
    tmin = CASE WHEN excluded.vmin < vmin OR (excluded.vmin = vmin AND excluded.tmin < tmin)
                THEN excluded.tmin ELSE tmin END,
    vmin = min(vmin, excluded.vmin),
    tmax = CASE WHEN excluded.vmax > vmax OR (excluded.vmax = vmax AND excluded.tmax < tmax)
                THEN excluded.tmax ELSE tmax END,
    vmax = max(vmax, excluded.vmax)`;
