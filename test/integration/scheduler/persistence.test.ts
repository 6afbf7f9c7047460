import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../../src/main/engine/context.js';
import { DB_FILE, HistoryService } from '../../../src/main/engine/history/history-service.js';
import { ManualNetworkMonitor } from '../../../src/main/engine/scheduler/network.js';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import type { JobSpec } from '../../../src/main/engine/services.js';
import type { JobState } from '../../../src/shared/contract/index.js';
import { formatLastSync } from '../../../src/shared/format.js';
import { ManualClock, settle } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

const S = 1000;
const MIN = 60 * S;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The app's data directory, shared by the engines of one test; fresh for each test. */
let dir: string | undefined;
const open: TestEngine[] = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const scheduler = (ctx: EngineContext, history?: HistoryService) =>
  new SchedulerService(ctx, { history, network: new ManualNetworkMonitor(true), tickMs: 30 * S });

/** An engine (history + scheduler, or the scheduler alone) on `dir`, its clock starting at `at`. */
async function boot(at: number, withHistory = true) {
  dir ??= mkdtempSync(join(tmpdir(), 'homebeat-jobs-'));
  const clock = new ManualClock(at);
  let sched!: SchedulerService;
  let history: HistoryService | undefined;
  const t = await createTestEngine({
    dir: dir!,
    clock,
    compose: (ctx) => {
      history = withHistory ? new HistoryService(ctx, { ownHousekeeping: false }) : undefined;
      sched = scheduler(ctx, history);
      // As the composition root does: the history's daily job runs on the scheduler.
      if (history) sched.register(history.housekeepingJob());
      return history ? [history, sched] : [sched];
    },
  });
  open.push(t);
  const state = (name: string): JobState => sched.list().find((j) => j.name === name)!;
  /** Stops this engine (the history database is closed), as quitting the app does. */
  const stop = async () => {
    open.splice(open.indexOf(t), 1);
    await t.engine.dispose();
  };
  return { t, clock, sched, history, state, stop };
}

/** A periodic job recording the clock time of each run; `fail(n)` makes run n (1-based) throw. */
function job(
  clock: ManualClock,
  spec: Partial<JobSpec> & { name: string },
  fail: (n: number) => boolean = () => false,
): { spec: JobSpec; runs: number[] } {
  const runs: number[] = [];
  return {
    runs,
    spec: {
      kind: 'periodic',
      everyMs: 15 * MIN,
      ...spec,
      run: async () => {
        runs.push(clock.now());
        if (fail(runs.length)) throw new Error(`device away (run ${runs.length})`);
      },
    },
  };
}

describe('scheduler: job state across a restart', () => {
  it('brings back last success, failures and last error, restores "Last sync", continues backoff', async () => {
    const a = await boot(T0);
    const backoff = { policy: 'exponential' as const, baseMs: 30 * S, capMs: 15 * MIN };
    const j1 = job(a.clock, { name: 'ble-pull:aa', backoff }, (n) => n === 2);
    a.sched.register(j1.spec);
    await a.clock.advance(15 * MIN); // run 1 at T0 succeeds, run 2 at T0 + 15 min fails
    expect(j1.runs).toEqual([T0, T0 + 15 * MIN]);
    expect(a.state('ble-pull:aa')).toMatchObject({ lastSuccess: T0, failures: 1 });
    await a.stop();

    const restart = T0 + 15 * MIN + 10 * S;
    const b = await boot(restart);
    // Before the BLE service registers its pull again, the tray already knows the last sync.
    expect(b.t.engine.status().lastSyncAt).toBe(T0);
    expect(formatLastSync(b.clock.now(), b.t.engine.status().lastSyncAt)).toBe(
      'Last sync 15 min ago',
    );
    const j2 = job(b.clock, { name: 'ble-pull:aa', backoff }, (n) => n === 1);
    b.sched.register(j2.spec);
    expect(b.state('ble-pull:aa')).toMatchObject({
      lastRun: T0 + 15 * MIN,
      lastSuccess: T0,
      failures: 1,
      lastError: 'device away (run 2)',
      // The first retry waits 30 s from the failure, as it would have without the restart.
      nextRun: T0 + 15 * MIN + 30 * S,
    });
    expect(b.t.engine.status().jobs.find((j) => j.name === 'ble-pull:aa')?.failures).toBe(1);
    // The history's own daily job registered during the history's start, before the scheduler's.
    expect(b.state('housekeeping')).toMatchObject({
      lastSuccess: T0 + 10 * MIN,
      nextRun: T0 + 10 * MIN + 24 * 60 * MIN,
    });
    await b.clock.advance(20 * S);
    expect(j2.runs).toEqual([T0 + 15 * MIN + 30 * S]);
    // The second consecutive failure backs off 60 s: the count went on from 1, not from 0.
    expect(b.state('ble-pull:aa')).toMatchObject({ failures: 2 });
    expect(b.state('ble-pull:aa').nextRun).toBe(T0 + 15 * MIN + 90 * S);
    await b.clock.advance(60 * S);
    expect(j2.runs).toEqual([T0 + 15 * MIN + 30 * S, T0 + 15 * MIN + 90 * S]);
    expect(b.state('ble-pull:aa')).toMatchObject({
      failures: 0,
      lastSuccess: T0 + 15 * MIN + 90 * S,
    });
    expect(b.state('ble-pull:aa').lastError).toBeUndefined();
    expect(b.t.engine.status().lastSyncAt).toBe(T0 + 15 * MIN + 90 * S);
    await b.stop();

    // What the table holds is what the last run recorded.
    const db = new Database(join(dir!, DB_FILE), { readonly: true });
    const rows = db.prepare("SELECT * FROM scheduler_jobs WHERE name = 'ble-pull:aa'").all();
    db.close();
    expect(rows).toEqual([
      {
        name: 'ble-pull:aa',
        last_run: T0 + 15 * MIN + 90 * S,
        last_success: T0 + 15 * MIN + 90 * S,
        failures: 0,
        last_error: null,
        sync: 1,
        updated: T0 + 15 * MIN + 90 * S,
      },
    ]);
  });

  it('runs an overdue periodic job at once (or after its own initial delay)', async () => {
    const a = await boot(T0);
    a.sched.register(job(a.clock, { name: 'pull' }).spec);
    a.sched.register(job(a.clock, { name: 'ble-pull:bb', initialDelayMs: 2 * S }).spec);
    await a.clock.advance(2 * S);
    expect(a.state('pull').lastSuccess).toBe(T0);
    expect(a.state('ble-pull:bb').lastSuccess).toBe(T0 + 2 * S);
    await a.stop();

    // The app was closed for an hour; both 15 min jobs are overdue.
    const restart = T0 + 60 * MIN;
    const b = await boot(restart);
    const pull = job(b.clock, { name: 'pull' });
    const ble = job(b.clock, { name: 'ble-pull:bb', initialDelayMs: 2 * S });
    b.sched.register(pull.spec);
    b.sched.register(ble.spec);
    // The remembered state shows at once (the overdue run has started, not yet ended).
    expect(b.state('pull')).toMatchObject({ state: 'running', lastRun: restart, lastSuccess: T0 });
    expect(b.state('ble-pull:bb')).toMatchObject({
      state: 'idle',
      lastRun: T0 + 2 * S,
      lastSuccess: T0 + 2 * S,
      nextRun: restart + 2 * S,
    });
    expect(b.t.engine.status().lastSyncAt).toBe(T0 + 2 * S);
    await settle();
    expect(pull.runs).toEqual([restart]);
    expect(ble.runs).toEqual([]);
    await b.clock.advance(2 * S);
    expect(ble.runs).toEqual([restart + 2 * S]);
    // And then the usual rhythm from these runs.
    expect(b.state('pull').nextRun).toBe(restart + 15 * MIN);
    expect(b.state('ble-pull:bb').nextRun).toBe(restart + 2 * S + 15 * MIN);
  });

  it('lets a job that ran 2 min before the restart wait the remaining 13', async () => {
    const a = await boot(T0);
    a.sched.register(job(a.clock, { name: 'pull' }).spec);
    await a.clock.advance(2 * MIN);
    await a.stop();

    const restart = T0 + 2 * MIN;
    const b = await boot(restart);
    const pull = job(b.clock, { name: 'pull' });
    b.sched.register(pull.spec);
    expect(b.state('pull')).toMatchObject({ lastRun: T0, lastSuccess: T0, nextRun: T0 + 15 * MIN });
    await b.clock.advance(13 * MIN - S);
    expect(pull.runs).toEqual([]);
    await b.clock.advance(S);
    expect(pull.runs).toEqual([T0 + 15 * MIN]);
  });

  it('stretches the remembered period on battery', async () => {
    const a = await boot(T0);
    a.sched.register(job(a.clock, { name: 'pull' }).spec);
    await a.clock.advance(S);
    await a.stop();

    const b = await boot(T0 + 20 * MIN);
    b.t.engine.settings.update({ schedule: { batteryStretch: 2 } });
    b.t.ports.power.setOnBattery(true);
    const pull = job(b.clock, { name: 'pull' });
    b.sched.register(pull.spec);
    // 15 min doubled: not overdue after 20 min, due 30 min after the last run.
    expect(b.state('pull').nextRun).toBe(T0 + 30 * MIN);
    await b.clock.advance(10 * MIN);
    expect(pull.runs).toEqual([T0 + 30 * MIN]);
  });

  it('resumes a job registered before the history database opened', async () => {
    const a = await boot(T0);
    a.sched.register(job(a.clock, { name: 'pull' }).spec);
    await a.clock.advance(S);
    await a.stop();

    // A service started before the history registers its job: state arrives at the scheduler's start.
    const clock = new ManualClock(T0 + 5 * MIN);
    const pull = job(clock, { name: 'pull' });
    let sched!: SchedulerService;
    const t = await createTestEngine({
      dir: dir!,
      clock,
      compose: (ctx) => {
        const history = new HistoryService(ctx);
        sched = scheduler(ctx, history);
        // Depends on nothing, so it starts first, as listed.
        const early = {
          name: 'early',
          start: () => sched.register(pull.spec),
          dispose: () => undefined,
        };
        return [early, history, sched];
      },
    });
    open.push(t);
    expect(sched.list().find((j) => j.name === 'pull')).toMatchObject({
      lastSuccess: T0,
      nextRun: T0 + 15 * MIN,
    });
    await clock.advance(10 * MIN);
    expect(pull.runs).toEqual([T0 + 15 * MIN]);
  });
});

describe('scheduler: job state without a history database', () => {
  it('works in memory without the history service, and forgets on restart', async () => {
    const a = await boot(T0, false);
    const j1 = job(a.clock, { name: 'sync:x' });
    a.sched.register(j1.spec);
    await a.clock.advance(15 * MIN);
    expect(j1.runs).toEqual([T0, T0 + 15 * MIN]);
    expect(a.t.engine.status().lastSyncAt).toBe(T0 + 15 * MIN);
    await a.stop();

    const b = await boot(T0 + 20 * MIN, false);
    expect(b.t.engine.status().lastSyncAt).toBeNull();
    const j2 = job(b.clock, { name: 'sync:x', initialDelayMs: MIN });
    b.sched.register(j2.spec);
    expect(b.state('sync:x')).toMatchObject({
      lastRun: null,
      lastSuccess: null,
      failures: 0,
      nextRun: T0 + 21 * MIN,
    });
    await b.clock.advance(MIN);
    expect(j2.runs).toEqual([T0 + 21 * MIN]);
  });

  it('works in memory when the history database is not open (a newer schema)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homebeat-jobs-'));
    const file = join(dir, DB_FILE);
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const a = await boot(T0);
    expect(a.history?.db).toBeUndefined();
    const j1 = job(a.clock, { name: 'pull' }, (n) => n === 1);
    a.sched.register(j1.spec);
    await a.clock.advance(15 * MIN);
    expect(j1.runs).toEqual([T0, T0 + 15 * MIN]);
    expect(a.state('pull')).toMatchObject({ failures: 0, lastSuccess: T0 + 15 * MIN });
    await a.stop();
    const again = new Database(file, { readonly: true });
    const tables = again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    again.close();
    expect(tables).toEqual([]);
  });
});
