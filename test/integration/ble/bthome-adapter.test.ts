import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_ADDRESSES as A, SIM_BTHOME_KEY } from '../../../src/main/demo/radio/world.js';
import { BleService } from '../../../src/main/engine/ble/service.js';
import { HistoryService } from '../../../src/main/engine/history/history-service.js';
import { nobleRadio } from '../../../src/main/engine/ble/noble-loader.js';
import { SimulatedRadio } from '../../../src/main/demo/radio/radio.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
let t: TestEngine | undefined;
afterEach(async () => {
  await b?.close();
  await t?.close();
  b = undefined;
  t = undefined;
});

const paired = (id: string) => ({ id, name: '', mode: 'keep' as const });

describe('BTHome sensors', () => {
  it('reads a plain sensor from its advertisements', async () => {
    b = await startBle({ settings: { paired: [paired(A.climate)] } });
    const temp = await b.waitReading((r) => r.deviceId === A.climate && r.metric === 'temperature');
    expect(temp.value).toBeGreaterThanOrEqual(19);
    expect(temp.value).toBeLessThanOrEqual(23);
    expect(temp.source).toBe('bthome');
    await b.waitReading((r) => r.deviceId === A.climate && r.metric === 'humidity');
    expect(b.t.engine.devices.get(A.climate)).toMatchObject({
      source: 'bthome',
      kind: 'sensor',
      paired: true,
      online: true,
    });
  });

  it('an encrypted sensor: a wrong key is a logged error, the right key gives readings', async () => {
    b = await startBle({ settings: { paired: [paired(A.door), paired(A.climate)] } });
    // No key yet: a clear warning, once, with the raw bytes.
    const nokey = await b.waitLog((e) => e.msg === 'decode failed' && e.detail?.device === A.door);
    expect(String(nokey.detail?.error)).toMatch(/no bind key/);
    expect(nokey.detail?.characteristic).toBe('fcd2');
    expect(String(nokey.detail?.hex)).toMatch(/^41/);

    await b.request('setBindKey', {
      id: A.door.toUpperCase(),
      key: '00112233445566778899aabbccddeeff',
    });
    const wrong = await b.waitLog(
      (e) =>
        e.msg === 'decode failed' &&
        e.detail?.device === A.door &&
        /wrong bind key/.test(String(e.detail?.error)),
    );
    expect(wrong.level).toBe('warn');
    expect(b.readings.some((r) => r.deviceId === A.door)).toBe(false);
    // The other sensor went on meanwhile.
    await b.waitReading((r) => r.deviceId === A.climate);

    await b.request('setBindKey', { id: A.door, key: SIM_BTHOME_KEY });
    expect(b.t.ports.secrets.get(`bthome:${A.door}`)).toBe(SIM_BTHOME_KEY);
    expect(b.t.engine.settings.get().ble.bthomeKeys).toEqual([A.door]);
    const state = await b.waitReading((r) => r.deviceId === A.door && r.metric === 'state');
    expect([0, 1]).toContain(state.value);
    await b.waitReading((r) => r.deviceId === A.door && r.metric === 'battery');
    // The key never reaches the settings file or the log.
    const logged = JSON.stringify(b.t.engine.logging.entries({ limit: 2000 }));
    expect(logged).not.toContain(SIM_BTHOME_KEY);
    expect(JSON.stringify(b.t.engine.settings.get())).not.toContain(SIM_BTHOME_KEY);
  });
});

/*
 * Several values of one metric in a packet were channel devices of their own (`<mac>/temperature_2`)
 * before; they are entities of the sensor now, each with its own series, and go with it.
 */
describe('BTHome entities', () => {
  it('several values of one metric in a packet are each kept, as entities of the sensor', async () => {
    b = await startBle({ settings: { paired: [paired(A.climate)] } });
    await b.waitReading((r) => r.deviceId === A.climate && r.metric === 'temperature');
    b.world.climate.everyTicks = Number.MAX_SAFE_INTEGER;
    // Air 21.50 °C, a probe at 4.25 °C, battery not low and a window open (ascending ids).
    b.world.climate.advertiseRaw(Buffer.from('4002660802a90115002d01', 'hex'));
    await b.waitReading((r) => r.deviceId === A.climate && r.entity === 'battery_low');
    const mine = b.readings.filter((r) => r.deviceId === A.climate && r.entity !== 'humidity');
    expect(mine.slice(-4).map((r) => [r.entity, r.metric, r.value])).toEqual([
      ['temperature', 'temperature', 21.5],
      ['temperature_2', 'temperature', 4.25],
      ['battery_low', 'state', 0],
      ['window', 'state', 1],
    ]);
    expect(b.readings.every((r) => !r.deviceId.includes('/'))).toBe(true);
    const d = b.t.engine.devices.get(A.climate)!;
    expect(d.latest).toMatchObject({
      temperature: { metric: 'temperature', value: 21.5 },
      temperature_2: { metric: 'temperature', value: 4.25 },
      battery_low: { metric: 'state', value: 0 },
      window: { metric: 'state', value: 1 },
    });
    const byKey = new Map(d.entities!.map((e) => [e.key, e]));
    expect(byKey.get('temperature_2')).toMatchObject({
      name: 'Temperature 2',
      category: 'primary',
    });
    expect(byKey.get('battery_low')).toMatchObject({
      name: 'Battery low',
      category: 'diagnostic',
      binaryClass: 'battery_low',
    });
    expect(byKey.get('window')).toMatchObject({ category: 'primary', binaryClass: 'window' });
    // The window is what the sensor senses; its battery-low flag is a diagnostic of it.
    expect(d.binaryClass).toBe('window');
    expect(b.t.engine.devices.list().filter((x) => x.id.startsWith(`${A.climate}/`))).toEqual([]);

    await b.request('forgetDevice', { id: A.climate });
    expect(b.t.engine.devices.get(A.climate)).toBeUndefined();
  });

  it("an earlier release's channel devices leave the device list; their history stays", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homebeat-channels-'));
    const probe = `${A.climate}/temperature_2`;
    try {
      // What an earlier release left: a channel device's snapshot and its readings.
      t = await createTestEngine({ dir, compose: (ctx) => [new HistoryService(ctx)] });
      t.engine.devices.upsert({ id: probe, transport: 'ble', source: 'bthome', name: 'Probe' });
      t.engine.readings.publish([
        {
          deviceId: probe,
          metric: 'temperature',
          value: 4,
          unit: '°C',
          ts: 1000,
          source: 'bthome',
        },
      ]);
      await t.close();
      t = undefined;
      b = await startBle({ dir, settings: { paired: [paired(A.climate)] } });
      expect(b.t.engine.devices.get(probe)).toBeUndefined();
      await b.waitReading((r) => r.deviceId === A.climate && r.entity === 'temperature');
      const kept = await b.request<{ value: number }[]>('queryLatest', { deviceId: probe });
      expect(kept).toMatchObject([{ metric: 'temperature', value: 4 }]);
    } finally {
      await b?.close();
      b = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('adapter states', () => {
  it('noble failing to load (EAFNOSUPPORT) is the state "unavailable"; the engine runs on', async () => {
    const failing = Object.assign(
      (id: string) => {
        const e = new Error(
          'EAFNOSUPPORT, Address family not supported by protocol',
        ) as NodeJS.ErrnoException;
        e.code = 'EAFNOSUPPORT';
        if (id.startsWith('@abandonware/noble')) throw e;
        return undefined;
      },
      { resolve: () => '', cache: {}, main: undefined, extensions: {} },
    ) as unknown as NodeJS.Require;
    t = await createTestEngine({
      compose: (ctx) => [new BleService(ctx, { radio: nobleRadio({ require: failing }) })],
    });
    t.engine.settings.update({ ble: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    expect(t.engine.status().ble).toMatchObject({
      adapter: 'unavailable',
      reason: 'EAFNOSUPPORT, Address family not supported by protocol',
      simulated: false,
    });
    expect(t.engine.status().healthReasons.join()).toMatch(/Bluetooth unavailable/);
    const scan = await t.engine.request('startScan', {});
    expect(scan).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await t.engine.request('listScanResults', {})).toEqual({ ok: true, value: [] });
    expect((await t.engine.request('getStatus', {})).ok).toBe(true);
  });

  it('an adapter that fails to open (no permission) is "unavailable" with the reason', async () => {
    class DeniedRadio extends SimulatedRadio {
      override init(): void {
        throw new Error('EPERM, Operation not permitted');
      }
    }
    const radio = new DeniedRadio();
    t = await createTestEngine({
      compose: (ctx) => [new BleService(ctx, { radio: nobleRadio({ binding: radio }) })],
    });
    const st = await t.waitFor((x) => !!x.status?.ble.reason?.startsWith('Initialization'));
    expect(st.status?.ble.adapter).toBe('unavailable');
    expect(st.status?.ble.reason).toBe(
      'Initialization of USB device failed: EPERM, Operation not permitted',
    );
    radio.dispose();
  });

  it('the real require on this machine gives the state its outcome says', async () => {
    const req = createRequire(import.meta.url);
    let expected: string | null = null;
    try {
      req('@abandonware/noble');
    } catch (err) {
      expected = (err as Error).message;
    }
    t = await createTestEngine({
      compose: (ctx) => [new BleService(ctx, { radio: nobleRadio() })],
    });
    const ble = t.engine.status().ble;
    if (expected !== null) expect(ble).toMatchObject({ adapter: 'unavailable', reason: expected });
    else expect(ble.adapter).not.toBe('unavailable');
  });

  it('follows the simulated adapter being switched off and on', async () => {
    b = await startBle({ settings: { paired: [paired(A.strap)] } });
    await b.waitLog(logOf('connected', A.strap));
    b.world.radio.setPowered(false);
    const off = await b.waitNew((x) => x.status?.ble.adapter === 'poweredOff');
    expect(off.status?.ble.reason).toBe('Bluetooth adapter poweredOff');
    expect(b.world.strap.connected).toBe(false);
    b.world.radio.setPowered(true);
    await b.waitNew((x) => x.status?.ble.adapter === 'scanning');
    // The strap connects again by itself (it may already have by the time scanning is reported).
    const deadline = Date.now() + 10_000;
    while (b.t.engine.status().ble.connected !== 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(b.world.strap.connected).toBe(true);
    expect(b.t.engine.status().ble.connected).toBe(1);
  });

  it('pausing lets every device go; resuming connects again; disabling turns the adapter off', async () => {
    b = await startBle({ settings: { paired: [paired(A.strap)] } });
    await b.waitLog(logOf('connected', A.strap));
    b.t.engine.setPaused(true);
    await b.waitNew((x) => x.status?.ble.connected === 0);
    expect(b.world.strap.connected).toBe(false);
    const n = b.t.engine.logging
      .entries({ limit: 2000 })
      .filter(logOf('connected', A.strap)).length;
    b.t.engine.setPaused(false);
    await b.waitNew((x) => x.status?.ble.connected === 1);
    expect(
      b.t.engine.logging.entries({ limit: 2000 }).filter(logOf('connected', A.strap)).length,
    ).toBe(n + 1);
    await b.request('updateSettings', { ble: { enabled: false } });
    await b.waitNew(
      (x) =>
        x.status?.ble.adapter === 'poweredOff' &&
        x.status.ble.reason === 'Bluetooth is off in settings',
    );
    expect(b.world.strap.connected).toBe(false);
  });
});
