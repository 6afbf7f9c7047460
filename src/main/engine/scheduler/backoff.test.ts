import { describe, expect, it } from 'vitest';
import { effectiveInterval, isSyncJob } from './backoff.js';

describe('backoff', () => {
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
