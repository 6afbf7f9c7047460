import { afterEach, describe, expect, it } from 'vitest';
import { Broadcaster } from '../../../src/main/demo/radio/broadcaster.js';
import { ADVERT_FORMATS } from '../../../src/main/engine/ble/formats/index.js';
import type { ScanResult } from '../../../src/shared/contract/ble.js';
import type { Device } from '../../../src/shared/model.js';
import { toyAdvert, toyFormat } from '../../fixtures/toy-format.js';
import { startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const TOY = 'c0:ff:ee:00:00:99';

describe('advertisement formats', () => {
  it('a format added through the options is read from the simulated radio, and shows in the dashboard contract', async () => {
    // The engine's table plus one format defined in a test fixture: no edit of the BLE service.
    b = await startBle({ ble: { formats: [...ADVERT_FORMATS, toyFormat] } });
    const toy = new Broadcaster(TOY, 'Toy Thermo');
    toy.manufacturerData = toyAdvert(21.37);
    b.world.radio.add(toy);

    await b.request('startScan');
    await b.t.waitFor((x) => !!x.scanResults?.some((r) => r.id === TOY));
    const seen = (await b.request<ScanResult[]>('listScanResults')).find((r) => r.id === TOY);
    expect(seen).toMatchObject({ name: 'Toy Thermo', connectable: false, kind: 'sensor' });

    await b.request('pairDevice', { id: TOY });
    await b.t.waitFor(
      (x) => !!x.pairProgress?.some((p) => p.id === TOY && p.step === 'listening' && p.done),
    );
    const first = await b.waitReading((r) => r.deviceId === TOY && r.metric === 'temperature');
    expect(first).toMatchObject({ value: 21.37, unit: '°C', source: 'ble' });

    const dev = await b.request<Device>('getDevice', { id: TOY });
    expect(dev).toMatchObject({
      transport: 'ble',
      source: 'ble',
      kind: 'sensor',
      name: 'Toy Thermo',
      manufacturer: 'Toy Co.',
      model: 'T-1',
      paired: true,
      online: true,
    });
    expect(dev.latest.temperature?.value).toBe(21.37);
    const listed = await b.request<Device[]>('listDevices');
    expect(listed.map((d) => d.id)).toContain(TOY);

    // A new value is a new reading; bytes the format cannot read are logged and change nothing.
    toy.manufacturerData = Buffer.from('ffff01', 'hex');
    const bad = await b.waitLog((e) => e.msg === 'decode failed' && e.detail?.device === TOY);
    expect(bad.detail).toMatchObject({ characteristic: 'toy', hex: 'ffff01' });
    toy.manufacturerData = toyAdvert(-4.5);
    await b.waitReading((r) => r.deviceId === TOY && r.value === -4.5);
    const after = await b.request<Device>('getDevice', { id: TOY });
    expect(after.latest.temperature?.value).toBe(-4.5);
  });

  it("the table's vendor formats through the simulated radio: MiBeacon with its bind key, Ruuvi, Govee", async () => {
    const MI = 'a4:c1:38:02:83:f4';
    const RUUVI = 'cb:b8:33:4c:88:4f';
    const GOVEE = 'a4:c1:38:aa:bb:cc';
    const paired = (id: string) => ({ id, name: '', mode: 'keep' as const });
    b = await startBle({ settings: { paired: [paired(MI), paired(RUUVI), paired(GOVEE)] } });
    const mi = new Broadcaster(MI, 'LYWSD03MMC');
    // Published with its bind key by the Home Assistant Xiaomi integration's tests.
    mi.serviceData = [
      { uuid: 'fe95', data: Buffer.from('58585b0550f4830238c1a495ef58763c26000097e2abb5', 'hex') },
    ];
    const ruuvi = new Broadcaster(RUUVI, 'Ruuvi 884F');
    ruuvi.manufacturerData = Buffer.from(
      '99040512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F',
      'hex',
    );
    const govee = new Broadcaster(GOVEE, 'GVH5075_BBCC');
    govee.manufacturerData = Buffer.from('88ec0003bb946400', 'hex');
    for (const x of [mi, ruuvi, govee]) b.world.radio.add(x);
    await b.request('startScan');

    const t = await b.waitReading((r) => r.deviceId === RUUVI && r.metric === 'temperature');
    expect(t).toMatchObject({ value: 24.3, unit: '°C', source: 'ble' });
    await b.waitReading((r) => r.deviceId === GOVEE && r.metric === 'humidity' && r.value === 62.8);
    expect(b.t.engine.devices.get(GOVEE)).toMatchObject({ manufacturer: 'Govee', model: 'H5075' });

    // Encrypted without a key: a clear, logged reason and no reading.
    const nokey = await b.waitLog((e) => e.msg === 'decode failed' && e.detail?.device === MI);
    expect(String(nokey.detail?.error)).toMatch(/no bind key/);
    expect(b.readings.some((r) => r.deviceId === MI)).toBe(false);
    await b.request('setBindKey', { id: MI, key: 'e9ea895fac7cca6d30532432a516f3a8' });
    const h = await b.waitReading((r) => r.deviceId === MI && r.metric === 'humidity');
    expect(h.value).toBe(46.7);
    expect(b.t.engine.devices.get(MI)).toMatchObject({
      manufacturer: 'Xiaomi',
      model: 'LYWSD03MMC',
    });

    // A plain frame from the keyed device is a downgrade: refused, logged, no reading.
    const count = b.readings.filter((r) => r.deviceId === MI).length;
    mi.serviceData = [
      { uuid: 'fe95', data: Buffer.from('5020aa01da64aed0a8654c0d1004fe004802', 'hex') },
    ];
    const down = await b.waitLog(
      (e) =>
        e.msg === 'decode failed' &&
        e.detail?.device === MI &&
        /refused/.test(String(e.detail?.error)),
    );
    expect(down.detail?.characteristic).toBe('mibeacon');
    expect(b.readings.filter((r) => r.deviceId === MI)).toHaveLength(count);
  });
});
