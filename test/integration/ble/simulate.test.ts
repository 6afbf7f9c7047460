import { afterEach, describe, expect, it } from 'vitest';
import { BleService } from '../../../src/main/engine/ble/service.js';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { DemoWearables } from '../../../src/main/demo/wearables.js';
import { HistoryService } from '../../../src/main/engine/history/history-service.js';
import { SchedulerService } from '../../../src/main/engine/scheduler/scheduler-service.js';
import type { ScanResult } from '../../../src/shared/contract/ble.js';
import type { Reading } from '../../../src/shared/model.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('simulate mode (what `serve --simulate` runs)', () => {
  it('pairs the demo wearables on a fresh start and shows them live; one is left to pair', async () => {
    t = await createTestEngine({
      // The demo's BLE part (src/main/demo/compose.ts), without its MQTT side.
      compose: (ctx) => {
        const history = new HistoryService(ctx);
        const scheduler = new SchedulerService(ctx, { history });
        const demo = new DemoWearables(ctx);
        const ble = new BleService(ctx, { radio: demo.radio, history, scheduler });
        return [history, scheduler, demo, ble];
      },
    });
    const seen = new Map<string, Set<string>>();
    t.engine.readings.subscribe((rs: Reading[]) => {
      for (const r of rs) {
        const s = seen.get(r.deviceId) ?? new Set<string>();
        s.add(r.metric);
        seen.set(r.deviceId, s);
      }
    });
    const paired = t.engine.settings.get().ble.paired.map((p) => p.id);
    expect(paired).toEqual([
      A.strap,
      A.thermometer,
      A.scale,
      A.glucose,
      A.cycling,
      A.climate,
      A.door,
    ]);
    expect(t.engine.status().ble.simulated).toBe(true);
    const want: [string, string][] = [
      [A.strap, 'heart_rate'],
      [A.cycling, 'power'],
      [A.cycling, 'speed'],
      [A.cycling, 'cadence'],
      [A.scale, 'weight'],
      [A.climate, 'temperature'],
      [A.door, 'state'],
      [A.glucose, 'glucose'],
      [A.thermometer, 'temperature'],
    ];
    const deadline = Date.now() + 20_000;
    while (want.some(([d, m]) => !seen.get(d)?.has(m)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(want.filter(([d, m]) => !seen.get(d)?.has(m))).toEqual([]);
    await t.engine.request('startScan', {});
    await t.waitFor((b) => !!b.scanResults?.some((r) => r.id === A.spareStrap));
    const res = await t.engine.request('listScanResults', {});
    const spare = (res.ok ? (res.value as ScanResult[]) : []).find((r) => r.id === A.spareStrap);
    expect(spare).toMatchObject({ paired: false, kind: 'heart_rate' });
    expect(t.engine.status().ble.connected).toBeGreaterThanOrEqual(4);
  }, 30_000);
});
