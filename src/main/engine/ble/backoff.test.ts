import { describe, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../../shared/backoff.js';
import { DEFAULT_BACKOFF } from './backoff.js';

describe('BLE reconnect backoff', () => {
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
