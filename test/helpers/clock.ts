import type { Clock } from '../../src/main/engine/ports.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** Lets promise chains started by a timer (job runs, their completions) settle. */
export const settle = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
};

/**
 * A controllable Clock for tests: time moves only when the test says so. Like a real machine it
 * keeps two times: timers run on a monotonic time, `now()` is the wall clock. `advance(ms)` moves
 * both, firing the timers that fall due in order and letting promises settle after each, so a job
 * that completes and schedules its next run sees the time at which it completed. `jump(ms)` moves
 * only the wall clock (a changed system clock, or a machine that slept: Linux's monotonic clock
 * stops during suspend, so no timer fires for the time asleep).
 */
export class ManualClock implements Clock {
  private t: number;
  private offset = 0;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t + this.offset;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { id, due: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Pending timers (for assertions that nothing is left scheduled). */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order (bounded, so a runaway loop fails). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (let fired = 0; ; fired++) {
      if (fired > 1_000_000) throw new Error('ManualClock: more than 1e6 timers in one advance');
      const next = this.earliest();
      if (!next || next.due > end) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.due);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }

  /** Moves the wall clock by `ms` (may be negative); timers keep their monotonic due times. */
  jump(ms: number): void {
    this.offset += ms;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const tm of this.timers.values())
      if (!best || tm.due < best.due || (tm.due === best.due && tm.id < best.id)) best = tm;
    return best;
  }
}
