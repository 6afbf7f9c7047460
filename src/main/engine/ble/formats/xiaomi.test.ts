import { describe, expect, it } from 'vitest';
import { bindKeySecret } from './bthome.js';
import { advert, context, errorOf, hex, pairs } from './test-helpers.js';
import { decodeMiBeacon, miBeaconFormat } from './xiaomi.js';

// Encrypted frames published with their bind keys by the Home Assistant Xiaomi integration's
// test suite (xiaomi-ble) and ble_monitor's documentation; plain frames built from the layout.
const LYWSD03MMC = {
  frame: '58585b0550f4830238c1a495ef58763c26000097e2abb5',
  key: 'e9ea895fac7cca6d30532432a516f3a8',
  mac: 'a4:c1:38:02:83:f4',
};

describe('Xiaomi MiBeacon (0xFE95)', () => {
  it('plain LYWSDCGQ frame: MAC included, temperature and humidity object 0x100D', () => {
    const r = decodeMiBeacon(hex('5020 aa01 da 64aed0a8654c 0d1004 fe00 4802'));
    expect(r.device).toEqual({ manufacturer: 'Xiaomi', model: 'LYWSDCGQ' });
    expect(pairs(r.values)).toEqual([
      ['temperature', 25.4],
      ['humidity', 58.4],
    ]);
  });

  it('Mi Flora: capability byte, conductivity, moisture, illuminance, temperature, battery', () => {
    const base = '7120 9800 12 64aed0a8654c 0d';
    const one = (obj: string) => pairs(decodeMiBeacon(hex(base + obj)).values);
    expect(decodeMiBeacon(hex(`${base}091002ea01`)).device?.model).toBe('HHCCJCY01 (Mi Flora)');
    expect(one('091002ea01')).toEqual([['conductivity', 490]]);
    expect(one('0810012b')).toEqual([['moisture', 43]]);
    expect(one('071003640000')).toEqual([['illuminance', 100]]);
    expect(one('041002f1ff')).toEqual([['temperature', -1.5]]);
    expect(one('0a100151')).toEqual([['battery', 81]]);
  });

  it('decrypts v5 frames with their bind keys (LYWSD03MMC, CGG1, CGDK2)', () => {
    const r = decodeMiBeacon(hex(LYWSD03MMC.frame), { key: hex(LYWSD03MMC.key) });
    expect(r.device?.model).toBe('LYWSD03MMC');
    expect(pairs(r.values)).toEqual([['humidity', 46.7]]);
    const cgg1 = decodeMiBeacon(hex('5858480b685f12342d585a0b1841e2aa000e00a4964fb5'), {
      key: hex('814aac74c4f17b6c1581e1ab87816b99'),
    });
    expect(pairs(cgg1.values)).toEqual([['humidity', 59.6]]);
    const cgdk2 = decodeMiBeacon(hex('58586f0607892012342d585f176dd54f0200002fa453fa'), {
      key: hex('a3bfe9853dd85a620debe3620caaa351'),
    });
    expect(cgdk2.device?.model).toBe('CGDK2');
    expect(pairs(cgdk2.values)).toEqual([['temperature', 22.6]]);
  });

  it('a frame without the MAC decrypts with the address the radio reports', () => {
    const frame = hex('4859b5553a8699bda053448f1200005b046d6a');
    const key = hex('4d8f1373fb4d3bab557d0ebd1c78f8c4');
    expect(errorOf(() => decodeMiBeacon(frame, { key })).message).toMatch(/needs the device MAC/);
    const r = decodeMiBeacon(frame, { key, mac: 'A4:C1:38:80:15:07' });
    expect(pairs(r.values)).toEqual([['temperature', 25.2]]);
  });

  it('through the format: the bind key comes from the secret store, replays are refused', () => {
    const secrets = { [bindKeySecret(LYWSD03MMC.mac)]: LYWSD03MMC.key };
    const ctx = context(LYWSD03MMC.mac, secrets);
    const a = advert({ serviceData: [{ uuid: 'fe95', data: hex(LYWSD03MMC.frame) }] });
    expect(miBeaconFormat.matches(a)).toBe(true);
    expect(pairs(miBeaconFormat.decode(a, ctx)!.values)).toEqual([['humidity', 46.7]]);
    expect(errorOf(() => miBeaconFormat.decode(a, ctx)).message).toMatch(
      /replayed packet: counter \d+ is not above the last accepted/,
    );
    expect(miBeaconFormat.pairingNote?.(a, context(LYWSD03MMC.mac))).toMatch(/bind key/);
  });

  it('wrong key, no key, a downgrade to plain frames, truncation and legacy encryption', () => {
    const frame = hex(LYWSD03MMC.frame);
    const wrong = hex(LYWSD03MMC.key);
    wrong[0] ^= 1;
    expect(errorOf(() => decodeMiBeacon(frame, { key: wrong })).message).toBe(
      'MiBeacon: decryption failed: wrong bind key or corrupted data',
    );
    expect(errorOf(() => decodeMiBeacon(frame)).message).toMatch(/no bind key/);
    const plain = hex('5020 aa01 da 64aed0a8654c 0d1004 fe00 4802');
    expect(errorOf(() => decodeMiBeacon(plain, { key: hex(LYWSD03MMC.key) })).message).toMatch(
      /unencrypted readings from a device that has a bind key: refused/,
    );
    expect(errorOf(() => decodeMiBeacon(hex('5020aa01da64aed0a8654c0d10'))).message).toMatch(
      /truncated/,
    );
    expect(errorOf(() => decodeMiBeacon(hex('5030aa01da64aed0a8654c0d10'))).message).toMatch(
      /truncated|short/,
    );
    expect(errorOf(() => decodeMiBeacon(hex('5830aa01da64aed0a8654c0d1004fe00'))).message).toMatch(
      /legacy encryption \(version 3\)/,
    );
    expect(errorOf(() => decodeMiBeacon(hex('5020aa01da64aed0a8654c0d1001fe'))).message).toMatch(
      /object 0x100d has 1 byte/,
    );
  });

  it('a frame without objects tells the model only; unknown objects alone are an error', () => {
    expect(decodeMiBeacon(hex('3020 5b05 01 f4830238c1a4 08'))).toEqual({
      values: [],
      device: { manufacturer: 'Xiaomi', model: 'LYWSD03MMC' },
    });
    expect(errorOf(() => decodeMiBeacon(hex('5020aa01da64aed0a8654c 99990100'))).message).toMatch(
      /no known object \(ids 0x9999\)/,
    );
  });
});
