import { describe, expect, it } from 'vitest';
import { inWindow } from './time-window.js';

/** A local time on a fixed day, so the test holds in every time zone. */
const at = (h: number, m: number): number => new Date(2026, 2, 10, h, m).getTime();

describe('inWindow', () => {
  it('holds inside a same-day window, from inclusive and to exclusive', () => {
    const w = { from: '08:00', to: '17:30' };
    expect(
      [at(7, 59), at(8, 0), at(12, 0), at(17, 29), at(17, 30)].map((t) => inWindow(w, t)),
    ).toEqual([false, true, true, true, false]);
  });
  it('wraps midnight', () => {
    const w = { from: '22:00', to: '06:00' };
    expect(
      [at(21, 59), at(22, 0), at(23, 59), at(0, 0), at(5, 59), at(6, 0), at(12, 0)].map((t) =>
        inWindow(w, t),
      ),
    ).toEqual([false, true, true, true, true, false, false]);
  });
  it('always holds without a window', () => {
    expect(inWindow(undefined, at(3, 0))).toBe(true);
  });
});
