import { describe, expect, it } from 'vitest';
import { decodeMiBodyScale, decodeMiScale, xiaomiScaleFormat } from './scales.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames built from the published layouts of the Mi Scale (0x181D) and body scale (0x181B).
describe('Xiaomi scales', () => {
  it('Mi Scale: a stabilized weight in kg with the scale time', () => {
    const r = decodeMiScale(hex('22 a03c e907 0c 01 08 1e 00')); // 0x3ca0 / 200 = 77.6 kg
    expect(r.device?.kind).toBe('scale');
    expect(pairs(r.values)).toEqual([['weight', 77.6]]);
    expect(r.values[0].ts).toBe(new Date(2025, 11, 1, 8, 30, 0).getTime());
    expect(pairs(decodeMiScale(hex('23 4c1d e907 0c 01 08 1e 00')).values)).toEqual([
      ['weight', 34.019], // 75.00 lb
    ]);
  });

  it('Mi Scale: not stabilized, or the weight removed, is no reading', () => {
    expect(decodeMiScale(hex('02 a03c e907 0c 01 08 1e 00')).values).toEqual([]);
    expect(decodeMiScale(hex('a2 a03c e907 0c 01 08 1e 00')).values).toEqual([]);
  });

  it('body composition scale: weight and impedance', () => {
    const r = decodeMiBodyScale(hex('02 26 e907 0c 01 08 1e 00 f401 a03c'));
    expect(r.device?.model).toMatch(/Body Composition/);
    expect(pairs(r.values)).toEqual([
      ['weight', 77.6],
      ['impedance', 500],
    ]);
    // Impedance flag clear: weight only; a bad clock: no device time.
    const noImp = decodeMiBodyScale(hex('02 24 0000 00 00 00 00 00 f401 a03c'));
    expect(pairs(noImp.values)).toEqual([['weight', 77.6]]);
    expect(noImp.values[0].ts).toBeUndefined();
  });

  it('wrong lengths are errors; the row matches both UUIDs', () => {
    expect(errorOf(() => decodeMiScale(hex('22a03c'))).message).toMatch(/needs 10 bytes, got 3/);
    expect(errorOf(() => decodeMiBodyScale(hex('0226'))).message).toMatch(/needs 13 bytes/);
    const a = advert({ serviceData: [{ uuid: '181b', data: hex('0226e9070c01081e00f401a03c') }] });
    expect(xiaomiScaleFormat.matches(a)).toBe(true);
    expect(pairs(xiaomiScaleFormat.decode(a, undefined as never)!.values)[0]).toEqual([
      'weight',
      77.6,
    ]);
  });
});
