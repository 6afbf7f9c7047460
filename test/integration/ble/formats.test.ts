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
});
