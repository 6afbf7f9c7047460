import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../../src/shared/model.js';
import type { ScanResult } from '../../../src/shared/contract/ble.js';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

describe('BLE pairing and live readings (real noble over the simulated radio)', () => {
  it('scans with RSSI, pairs the strap, and its heart rate reaches the reading stream', async () => {
    b = await startBle();
    expect((await b.request<{ scanning: boolean }>('startScan')).scanning).toBe(true);
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === A.strap));
    const list = await b.request<ScanResult[]>('listScanResults');
    const strap = list.find((r) => r.id === A.strap)!;
    expect(strap).toMatchObject({
      name: 'HB Strap',
      connectable: true,
      paired: false,
      kind: 'heart_rate',
    });
    expect(strap.rssi).toBeLessThan(0);
    expect(strap.services).toContain('180d');
    expect(list.find((r) => r.id === A.climate)?.kind).toBe('sensor');

    await b.request('pairDevice', { id: A.strap });
    await b.t.waitFor(
      (x) => !!x.pairProgress?.some((p) => p.id === A.strap && p.step === 'connected'),
    );
    expect(b.t.engine.settings.get().ble.paired).toEqual([
      { id: A.strap, name: 'HB Strap', mode: 'keep' },
    ]);
    const hr = await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'heart_rate');
    expect(hr.value).toBeGreaterThanOrEqual(50);
    expect(hr.source).toBe('ble');
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'rr_interval');
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'battery');
    const dev = (await b.request<Device>('getDevice', { id: A.strap }))!;
    expect(dev).toMatchObject({
      transport: 'ble',
      source: 'ble',
      kind: 'heart_rate',
      paired: true,
      online: true,
      manufacturer: 'Homebeat Sim',
      model: 'HB-Strap',
      battery: 100,
    });
    expect(dev.gateways).toEqual([b.t.engine.status().gatewayId]);
    expect(dev.capabilities).toContain('heart_rate');
    // The clock was set through Current Time on connect.
    expect(b.world.strap.timeWritten?.length).toBe(10);
    expect(b.t.engine.status().ble).toMatchObject({ adapter: 'scanning', connected: 1, paired: 1 });

    await b.request('forgetDevice', { id: A.strap });
    await b.waitLog(logOf('forgotten', A.strap));
    expect(b.t.engine.settings.get().ble.paired).toEqual([]);
    expect(b.t.engine.devices.get(A.strap)).toBeUndefined();
    expect(b.world.strap.connected).toBe(false);
  });

  it('pauses the scan to connect, for controllers that cannot do both, and scans on after', async () => {
    b = await startBle({ settings: { paired: [{ id: A.climate, name: '', mode: 'keep' }] } });
    // Like an Intel 316x: LE Create Connection during a scan is "Command Disallowed".
    b.world.radio.disallowConnectWhileScanning = true;
    await b.waitReading((r) => r.deviceId === A.climate);
    await b.request('pairDevice', { id: A.strap });
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'heart_rate');
    // A dropped link reconnects the same way.
    const connects = () =>
      b!.t.engine.logging.entries({ limit: 2000 }).filter(logOf('connected', A.strap)).length;
    const before = connects();
    b.world.strap.dropLink();
    await b.waitLog(logOf('link lost', A.strap));
    const deadline = Date.now() + 10_000;
    while (connects() === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(connects()).toBe(before + 1);
    expect(b.world.radio.calls.get('connectWhileScanning') ?? 0).toBe(0);
    expect(b.t.engine.logging.entries({ limit: 2000 }).some(logOf('connect failed', A.strap))).toBe(
      false,
    );
    // The scan came back after each connect: the passive sensor goes on reporting.
    const since = b.readings.length;
    await b.waitReading((r) => r.deviceId === A.climate && b!.readings.indexOf(r) >= since);
  });

  it('tries to connect only to a device heard recently; one that went quiet is waited for', async () => {
    b = await startBle({ settings: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    await b.waitLog(logOf('connected', A.strap));
    b.world.strap.goOutOfRange();
    await b.waitLog(logOf('link lost', A.strap));
    const attempts = b.world.radio.calls.get('connect') ?? 0;
    // The session keeps trying, but each try waits for an advertisement instead of connecting.
    await b.waitLog(
      (e) => logOf('connect failed', A.strap)(e) && /not seen for/.test(String(e.detail?.error)),
    );
    expect(b.world.radio.calls.get('connect') ?? 0).toBe(attempts);
    b.world.strap.comeBack();
    const since = b.readings.length;
    await b.waitReading(
      (r) => r.deviceId === A.strap && r.metric === 'heart_rate' && b!.readings.indexOf(r) >= since,
    );
    expect(b.world.radio.calls.get('connect') ?? 0).toBeGreaterThan(attempts);
  });

  it('hides denied and weak devices from the scan list and refuses to pair a denied one', async () => {
    b = await startBle({ settings: { deny: [A.thermometer], minRssi: -60 } });
    await b.request('startScan');
    await b.t.waitFor((x) => !!x.scanResults?.length);
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === A.strap || r.id === A.scale));
    const list = await b.request<ScanResult[]>('listScanResults');
    expect(list.some((r) => r.id === A.thermometer)).toBe(false);
    expect(list.every((r) => r.rssi >= -60)).toBe(true);
    const res = await b.t.engine.request('pairDevice', { id: A.thermometer });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const unknown = await b.t.engine.request('pairDevice', { id: 'de:ad:be:ef:00:00' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // An allow list shows only what it names.
    await b.request('updateSettings', { ble: { deny: [], allow: [A.strap], minRssi: -100 } });
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === A.strap));
    expect((await b.request<ScanResult[]>('listScanResults')).map((r) => r.id)).toEqual([A.strap]);
    const notAllowed = await b.t.engine.request('pairDevice', { id: A.scale });
    expect(notAllowed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('reports pairing progress for a periodic device and for an encrypted BTHome sensor', async () => {
    b = await startBle();
    b.world.glucose.everyTicks = 1e9;
    await b.request('startScan');
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === A.glucose));
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === A.door));
    await b.request('pairDevice', { id: A.glucose, mode: 'periodic' });
    await b.t.waitFor(
      (x) => !!x.pairProgress?.some((p) => p.id === A.glucose && p.step === 'synced'),
    );
    const steps = b.t.batches
      .flatMap((x) => x.pairProgress ?? [])
      .filter((p) => p.id === A.glucose)
      .map((p) => p.step);
    expect(steps).toEqual([
      'saved',
      'searching',
      'connecting',
      'discovering',
      'subscribing',
      'reading',
      'synced',
    ]);
    expect(
      b.readings.filter((r) => r.deviceId === A.glucose && r.metric === 'glucose').length,
    ).toBe(12);
    // A periodic device is let go once synced.
    const deadline = Date.now() + 5000;
    while (b.world.glucose.connected && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(b.world.glucose.connected).toBe(false);

    await b.request('pairDevice', { id: A.door });
    const p = await b.t.waitFor((x) => !!x.pairProgress?.some((e) => e.id === A.door && e.done));
    expect(p.pairProgress!.find((e) => e.id === A.door && e.done)).toMatchObject({
      step: 'listening',
      error: 'encrypted: set its bind key',
    });
  });
});
