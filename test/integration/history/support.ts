import type { Clock } from '../../../src/main/engine/ports.js';
import {
  HistoryService,
  type HistoryServiceOptions,
} from '../../../src/main/engine/history/history-service.js';
import type { Reading } from '../../../src/shared/model.js';
import type { Metric } from '../../../src/shared/metrics.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

export type HistoryEngine = TestEngine & { history: HistoryService };

/** A real engine composed of the history service only, over real ports in a temp dir. */
export async function historyEngine(
  opts: { dir?: string; clock?: Clock; history?: HistoryServiceOptions } = {},
): Promise<HistoryEngine> {
  let history: HistoryService | undefined;
  const t = await createTestEngine({
    dir: opts.dir,
    clock: opts.clock,
    compose: (ctx) => [(history = new HistoryService(ctx, opts.history))],
  });
  return { ...t, history: history! };
}

export const T0 = Date.UTC(2026, 0, 1);

export function reading(
  ts: number,
  value: number | null,
  over: Partial<Reading> & { metric?: Metric } = {},
): Reading {
  return {
    deviceId: 'aa:bb:cc:dd:ee:01',
    metric: 'heart_rate',
    value,
    unit: 'bpm',
    ts,
    source: 'ble',
    ...over,
  };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const countRows = (h: HistoryService): number =>
  h.db!.prepare('SELECT count(*) FROM readings').pluck().get() as number;
