import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../../src/main/engine/ble/backoff.js';
import { BleService } from '../../../src/main/engine/ble/service.js';
import { createSimWorld, radioOf, SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { backoffDelay } from '../../../src/shared/backoff.js';
import { ManualClock } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('reconnect backoff on a controllable clock', () => {
  it('retries a refusing device after exponentially growing delays, then connects', async () => {
    const clock = new ManualClock();
    const world = createSimWorld({ clock, tickMs: 1000 });
    world.strap.refuseConnections(8);
    t = await createTestEngine({
      clock,
      start: false,
      compose: (ctx) => [new BleService(ctx, { radio: radioOf(world), random: () => 0.5 })],
    });
    t.engine.settings.update({ ble: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    const failedAt: number[] = [];
    let connectedAt = 0;
    let linkUpAt = 0;
    world.radio.on('connect', (id: string, err: unknown) => {
      if (id === world.strap.id && !err) linkUpAt = clock.now();
    });
    t.engine.logging.onEntry((e) => {
      if (e.detail?.device !== A.strap) return;
      if (e.msg === 'connect failed') failedAt.push(clock.now());
      if (e.msg === 'connected') connectedAt = clock.now();
    });
    await t.engine.start();
    // Bounded: at most 120 simulated seconds, in 1 s steps.
    for (let i = 0; i < 120 && !connectedAt; i++) await clock.advance(1000);
    expect(failedAt).toHaveLength(8);
    const gaps = failedAt.slice(1).map((x, i) => x - failedAt[i]);
    const expected = [0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, DEFAULT_BACKOFF, 0.5));
    expect(gaps).toEqual(expected);
    expect(expected).toEqual([188, 375, 750, 1500, 3000, 6000, 12000]);
    // The link came up exactly one (eighth) backoff delay after the last refusal.
    expect(linkUpAt - failedAt[7]).toBe(backoffDelay(7, DEFAULT_BACKOFF, 0.5));
    expect(connectedAt).toBeGreaterThanOrEqual(linkUpAt);
    expect(t.engine.status().ble.connected).toBe(1);
    world.radio.dispose();
  });

  it('never waits more than 60 s between attempts, however long a device refuses', async () => {
    const clock = new ManualClock();
    const world = createSimWorld({ clock, tickMs: 1000 });
    world.strap.refuseConnections(Infinity);
    t = await createTestEngine({
      clock,
      start: false,
      compose: (ctx) => [new BleService(ctx, { radio: radioOf(world), random: () => 0.999999 })],
    });
    t.engine.settings.update({ ble: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    const failedAt: number[] = [];
    t.engine.logging.onEntry((e) => {
      if (e.detail?.device === A.strap && e.msg === 'connect failed') failedAt.push(clock.now());
    });
    await t.engine.start();
    for (let i = 0; i < 8 * 60; i++) await clock.advance(1000); // 8 simulated minutes
    const gaps = failedAt.slice(1).map((x, i) => x - failedAt[i]);
    expect(Math.max(...gaps)).toBe(60_000);
    expect(gaps.slice(-3)).toEqual([60_000, 60_000, 60_000]);
    world.radio.dispose();
  });
});
