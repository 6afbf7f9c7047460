import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import { ManualNetworkMonitor } from '../../../src/main/engine/scheduler/network.js';
import { linuxOnBattery, NodePowerEvents } from '../../../src/main/engine/node-ports.js';
import { composeServices } from '../../../src/main/engine/compose.js';
import { HOUSEKEEPING_JOB } from '../../../src/main/engine/history/history-service.js';
import type { JobSpec } from '../../../src/main/engine/services.js';
import type { JobState } from '../../../src/shared/contract/index.js';
import { ManualClock, settle } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

/**
 * Sleep and power (issue 14): jobs pause while the machine suspends; on battery periodic jobs
 * stretch and AC-only jobs wait, with the power source read the way serve reads it on Linux
 * (/sys/class/power_supply, here a fake tree).
 */
const S = 1000;
const MIN = 60 * S;
const DAY = 24 * 60 * MIN;

const trees: string[] = [];
afterAll(() => {
  for (const d of trees) rmSync(d, { recursive: true, force: true });
});

/** A fake /sys/class/power_supply: `supplies` maps a name to its attribute files. */
function supplyTree(supplies: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'hb-power-supply-'));
  trees.push(root);
  setSupplies(root, supplies);
  return root;
}
function setSupplies(root: string, supplies: Record<string, Record<string, string>>): void {
  for (const [name, attrs] of Object.entries(supplies)) {
    mkdirSync(join(root, name), { recursive: true });
    for (const [k, v] of Object.entries(attrs)) writeFileSync(join(root, name, k), `${v}\n`);
  }
}

const LAPTOP_ON_BATTERY = {
  AC: { type: 'Mains', online: '0' },
  BAT0: { type: 'Battery', status: 'Discharging', scope: 'System', capacity: '80' },
  // A wireless mouse's battery, discharging as always: not the machine's power.
  hidpp_battery_0: { type: 'Battery', status: 'Discharging', scope: 'Device' },
};

describe('the power source on Linux, from /sys/class/power_supply', () => {
  it('is battery when a system battery discharges and no adapter is online', () => {
    expect(linuxOnBattery(supplyTree(LAPTOP_ON_BATTERY))).toBe(true);
    expect(
      linuxOnBattery(supplyTree({ ...LAPTOP_ON_BATTERY, AC: { type: 'Mains', online: '1' } })),
    ).toBe(false);
    expect(
      linuxOnBattery(
        supplyTree({
          BAT1: { type: 'Battery', status: 'Charging' },
          ucsi: { type: 'USB', online: '1' },
        }),
      ),
    ).toBe(false);
    // A desktop with only a mouse battery, a server with none, a container without the folder.
    expect(linuxOnBattery(supplyTree({ mouse: LAPTOP_ON_BATTERY.hidpp_battery_0 }))).toBe(false);
    expect(linuxOnBattery(supplyTree({}))).toBe(false);
    expect(linuxOnBattery('/nonexistent/power_supply')).toBe(false);
  });

  it('is followed by the power events, which report each change', async () => {
    const root = supplyTree({ ...LAPTOP_ON_BATTERY, AC: { type: 'Mains', online: '1' } });
    const power = new NodePowerEvents(20, () => linuxOnBattery(root));
    const seen: boolean[] = [];
    power.onPowerSourceChange((b) => seen.push(b));
    power.start();
    try {
      expect(power.isOnBattery()).toBe(false);
      setSupplies(root, { AC: { type: 'Mains', online: '0' } });
      await until(() => seen.length === 1, 5000);
      expect(power.isOnBattery()).toBe(true);
      setSupplies(root, { AC: { type: 'Mains', online: '1' } });
      await until(() => seen.length === 2, 5000);
      expect(seen).toEqual([true, false]);
    } finally {
      power.stop();
    }
  });
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function counting(name: string, over: Partial<JobSpec> = {}): { spec: JobSpec; runs: number[] } {
  const runs: number[] = [];
  return {
    runs,
    spec: { name, kind: 'periodic', everyMs: 10 * MIN, ...over, run: async () => void 0 },
  };
}

describe('jobs through suspend and resume', () => {
  it('start nothing while the machine suspends, and catch up at once on resume', async () => {
    const clock = new ManualClock();
    let sched!: SchedulerService;
    t = await createTestEngine({
      clock,
      compose: (ctx) => [
        (sched = new SchedulerService(ctx, { network: new ManualNetworkMonitor() })),
      ],
    });
    const runs: number[] = [];
    sched.register({
      name: 'pull',
      kind: 'periodic',
      everyMs: 10 * MIN,
      run: async () => void runs.push(clock.now()),
    });
    await clock.advance(0);
    expect(runs).toHaveLength(1);
    t.ports.power.emitSuspend();
    // Timers still fire while the OS finishes suspending (and on a machine that never sleeps).
    await clock.advance(30 * MIN);
    expect(runs).toHaveLength(1);
    t.ports.power.emitResume();
    await settle();
    expect(runs).toHaveLength(2);
    await clock.advance(10 * MIN);
    expect(runs).toHaveLength(3);
  });
});

describe('jobs on battery, with the power source read from a fake /sys tree', () => {
  async function engine(root: string) {
    const clock = new ManualClock();
    const power = new NodePowerEvents(10, () => linuxOnBattery(root));
    let sched!: SchedulerService;
    t = await createTestEngine({
      clock,
      ports: { power } as never,
      compose: (ctx) => {
        const s = composeServices(ctx, { network: new ManualNetworkMonitor() });
        sched = s.scheduler;
        return [s.history, s.scheduler];
      },
    });
    power.start();
    const state = (name: string): JobState => sched.list().find((j) => j.name === name)!;
    return { clock, power, sched, state, t0: clock.now() };
  }

  it('stretches periodic pulls as the settings say, and back when plugged in', async () => {
    const root = supplyTree(LAPTOP_ON_BATTERY);
    const { clock, power, sched, state, t0 } = await engine(root);
    try {
      const pull = counting('ble-pull:aa', { sync: true });
      sched.register(pull.spec);
      await clock.advance(0);
      expect(power.isOnBattery()).toBe(true);
      expect(state('ble-pull:aa').nextRun).toBe(t0 + 20 * MIN); // batteryStretch 2 by default
      t!.engine.settings.update({ schedule: { batteryStretch: 4 } });
      expect(state('ble-pull:aa').nextRun).toBe(t0 + 40 * MIN);
      setSupplies(root, { AC: { type: 'Mains', online: '1' } });
      await until(() => !power.isOnBattery(), 5000);
      expect(state('ble-pull:aa').nextRun).toBe(t0 + 10 * MIN);
    } finally {
      power.stop();
    }
  });

  it('holds the housekeeping (vacuum, checkpoint) on battery: AC power, or three days late', async () => {
    const root = supplyTree(LAPTOP_ON_BATTERY);
    const { clock, power, state } = await engine(root);
    try {
      // Due ten minutes after start; on battery it waits.
      await clock.advance(11 * MIN);
      expect(state(HOUSEKEEPING_JOB)).toMatchObject({ state: 'waiting', blockedBy: 'ac_power' });
      expect(state(HOUSEKEEPING_JOB).lastRun).toBeNull();
      // Never plugged in: it runs anyway once three days overdue (retention must not wait forever).
      await clock.advance(3 * DAY);
      await until(() => state(HOUSEKEEPING_JOB).lastRun !== null, 5000);
      expect(state(HOUSEKEEPING_JOB).lastSuccess).not.toBeNull();
    } finally {
      power.stop();
    }
  });

  it('runs the housekeeping when the machine is plugged in', async () => {
    const root = supplyTree(LAPTOP_ON_BATTERY);
    const { clock, power, state } = await engine(root);
    try {
      await clock.advance(11 * MIN);
      expect(state(HOUSEKEEPING_JOB).state).toBe('waiting');
      setSupplies(root, { AC: { type: 'Mains', online: '1' } });
      await until(() => state(HOUSEKEEPING_JOB).lastSuccess !== null, 5000);
    } finally {
      power.stop();
    }
  });
});
