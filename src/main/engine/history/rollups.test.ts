import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan, RollupAccumulator, TIERS, tiersUpTo } from './rollups.js';

describe('plan', () => {
  it('splits a range into contiguous, aligned segments covering it exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e13 }),
        fc.integer({ min: 0, max: 1e10 }),
        (lo, len) => {
          const hi = lo + len;
          const segs = plan(lo, hi, [...TIERS].reverse());
          let at = lo;
          for (const s of segs) {
            expect(s.lo).toBe(at);
            expect(s.hi).toBeGreaterThan(s.lo);
            if (s.width > 0) {
              expect(s.lo % s.width).toBe(0);
              expect(s.hi % s.width).toBe(0);
            }
            at = s.hi;
          }
          expect(at).toBe(len === 0 ? lo : hi);
        },
      ),
    );
  });

  it('uses the widest tier for the middle and raw rows only at the ragged edges', () => {
    const segs = plan(30_000, 7_230_000, [...TIERS].reverse());
    expect(segs).toEqual([
      { width: 0, lo: 30_000, hi: 60_000 },
      { width: 60_000, lo: 60_000, hi: 600_000 },
      { width: 600_000, lo: 600_000, hi: 3_600_000 },
      { width: 3_600_000, lo: 3_600_000, hi: 7_200_000 },
      { width: 0, lo: 7_200_000, hi: 7_230_000 },
    ]);
  });

  it('selects tiers no wider than a bucket', () => {
    expect(tiersUpTo(59_999)).toEqual([]);
    expect(tiersUpTo(700_000)).toEqual([600_000, 60_000]);
  });
});

describe('RollupAccumulator', () => {
  it('keeps count, sum and the first timestamp of each extreme per tier bucket', () => {
    const acc = new RollupAccumulator();
    acc.add(1, 0, 5);
    acc.add(1, 1000, 9);
    acc.add(1, 2000, 1);
    acc.add(1, 3000, 9);
    acc.add(1, 61_000, 4);
    const minute0 = acc.buckets.get('60000:1:0')!;
    expect(minute0).toMatchObject({ n: 4, sum: 24, vmin: 1, tmin: 2000, vmax: 9, tmax: 1000 });
    expect(acc.buckets.get('60000:1:60000')).toMatchObject({ n: 1, vmin: 4, vmax: 4 });
    expect(acc.buckets.get('3600000:1:0')).toMatchObject({ n: 5, sum: 28 });
  });
});
