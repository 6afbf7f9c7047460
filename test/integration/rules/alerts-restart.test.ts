import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, HistoryService } from '../../../src/main/engine/history/history-service.js';
import { RulesService, type RulesOptions } from '../../../src/main/engine/rules/rules-service.js';
import type { Alert } from '../../../src/shared/contract/index.js';
import { ManualClock } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

const S = 1000;
let t: TestEngine | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An engine with the history and the rules over it (as the composition root wires them). */
async function start(dir: string, clock: ManualClock, rules: Omit<RulesOptions, 'history'> = {}) {
  const te = await createTestEngine({
    dir,
    clock,
    compose: (ctx) => {
      const history = new HistoryService(ctx);
      return [history, new RulesService(ctx, { ...rules, history })];
    },
  });
  t = te;
  const alerts = async (limit = 100): Promise<Alert[]> => {
    const res = await te.engine.request('listAlerts', { limit });
    if (!res.ok) throw new Error(res.error.message);
    return res.value as Alert[];
  };
  /** One reading above the threshold per second: with no cooldown, one alert each. */
  const fire = async (n: number, value = 150) => {
    for (let i = 0; i < n; i++) {
      te.engine.readings.publish([
        {
          deviceId: 'strap',
          metric: 'heart_rate',
          value,
          unit: 'bpm',
          ts: clock.now(),
          source: 't',
        },
      ]);
      await clock.advance(S);
    }
  };
  return { te, alerts, fire };
}

const HR_RULE = {
  name: 'HR high',
  kind: 'threshold' as const,
  deviceId: 'strap',
  metric: 'heart_rate' as const,
  op: 'above' as const,
  value: 140,
  cooldownSec: 0,
  actions: [{ type: 'notify' as const }],
};

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'homebeat-alerts-'));
  dirs.push(d);
  return d;
}

describe('alerts across an engine restart', () => {
  it('are stored: listAlerts returns them after a restart, and new ones follow with new ids', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const first = await start(dir, clock);
    expect((await first.te.engine.request('saveRule', { rule: HR_RULE })).ok).toBe(true);
    first.te.engine.devices.upsert({ id: 'strap', name: 'Chest strap', online: true });
    await first.fire(2);
    const before = await first.alerts();
    expect(before).toHaveLength(2);
    expect(before[0]).toMatchObject({ ruleName: 'HR high', deviceId: 'strap', value: 150 });
    await first.te.engine.dispose();
    t = undefined;

    // Same data folder, same clock time: ids must not repeat what the first run stored.
    const second = await start(dir, new ManualClock());
    expect(await second.alerts()).toEqual(before);
    await second.fire(1, 160);
    const after = await second.alerts();
    expect(after.slice(0, 2)).toEqual(before);
    expect(after[2]).toMatchObject({ value: 160 });
    expect(new Set(after.map((a) => a.id)).size).toBe(3);
  });

  it('keeps only the newest alerts (retention by count), in the table too', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const first = await start(dir, clock, { keepAlerts: 3 });
    await first.te.engine.request('saveRule', { rule: HR_RULE });
    for (let v = 141; v <= 145; v++) await first.fire(1, v);
    expect((await first.alerts()).map((a) => a.value)).toEqual([143, 144, 145]);
    await first.te.engine.dispose();
    t = undefined;

    const db = new Database(join(dir, DB_FILE), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(3);
    db.close();
    const second = await start(dir, new ManualClock(), { keepAlerts: 3 });
    expect((await second.alerts()).map((a) => a.value)).toEqual([143, 144, 145]);
    expect((await second.alerts(2)).map((a) => a.value)).toEqual([144, 145]);
  });
});
