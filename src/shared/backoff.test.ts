import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, type BackoffOptions } from './backoff.js';

const random = fc.double({ min: 0, max: 0.999999, noNaN: true });
const jitters = fc.constantFrom<BackoffOptions['jitter']>('none', 'equal', 0.2, 0.25, 1);
const options = fc.record({
  baseMs: fc.nat(100_000),
  capMs: fc.nat(10_000_000),
  policy: fc.constantFrom<BackoffOptions['policy']>('exponential', 'linear', undefined),
});
const attempt = fc.oneof(fc.nat(2000), fc.constant(Infinity));

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap (equal jitter)', () => {
    const o = { baseMs: 100, capMs: 1000, jitter: 'equal' as const };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(0, o, 0)).toBe(50);
    expect(backoffDelay(3, o, 0)).toBe(400);
  });

  // The scheduler's retries: failure count n is attempt n - 1.
  it('grows linearly up to the cap', () => {
    const s = { policy: 'linear' as const, baseMs: 1000, capMs: 3500 };
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n - 1, s))).toEqual([
      1000, 2000, 3000, 3500, 3500,
    ]);
  });
  it('doubles up to the cap and never overflows', () => {
    const s = { policy: 'exponential' as const, baseMs: 1000, capMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n - 1, s))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(backoffDelay(5000 - 1, s)).toBe(10_000);
  });

  it('spreads ±fraction around the delay (MQTT 20 %, the dashboard 25 %); Infinity is the cap', () => {
    const o = { baseMs: 1000, capMs: 60_000, jitter: 0.2 };
    expect([0, 0.5, 0.999999].map((r) => backoffDelay(2, o, r))).toEqual([3200, 4000, 4800]);
    expect([0, 0.999999].map((r) => backoffDelay(Infinity, o, r))).toEqual([48_000, 72_000]);
    expect(backoffDelay(0, { baseMs: 300, capMs: 10_000, jitter: 0.25 }, 0)).toBe(225);
  });

  it('stays within [0, cap] without jitter or with equal jitter, within cap * (1 + f) with ±f', () => {
    fc.assert(
      fc.property(attempt, options, jitters, random, (a, o, jitter, r) => {
        const d = backoffDelay(a, { ...o, jitter }, r);
        const most = typeof jitter === 'number' ? Math.round(o.capMs * (1 + jitter)) : o.capMs;
        return Number.isInteger(d) && d >= 0 && d <= most;
      }),
    );
  });

  it('never shrinks from one attempt to the next without jitter', () => {
    fc.assert(
      fc.property(attempt, options, (a, o) => backoffDelay(a + 1, o) >= backoffDelay(a, o)),
    );
  });

  it('with equal jitter, stays within [half, whole] of the delay without', () => {
    fc.assert(
      fc.property(attempt, options, random, (a, o, r) => {
        const whole = backoffDelay(a, o);
        const d = backoffDelay(a, { ...o, jitter: 'equal' }, r);
        return d >= whole / 2 - 1 && d <= whole;
      }),
    );
  });
});
