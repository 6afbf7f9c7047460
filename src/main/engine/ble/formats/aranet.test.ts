import { describe, expect, it } from 'vitest';
import { aranetFormat, decodeAranet } from './aranet.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// The example frames of the Aranet4-Python project's advertisement tests (company 0x0702).
describe('Aranet', () => {
  it('Aranet4 v1.3.5: CO2, temperature, pressure, humidity, battery', () => {
    const r = decodeAranet(hex('21 050301 00050001 4304 9f01 8b27 35 0c 02 3c00 1000 55'));
    expect(r.device).toEqual({ manufacturer: 'SAF Tehnika', model: 'Aranet4', firmware: 'v1.3.5' });
    expect(pairs(r.values)).toEqual([
      ['co2', 1091],
      ['temperature', 20.75], // 20.8 as the app rounds it
      ['pressure', 1012.3],
      ['humidity', 53],
      ['battery', 12],
    ]);
  });

  it('Aranet4 without integrations, on old firmware: the model and version, no readings', () => {
    expect(decodeAranet(hex('21 0a0400 000000'))).toEqual({
      values: [],
      device: { manufacturer: 'SAF Tehnika', model: 'Aranet4', firmware: 'v0.4.10' },
    });
    expect(decodeAranet(hex('01 000201 000000')).device?.firmware).toBe('v1.2.0');
  });

  it('Aranet2 v1.4.4 and Aranet Radon Plus v1.6.4', () => {
    const a2 = decodeAranet(hex('01 21 040401 000000 0000 9901 0000 0a02 00 3b 00 7800 5200 64'));
    expect(a2.device?.model).toBe('Aranet2');
    expect(a2.device?.firmware).toBe('v1.4.4');
    expect(pairs(a2.values)).toEqual([
      ['temperature', 20.45],
      ['humidity', 52.2],
      ['battery', 59],
    ]);
    const rn = decodeAranet(hex('03 21 040601 000000 0700 fe01 c927 ce01 00 64 01 5802 f601 08'));
    expect(rn.device?.model).toBe('Aranet Radon Plus');
    expect(pairs(rn.values)).toEqual([
      ['radon', 7],
      ['temperature', 25.5],
      ['pressure', 1018.5],
      ['humidity', 46.2],
      ['battery', 100],
    ]);
  });

  it('short and unknown frames are errors; the row matches company 0x0702', () => {
    expect(errorOf(() => decodeAranet(hex('010002'))).message).toMatch(/frame of 3 bytes/);
    expect(errorOf(() => decodeAranet(Buffer.alloc(24, 9))).message).toMatch(/device type 9/);
    expect(aranetFormat.matches(advert({ manufacturerData: hex('0207 210a0400000000') }))).toBe(
      true,
    );
  });
});
