import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './connection.js';

const DEFAULT = { baseMs: 1000, capMs: 30_000 };

describe('reconnectDelay', () => {
  it('never waits more than the cap, jitter included', () => {
    for (const attempt of [0, 1, 4, 5, 6, 10, 100, Infinity])
      for (const r of [0, 0.25, 0.5, 0.75, 0.999999])
        expect(reconnectDelay(attempt, DEFAULT, r)).toBeLessThanOrEqual(30_000);
    // A refusal waits the longest delay: up to the cap, and still spread (not all at 30 s).
    expect(reconnectDelay(Infinity, DEFAULT, 0.999999)).toBe(30_000);
    expect(reconnectDelay(Infinity, DEFAULT, 0)).toBe(20_000);
  });

  it('starts at the base, ±20 %, and doubles', () => {
    expect(reconnectDelay(0, DEFAULT, 0)).toBe(800);
    expect(reconnectDelay(0, DEFAULT, 0.5)).toBe(1000);
    expect(reconnectDelay(3, DEFAULT, 0.5)).toBe(8000);
    expect(reconnectDelay(4, DEFAULT, 0.5)).toBe(16_000);
    expect(reconnectDelay(5, DEFAULT, 0.5)).toBe(25_000);
  });
});
