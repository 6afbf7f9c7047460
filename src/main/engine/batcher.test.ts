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

describe('event merging', () => {
  it('gives each subscriber its own coalesced copy and never changes the emitted arrays', () => {
    const clock = manualClock();
    const b = new EventBatcher(clock, 50);
    const a: EventBatch[] = [];
    const c: EventBatch[] = [];
    b.subscribe((x) => a.push(x));
    b.subscribe((x) => c.push(x));
    const r = (v: number) => ({
      deviceId: 'd',
      metric: 'heart_rate' as const,
      value: v,
      unit: 'bpm',
      ts: v,
      source: 't',
    });
    const first = [r(1)];
    const second = [r(2)];
    b.emit('readings', first);
    b.emit('readings', second);
    clock.advance(0);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(a[0].readings!.map((x) => x.value)).toEqual([1, 2]);
    expect(c[0].readings!.map((x) => x.value)).toEqual([1, 2]);
    expect(a[0].readings).not.toBe(c[0].readings);
  });

  it('keeps the newest of a long burst and bounds what one batch carries', () => {
    const clock = manualClock();
    const b = new EventBatcher(clock, 50);
    const got: EventBatch[] = [];
    b.subscribe((x) => got.push(x));
    for (let i = 0; i < 50_000; i++) {
      b.emit('readings', [
        { deviceId: 'd', metric: 'heart_rate', value: i, unit: 'bpm', ts: i, source: 't' },
      ]);
    }
    clock.advance(0);
    const list = got[0].readings!;
    expect(list.length).toBeLessThanOrEqual(10_000);
    expect(list.at(-1)!.value).toBe(49_999);
    // Contiguous newest values, in order.
    expect(list.every((x, i) => i === 0 || x.value === list[i - 1].value! + 1)).toBe(true);
  });

  it('folds device changes by id: a removal cancels an earlier upsert and a re-add cancels a removal', () => {
    const clock = manualClock();
    const b = new EventBatcher(clock, 50);
    const got: EventBatch[] = [];
    b.subscribe((x) => got.push(x));
    const dev = (id: string, name: string) => ({ id, name }) as never;
    b.emit('devicesChanged', { upserted: [dev('a', 'A1'), dev('b', 'B1')], removed: [] });
    b.emit('devicesChanged', { upserted: [dev('a', 'A2')], removed: ['b'] });
    b.emit('devicesChanged', { upserted: [], removed: ['c'] });
    b.emit('devicesChanged', { upserted: [dev('c', 'C1')], removed: [] });
    clock.advance(0);
    const d = got[0].devicesChanged!;
    expect(d.upserted.map((x) => `${x.id}:${x.name}`).sort()).toEqual(['a:A2', 'c:C1']);
    expect(d.removed).toEqual(['b']);
  });
});
