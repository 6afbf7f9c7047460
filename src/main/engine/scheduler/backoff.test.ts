import { describe, expect, it } from 'vitest';
import { backoffDelay, effectiveInterval, isSyncJob } from './backoff.js';

describe('backoff', () => {
  it('grows linearly up to the cap', () => {
    const s = { policy: 'linear' as const, baseMs: 1000, capMs: 3500 };
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(s, n))).toEqual([1000, 2000, 3000, 3500, 3500]);
  });
  it('doubles up to the cap and never overflows', () => {
    const s = { policy: 'exponential' as const, baseMs: 1000, capMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(s, n))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(backoffDelay(s, 5000)).toBe(10_000);
  });
  it('stretches only on battery', () => {
    expect(effectiveInterval(60_000, false, 3)).toBe(60_000);
    expect(effectiveInterval(60_000, true, 3)).toBe(180_000);
  });
  it('recognises sync jobs by flag or prefix', () => {
    expect(isSyncJob({ name: 'ble-pull:aa' })).toBe(true);
    expect(isSyncJob({ name: 'housekeeping' })).toBe(false);
    expect(isSyncJob({ name: 'housekeeping', sync: true })).toBe(true);
    expect(isSyncJob({ name: 'ble-pull:aa', sync: false })).toBe(false);
  });
});
