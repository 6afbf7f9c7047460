import { describe, expect, it } from 'vitest';
import { atcFormat, decodeAtc } from './atc.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames built from the layouts in the atc1441 and pvvx ATC_MiThermometer READMEs.
describe('ATC1441 and PVVX custom firmware (0x181A)', () => {
  it('atc1441: big-endian, MAC in printed order, 0.1 °C', () => {
    const r = decodeAtc(hex('a4c138a1b2c3 00e6 32 5a 0bb7 12'));
    expect(r.device?.model).toBe('ATC_MiThermometer (atc1441 format)');
    expect(pairs(r.values)).toEqual([
      ['temperature', 23],
      ['humidity', 50],
      ['battery', 90],
      ['voltage', 2.999],
    ]);
    expect(pairs(decodeAtc(hex('a4c138a1b2c3 ffcb 32 5a 0bb7 13')).values)[0]).toEqual([
      'temperature',
      -5.3,
    ]);
  });

  it('pvvx: little-endian, MAC reversed, 0.01 °C and 0.01 %', () => {
    const r = decodeAtc(hex('c3b2a138c1a4 dc08 8115 c40b 57 7d 05'));
    expect(r.device?.model).toBe('ATC_MiThermometer (pvvx format)');
    expect(pairs(r.values)).toEqual([
      ['temperature', 22.68],
      ['humidity', 55.05],
      ['voltage', 3.012],
      ['battery', 87],
    ]);
  });

  it('other lengths are a clear error; the row matches 0x181A service data', () => {
    expect(errorOf(() => decodeAtc(hex('a4c138a1b2c300e6320b5a0bb812'))).message).toBe(
      'ATC/PVVX: unknown frame of 14 bytes (atc1441 has 13, pvvx 15)',
    );
    expect(errorOf(() => decodeAtc(Buffer.alloc(0))).message).toMatch(/unknown frame of 0 bytes/);
    const a = advert({ serviceData: [{ uuid: '181a', data: hex('a4c138a1b2c300e6325a0bb712') }] });
    expect(atcFormat.matches(a)).toBe(true);
    expect(atcFormat.matches(advert())).toBe(false);
  });
});
