import { describe, expect, it } from 'vitest';
import { EventBatcher } from './batcher.js';
import type { Clock } from './ports.js';
import type { EventBatch } from '../../shared/contract/index.js';

/** A clock that only moves when the test says so. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
  return clock;
}

describe('EventBatcher', () => {
  it('delivers at most one batch per window per subscriber', () => {
    const clock = manualClock();
    const b = new EventBatcher(clock, 50);
    const got: EventBatch[] = [];
    b.subscribe((x) => got.push(x));
    for (let i = 0; i < 100; i++)
      b.emit('readings', [
        { deviceId: 'd', metric: 'heart_rate', value: i, unit: 'bpm', ts: i, source: 't' },
      ]);
    expect(got).toHaveLength(0);
    clock.advance(0);
    expect(got).toHaveLength(1);
    expect(got[0].readings).toHaveLength(100);
    b.emit('status', { state: 'running' } as never);
    clock.advance(10);
    expect(got).toHaveLength(1);
    clock.advance(40);
    expect(got).toHaveLength(2);
  });

  it('keeps the latest status and isolates a throwing subscriber', () => {
    const clock = manualClock();
    const b = new EventBatcher(clock, 50);
    const got: EventBatch[] = [];
    b.subscribe(() => {
      throw new Error('closed socket');
    });
    b.subscribe((x) => got.push(x));
    b.emit('status', { state: 'starting' } as never);
    b.emit('status', { state: 'running' } as never);
    clock.advance(0);
    expect(got).toEqual([{ status: { state: 'running' } }]);
  });
});
