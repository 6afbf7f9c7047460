import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import {
  ManualNetworkMonitor,
  type NetworkMonitor,
} from '../../../src/main/engine/scheduler/network.js';
import type { JobSpec } from '../../../src/main/engine/services.js';
import type { JobState } from '../../../src/shared/contract/index.js';
import { formatLastSync } from '../../../src/shared/format.js';
import { ManualClock, settle } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

const S = 1000;
const MIN = 60 * S;
const TICK = 30 * S;

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup(network: NetworkMonitor = new ManualNetworkMonitor(true)) {
  const clock = new ManualClock();
  let sched!: SchedulerService;
  t = await createTestEngine({
    clock,
    compose: (ctx) => [(sched = new SchedulerService(ctx, { network, tickMs: TICK }))],
  });
  const state = (name: string): JobState => sched.list().find((j) => j.name === name)!;
  return { t, clock, sched, state, power: t.ports.power, t0: clock.now() };
}

interface Probe {
  spec: JobSpec;
  /** Clock times at which runs started. */
  runs: number[];
  maxActive: number;
  signals: AbortSignal[];
}

/** A job that records its runs; `fail(n)` decides whether run n (1-based) throws. */
function probe(
  clock: ManualClock,
  spec: Partial<JobSpec> & { name: string },
  behave: { fail?: (n: number) => boolean; durationMs?: number; ignoreAbort?: Promise<void> } = {},
): Probe {
  const p: Probe = { runs: [], maxActive: 0, signals: [], spec: undefined as unknown as JobSpec };
  let active = 0;
  p.spec = {
    kind: 'periodic',
    everyMs: MIN,
    ...spec,
    run: async (signal) => {
      p.runs.push(clock.now());
      p.signals.push(signal);
      active += 1;
      p.maxActive = Math.max(p.maxActive, active);
      try {
        if (behave.ignoreAbort) await behave.ignoreAbort;
        if (behave.durationMs) {
          await new Promise<void>((resolve, reject) => {
            const h = clock.setTimeout(resolve, behave.durationMs!);
            signal.addEventListener('abort', () => {
              clock.clearTimeout(h);
              reject(signal.reason as Error);
            });
          });
        }
        if (behave.fail?.(p.runs.length)) throw new Error(`device away (run ${p.runs.length})`);
      } finally {
        active -= 1;
      }
    },
  };
  return p;
}

const gaps = (xs: number[]): number[] => xs.slice(1).map((x, i) => x - xs[i]!);

describe('scheduler', () => {
  it('runs a periodic job after its initial delay, then every period', async () => {
    const { clock, sched, state, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: 10 * MIN, initialDelayMs: 30 * S });
    sched.register(p.spec);
    expect(state('pull')).toMatchObject({ state: 'idle', nextRun: t0 + 30 * S, lastRun: null });
    await clock.advance(30 * S + 21 * MIN);
    expect(p.runs).toEqual([t0 + 30 * S, t0 + 30 * S + 10 * MIN, t0 + 30 * S + 20 * MIN]);
    expect(state('pull')).toMatchObject({
      lastSuccess: t0 + 30 * S + 20 * MIN,
      nextRun: t0 + 30 * S + 30 * MIN,
      failures: 0,
    });
  });

  it('retries a failing one-off job with exponential backoff up to the cap', async () => {
    const { clock, sched, state } = await setup();
    const p = probe(
      clock,
      {
        name: 'upload',
        kind: 'oneoff',
        backoff: { policy: 'exponential', baseMs: S, capMs: 5 * S },
      },
      { fail: (n) => n <= 6 },
    );
    sched.register(p.spec);
    await clock.advance(S + 2 * S + 4 * S + 5 * S + 5 * S + 5 * S);
    expect(gaps(p.runs)).toEqual([S, 2 * S, 4 * S, 5 * S, 5 * S, 5 * S]);
    expect(state('upload')).toMatchObject({ failures: 0, nextRun: null, state: 'idle' });
    expect(state('upload').lastError).toBeUndefined();
    await clock.advance(10 * MIN);
    expect(p.runs).toHaveLength(7); // a one-off job that succeeded never runs again
  });

  it('backs a periodic job off linearly, reports the failure, and returns to its period', async () => {
    const { t, clock, sched, state } = await setup();
    const p = probe(
      clock,
      { name: 'ble-pull:aa', backoff: { policy: 'linear', baseMs: 10 * S, capMs: 25 * S } },
      { fail: (n) => n <= 4 },
    );
    sched.register(p.spec);
    await clock.advance(0);
    await clock.advance(10 * S + 20 * S + 25 * S);
    expect(state('ble-pull:aa')).toMatchObject({ failures: 4, lastError: 'device away (run 4)' });
    expect(t.engine.status().health).toBe('attention');
    expect(t.engine.status().healthReasons.join()).toContain('ble-pull:aa failing');
    await clock.advance(25 * S + MIN);
    expect(gaps(p.runs)).toEqual([10 * S, 20 * S, 25 * S, 25 * S, MIN]);
    expect(state('ble-pull:aa').failures).toBe(0);
    expect(t.engine.status().health).toBe('ok');
  });

  it('holds a job that needs the network until the network is back', async () => {
    const net = new ManualNetworkMonitor(false);
    const { clock, sched, state } = await setup(net);
    const p = probe(clock, { name: 'mqtt-drain', constraints: { network: true } });
    sched.register(p.spec);
    await clock.advance(5 * MIN);
    expect(p.runs).toHaveLength(0);
    expect(state('mqtt-drain')).toMatchObject({ state: 'waiting', blockedBy: 'network' });
    net.set(true);
    await settle();
    expect(p.runs).toEqual([clock.now()]);
    expect(state('mqtt-drain').blockedBy).toBeUndefined();
  });

  it('notices a regained network without a change signal on its next tick', async () => {
    let online = false;
    const { clock, sched } = await setup({ isOnline: () => online });
    const p = probe(clock, { name: 'net-job', constraints: { network: true } });
    sched.register(p.spec);
    await clock.advance(2 * TICK);
    expect(p.runs).toHaveLength(0);
    online = true;
    const back = clock.now();
    await clock.advance(TICK);
    expect(p.runs).toHaveLength(1);
    expect(p.runs[0]! - back).toBeLessThanOrEqual(TICK);
  });

  it('holds an AC-only job on battery, runs it when plugged in, and lets runNow override', async () => {
    const { clock, sched, state, power } = await setup();
    power.setOnBattery(true);
    const p = probe(clock, { name: 'vacuum', constraints: { acPower: true } });
    sched.register(p.spec);
    await clock.advance(3 * MIN);
    expect(p.runs).toHaveLength(0);
    expect(state('vacuum')).toMatchObject({ state: 'waiting', blockedBy: 'ac_power' });
    await sched.runNow('vacuum');
    expect(p.runs).toHaveLength(1); // the user asked explicitly
    power.setOnBattery(false);
    await clock.advance(MIN);
    expect(p.runs).toHaveLength(2);
  });

  it('runs overdue jobs at once after a system resume', async () => {
    const { clock, sched, power, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: 15 * MIN });
    sched.register(p.spec);
    await clock.advance(0);
    expect(p.runs).toEqual([t0]);
    // The machine sleeps for two hours: no timer fires, then the OS reports the resume.
    clock.jump(2 * 60 * MIN);
    power.emitResume();
    await settle();
    expect(p.runs).toEqual([t0, t0 + 120 * MIN]);
  });

  it('does not wait out a wall clock that moved back', async () => {
    const { clock, sched, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: 5 * MIN });
    sched.register(p.spec);
    await clock.advance(0);
    clock.jump(-24 * 60 * MIN);
    await clock.advance(5 * MIN + TICK);
    expect(p.runs).toHaveLength(2);
    expect(p.runs[1]!).toBeLessThan(t0); // ran within its period on the new, earlier clock
  });

  it('stretches periodic jobs on battery and follows the configured factor', async () => {
    const { t, clock, sched, state, power, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: 10 * MIN });
    sched.register(p.spec);
    await clock.advance(0);
    power.setOnBattery(true);
    expect(state('pull').nextRun).toBe(t0 + 20 * MIN); // default factor 2
    t.engine.settings.update({ schedule: { batteryStretch: 3 } });
    expect(state('pull').nextRun).toBe(t0 + 30 * MIN);
    await clock.advance(31 * MIN);
    expect(p.runs).toEqual([t0, t0 + 30 * MIN]);
    expect(state('pull').nextRun).toBe(t0 + 60 * MIN);
    power.setOnBattery(false);
    expect(state('pull').nextRun).toBe(t0 + 40 * MIN);
  });

  it('refuses an invalid schedule setting with the reason and keeps the current rhythm', async () => {
    const { t, clock, sched, state, power, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: 10 * MIN });
    sched.register(p.spec);
    await clock.advance(0);
    power.setOnBattery(true);
    const bad = await t.engine.request('updateSettings', { schedule: { batteryStretch: 0.5 } });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'schedule.batteryStretch' },
    });
    expect(bad.ok || bad.error.message).toMatch(/schedule\.batteryStretch: .*1/);
    expect(state('pull').nextRun).toBe(t0 + 20 * MIN);
    await clock.advance(20 * MIN);
    expect(p.runs).toEqual([t0, t0 + 20 * MIN]);
  });

  it('aborts a run at its timeout and never starts a second run while the first winds down', async () => {
    const { clock, sched, state } = await setup();
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const p = probe(
      clock,
      { name: 'slow', everyMs: MIN, timeoutMs: 5 * S },
      { ignoreAbort: stuck },
    );
    sched.register(p.spec);
    await clock.advance(5 * S);
    expect(p.signals[0]!.aborted).toBe(true);
    expect(state('slow')).toMatchObject({ failures: 1, lastError: 'timed out after 5000 ms' });
    // Its handler ignores the abort: past the next due time, still no second run.
    await clock.advance(2 * MIN);
    await sched.runNow('slow');
    expect(p.runs).toHaveLength(1);
    const released = clock.now();
    release();
    await settle();
    // Overdue since the timeout's planned retry, so it runs as soon as the first run is over.
    expect(p.runs).toEqual([p.runs[0], released]);
    expect(p.maxActive).toBe(1);
  });

  it('joins concurrent runNow, syncNow and scheduled runs into one run', async () => {
    const { t, clock, sched } = await setup();
    const p = probe(clock, { name: 'ble-pull:bb', everyMs: 20 * S }, { durationMs: 40 * S });
    sched.register(p.spec);
    await clock.advance(0);
    const a = sched.runNow('ble-pull:bb');
    const b = t.engine.request('runJob', { name: 'ble-pull:bb' });
    expect(await t.engine.syncNow()).toEqual(['ble-pull:bb']);
    let done = 0;
    void a.then(() => done++);
    void b.then(() => done++);
    await clock.advance(39 * S);
    expect(done).toBe(0);
    await clock.advance(S);
    expect(done).toBe(2);
    expect(p.runs).toHaveLength(1);
    await clock.advance(2 * MIN);
    expect(p.maxActive).toBe(1);
    expect(gaps(p.runs).every((g) => g >= 60 * S)).toBe(true); // 40 s run + 20 s period
  });

  it('pauses everything and catches up on resume', async () => {
    const { t, clock, sched, state, t0 } = await setup();
    const p = probe(clock, { name: 'pull', everyMs: MIN });
    sched.register(p.spec);
    await clock.advance(0);
    expect((await t.engine.request('setPaused', { paused: true })).ok).toBe(true);
    expect(state('pull').state).toBe('paused');
    await clock.advance(10 * MIN);
    expect(p.runs).toEqual([t0]);
    await t.engine.request('setPaused', { paused: false });
    await settle();
    expect(p.runs).toEqual([t0, t0 + 10 * MIN]);
    expect(state('pull').state).toBe('idle');
  });

  it('reports job states, the last sync and answers listJobs', async () => {
    const { t, clock, sched, t0 } = await setup();
    sched.register(probe(clock, { name: 'ble-pull:cc', everyMs: 15 * MIN }).spec);
    sched.register(probe(clock, { name: 'housekeeping', everyMs: 24 * 60 * MIN }).spec);
    sched.register(
      probe(clock, { name: 'scale', kind: 'oneoff', sync: true, initialDelayMs: MIN }).spec,
    );
    await clock.advance(0);
    expect(t.engine.status().lastSyncAt).toBe(t0);
    await clock.advance(MIN);
    expect(t.engine.status().lastSyncAt).toBe(t0 + MIN);
    expect(formatLastSync(clock.now() + 3 * MIN, t.engine.status().lastSyncAt)).toBe(
      'Last sync 3 min ago',
    );
    const res = await t.engine.request('listJobs', {});
    expect(res.ok && (res.value as JobState[]).map((j) => [j.name, j.sync])).toEqual([
      ['ble-pull:cc', true],
      ['housekeeping', false],
      ['scale', true],
    ]);
    const pushed = t.batches.flatMap((b) => b.jobs ?? []);
    expect(pushed.some((j) => j.name === 'housekeeping' && j.lastSuccess === t0)).toBe(true);
    const missing = await t.engine.request('runJob', { name: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', field: 'name' } });
    sched.unregister('housekeeping');
    expect(t.engine.status().jobs.map((j) => j.name)).toEqual(['ble-pull:cc', 'scale']);
  });
});
