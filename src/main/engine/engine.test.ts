import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../../../test/helpers/engine.js';
import { JsonFileSettingsStore } from './node-ports.js';
import { join } from 'node:path';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('engine', () => {
  it('starts every default service, reports running status with a gateway id, and disposes', async () => {
    t = await createTestEngine();
    const res = await t.engine.request('getStatus', {});
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const status = res.value as { state: string; gatewayId: string };
    expect(status.state).toBe('running');
    expect(status.gatewayId).toMatch(/^hb-[0-9a-f]{6}$/);
    await t.engine.dispose();
    expect(t.engine.status().state).toBe('stopped');
  });

  it('rejects unknown methods and invalid input with the field and reason', async () => {
    t = await createTestEngine({ compose: () => [] });
    const unknown = await t.engine.handle('dropTables', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const bad = await t.engine.handle('setPaused', { paused: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'paused' } });
    const extra = await t.engine.handle('getStatus', { evil: 1 });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('validates settings updates as a whole and leaves stored settings unchanged on failure', async () => {
    t = await createTestEngine();
    const store = new JsonFileSettingsStore(join(t.dir, 'settings.json'));
    const before = JSON.stringify(store.read());
    const bad = await t.engine.request('updateSettings', { mqtt: { port: 70000 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'mqtt.port' } });
    expect(JSON.stringify(store.read())).toBe(before);
    const good = await t.engine.request('updateSettings', { mqtt: { port: 8883 } });
    expect(good.ok).toBe(true);
    expect((store.read() as { mqtt: { port: number } }).mqtt.port).toBe(8883);
    // A prototype-polluting patch is ignored, not merged.
    const proto = await t.engine.request('updateSettings', JSON.parse('{"__proto__":{"x":1}}'));
    expect(proto.ok).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('coalesces a burst of events into few batches, newest device state winning', async () => {
    t = await createTestEngine({ compose: () => [] });
    const before = t.batches.length;
    for (let i = 0; i < 1000; i++) {
      t.engine.devices.upsert({ id: `dev-${i % 10}`, name: `Device ${i}` });
    }
    const b = await t.waitFor(
      (x) =>
        (x.devicesChanged?.upserted.length ?? 0) === 10 &&
        x.devicesChanged!.upserted.some((d) => d.name === 'Device 999'),
    );
    expect(b.devicesChanged!.upserted.find((d) => d.id === 'dev-9')!.name).toBe('Device 999');
    // 1000 changes arrive in at most a few batches, never one message per change.
    expect(t.batches.length - before).toBeLessThan(5);
  });

  it('keeps stored settings that fail validation from crashing start', async () => {
    const first = await createTestEngine();
    const dir = first.dir;
    await first.engine.dispose();
    const store = new JsonFileSettingsStore(join(dir, 'settings.json'));
    store.write({ ...(store.read() as object), mqtt: { port: 'nope' } } as never);
    t = await createTestEngine({ dir });
    expect(t.engine.status().state).toBe('running');
    const log = await t.engine.request('getLog', { level: 'error' });
    expect(JSON.stringify(log)).toContain('stored settings are invalid');
  });
});
