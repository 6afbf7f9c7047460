import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const o = { baseMs: 100, capMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(0, o, 0)).toBe(50);
    expect(backoffDelay(3, o, 0)).toBe(400);
  });

  it('always stays within [half, whole] of the capped exponential', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999999, noNaN: true }), (a, r) => {
        const d = backoffDelay(a, DEFAULT_BACKOFF, r);
        const exp = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** Math.min(a, 30));
        return d >= exp / 2 - 1 && d <= exp && d <= 60_000;
      }),
    );
  });
});
