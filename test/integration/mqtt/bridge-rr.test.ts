import { afterEach, describe, expect, it } from 'vitest';
import { createSimWorld, radioOf, SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import type { Reading } from '../../../src/shared/model.js';
import { until } from './core-helpers.js';
import { useBroker } from './fixtures.js';

/**
 * Every RR interval reaches Home Assistant: the simulated strap (two RR intervals in every third
 * notification) through real noble and the BLE service, the bridge, a real Mosquitto, and a
 * client on the strap's rr topic (the rr_interval entity's attributes).
 */
const net = useBroker();
const worlds: { radio: { dispose(): void } }[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.radio.dispose();
});

const SAN = A.strap.replace(/:/g, '_');

describe('bridge: RR intervals', () => {
  it('publishes every RR interval the strap sent, each once, with its own time', async () => {
    const world = createSimWorld({ tickMs: 20, connectTimeoutMs: 200 });
    worlds.push(world);
    const e = await net.engine('gw-rr', { ble: { radio: radioOf(world) } });
    await e.waitMqtt((m) => m.state === 'connected');
    const rrIn: Reading[] = [];
    e.engine.readings.subscribe((rs) =>
      rrIn.push(...rs.filter((r) => r.deviceId === A.strap && r.metric === 'rr_interval')),
    );
    const ha = await net.client();
    const out: { value: number | null; ts: number }[] = [];
    ha.on('message', (_t, p) => {
      const m = JSON.parse(p.toString()) as { rr_intervals: number[]; timestamps: number[] };
      m.rr_intervals.forEach((value, i) => out.push({ value, ts: m.timestamps[i]! }));
    });
    await ha.subscribeAsync(`homebeat/gw-rr/${SAN}/rr`, { qos: 1 });
    e.engine.settings.update({ ble: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    await until(() => rrIn.length >= 40, 20_000, '40 RR intervals');
    // Stop the strap, then compare everything that came in with everything that went out.
    world.strap.goOutOfRange();
    const n = rrIn.length;
    await until(() => out.length >= n, 10_000, 'all published');
    console.log(`[rr] in=${rrIn.length} out=${out.length}`);
    expect(out).toEqual(rrIn.map((r) => ({ value: r.value, ts: r.ts })));
    // Several in one notification: their times differ (each ends where the next begins).
    expect(new Set(out.map((x) => x.ts)).size).toBe(out.length);
  }, 40_000);
});
