import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import { BleService, type BleServiceOptions } from '../../../src/main/engine/ble/service.js';
import { createSimWorld, radioOf, type SimWorld } from '../../../src/main/demo/radio/world.js';
import { HistoryService } from '../../../src/main/engine/history/history-service.js';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import type { EngineContext, EngineService } from '../../../src/main/engine/context.js';
import type { EventBatch, LogEntry } from '../../../src/shared/contract/index.js';
import type { Reading } from '../../../src/shared/model.js';
import type { SettingsInput } from '../../../src/shared/settings.js';
import type { Clock } from '../../../src/main/engine/ports.js';

export interface BleTest {
  t: TestEngine;
  world: SimWorld;
  ble: BleService;
  /** Undefined when started with `history: false`. */
  history: HistoryService | undefined;
  /** Every reading that reached the engine's reading stream, in order. */
  readings: Reading[];
  waitReading(pred: (r: Reading) => boolean, timeoutMs?: number): Promise<Reading>;
  waitLog(pred: (e: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** Like t.waitFor, but only batches pushed from now on count (not an earlier state). */
  waitNew(pred: (b: EventBatch) => boolean, timeoutMs?: number): Promise<EventBatch>;
  request<T>(method: string, input?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * A real engine over real noble over the simulated radio (fast ticks), with the history service
 * unless asked otherwise. Nothing of the engine is mocked.
 */
export async function startBle(
  opts: {
    settings?: SettingsInput['ble'];
    ble?: Partial<BleServiceOptions>;
    history?: boolean;
    /** Periodic pulls through the scheduler. */
    scheduler?: boolean;
    /** More services, built after the BLE service and given it. */
    extra?: ((ctx: EngineContext, ble: BleService) => EngineService)[];
    tickMs?: number;
    /** A controllable clock for the engine and the radio (time moves only when advanced). */
    clock?: Clock;
    /** The engine's data folder (kept after close); a fresh temporary one by default. */
    dir?: string;
  } = {},
): Promise<BleTest> {
  const world = createSimWorld({
    tickMs: opts.tickMs ?? 20,
    connectTimeoutMs: 200,
    clock: opts.clock,
  });
  let ble!: BleService;
  let history: HistoryService | undefined;
  const compose = (ctx: EngineContext): EngineService[] => {
    history = opts.history === false ? undefined : new HistoryService(ctx);
    const scheduler = opts.scheduler ? new SchedulerService(ctx, { history }) : undefined;
    ble = new BleService(ctx, {
      radio: radioOf(world),
      backoff: { baseMs: 20, capMs: 500 },
      timeouts: { connectMs: 1000, opMs: 1000, settleMs: 100 },
      presenceCheckMs: 100,
      ...opts.ble,
      history,
      scheduler,
    });
    const extra = (opts.extra ?? []).map((f) => f(ctx, ble));
    return [history, scheduler, ble, ...extra].filter((s) => s !== undefined);
  };
  const t = await createTestEngine({
    compose,
    start: false,
    batchMs: 10,
    clock: opts.clock,
    ...(opts.dir ? { dir: opts.dir } : {}),
  });
  if (opts.settings) t.engine.settings.update({ ble: opts.settings });
  const readings: Reading[] = [];
  const rWaiters = new Set<{ pred: (r: Reading) => boolean; resolve: (r: Reading) => void }>();
  t.engine.readings.subscribe((rs) => {
    readings.push(...rs);
    for (const w of rWaiters) {
      const hit = rs.find(w.pred);
      if (hit) {
        rWaiters.delete(w);
        w.resolve(hit);
      }
    }
  });
  await t.engine.start();
  const deadline = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([
      p,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms)),
    ]);
  return {
    ble,
    history,
    t,
    world,
    readings,
    waitReading(pred, timeoutMs = 10_000) {
      const seen = readings.find(pred);
      if (seen) return Promise.resolve(seen);
      return deadline(
        new Promise<Reading>((resolve) => rWaiters.add({ pred, resolve })),
        timeoutMs,
        'reading',
      );
    },
    async waitLog(pred, timeoutMs = 10_000) {
      const seen = t.engine.logging.entries({ limit: 2000 }).find(pred);
      if (seen) return seen;
      const b = await t.waitFor((x: EventBatch) => !!x.log?.some(pred), timeoutMs);
      return b.log!.find(pred)!;
    },
    waitNew(pred, timeoutMs) {
      const from = t.batches.length;
      return t.waitFor((x) => t.batches.indexOf(x) >= from && pred(x), timeoutMs);
    },
    async request<T>(method: string, input?: unknown) {
      const res = await t.engine.handle(method, input ?? {});
      if (!res.ok) throw new Error(`${method}: ${res.error.code}: ${res.error.message}`);
      return res.value as T;
    },
    async close() {
      await t.close();
      world.radio.dispose();
    },
  };
}

export const logOf = (msg: string, device?: string) => (e: LogEntry) =>
  e.msg === msg && (device === undefined || e.detail?.device === device);
