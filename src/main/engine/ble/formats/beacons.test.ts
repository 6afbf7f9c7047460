import { describe, expect, it } from 'vitest';
import { decodeEddystone, decodeIBeacon, eddystoneFormat, iBeaconFormat } from './beacons.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

describe('iBeacon', () => {
  it("Apple's AirLocate example UUID with major 1, minor 2, measured power -59", () => {
    const mfr = hex('4c00 0215 e2c56db5dffb48d2b060d0f5a71096e0 0001 0002 c5');
    const a = advert({ manufacturerData: mfr });
    expect(iBeaconFormat.matches(a)).toBe(true);
    expect(decodeIBeacon(mfr)).toEqual({
      values: [],
      device: { kind: 'other', model: 'iBeacon' },
      extra: {
        uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0',
        major: 1,
        minor: 2,
        measuredPower: -59,
      },
    });
    // Other Apple data (AirDrop, Find My...) is not an iBeacon.
    expect(iBeaconFormat.matches(advert({ manufacturerData: hex('4c001005') }))).toBe(false);
    expect(errorOf(() => decodeIBeacon(hex('4c000215e2c5'))).message).toMatch(/25 bytes, got 6/);
  });
});

// Frames from the Eddystone protocol specification's field tables (github.com/google/eddystone).
describe('Eddystone', () => {
  it('UID: namespace and instance', () => {
    const r = decodeEddystone(hex('00 e7 0102030405060708090a 0b0c0d0e0f10 0000'));
    expect(r.extra).toEqual({
      frame: 'uid',
      txPower: -25,
      namespace: '0102030405060708090a',
      instance: '0b0c0d0e0f10',
    });
  });

  it('URL: scheme prefix and expansion codes', () => {
    expect(decodeEddystone(hex('10 eb 01 676f6f676c65 07')).extra?.url).toBe(
      'https://www.google.com',
    );
    expect(decodeEddystone(hex('10 eb 03 6578616d706c65 00 6162')).extra?.url).toBe(
      'https://example.com/ab',
    );
    expect(errorOf(() => decodeEddystone(hex('10eb09 6162'))).message).toMatch(/scheme 9/);
    expect(errorOf(() => decodeEddystone(hex('10eb01 61 20'))).message).toMatch(/0x20/);
  });

  it('TLM: battery voltage and 8.8 fixed-point temperature become readings', () => {
    const r = decodeEddystone(hex('20 00 0bb8 1780 00000064 00000e10'));
    expect(pairs(r.values)).toEqual([
      ['voltage', 3],
      ['temperature', 23.5],
    ]);
    expect(r.extra).toEqual({ frame: 'tlm', advertisements: 100, uptimeSeconds: 360 });
    // Battery 0 and temperature 0x8000 mean "not supported": no reading.
    expect(decodeEddystone(hex('20 00 0000 8000 00000001 00000001')).values).toEqual([]);
    expect(errorOf(() => decodeEddystone(hex('20 01 0000'))).message).toMatch(/encrypted TLM/);
  });

  it('the row matches 0xFEAA; unknown frames and wrong lengths are errors', () => {
    const a = advert({
      serviceData: [{ uuid: 'feaa', data: hex('2000 0bb8 1780 00000064 00000e10') }],
    });
    expect(eddystoneFormat.matches(a)).toBe(true);
    expect(errorOf(() => decodeEddystone(hex('30 00'))).message).toMatch(/frame type 0x30/);
    expect(errorOf(() => decodeEddystone(hex('00 e7 01'))).message).toMatch(/UID frame needs 18/);
    expect(errorOf(() => decodeEddystone(hex('20'))).message).toMatch(/too short/);
  });
});
