import { describe, expect, it } from 'vitest';
import { formatAgo, formatLastSync } from './format.js';

describe('formatLastSync', () => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  it('says never when there was no sync', () => {
    expect(formatLastSync(now, null)).toBe('Never synced');
    expect(formatLastSync(now, undefined)).toBe('Never synced');
  });
  it('rounds down to minutes, hours and days', () => {
    expect(formatLastSync(now, now - 20_000)).toBe('Last sync just now');
    expect(formatLastSync(now, now - 3 * 60_000 - 59_000)).toBe('Last sync 3 min ago');
    expect(formatLastSync(now, now - 2 * 3_600_000)).toBe('Last sync 2 h ago');
    expect(formatLastSync(now, now - 86_400_000)).toBe('Last sync 1 day ago');
    expect(formatLastSync(now, now - 5 * 86_400_000)).toBe('Last sync 5 days ago');
  });
  it('treats a sync stamped in the future (clock moved back) as just now', () => {
    expect(formatAgo(now, now + 60_000)).toBe('just now');
  });
});
