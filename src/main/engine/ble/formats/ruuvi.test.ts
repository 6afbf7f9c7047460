import { describe, expect, it } from 'vitest';
import { decodeRuuvi, ruuviFormat } from './ruuvi.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

const G = 9.80665;
const ms2 = (g: number) => Number((g * G).toFixed(4));

// The test vectors of docs.ruuvi.com (data formats 5 and 3: valid, maximum, minimum, invalid).
describe('RuuviTag', () => {
  it('RAWv2 valid data', () => {
    const r = decodeRuuvi(hex('0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F'));
    expect(r.device).toEqual({
      manufacturer: 'Ruuvi Innovations',
      model: 'RuuviTag',
      firmware: 'RAWv2',
    });
    expect(pairs(r.values)).toEqual([
      ['temperature', 24.3],
      ['humidity', 53.49],
      ['pressure', 1000.44], // 100,044 Pa
      ['acceleration_x', ms2(0.004)],
      ['acceleration_y', ms2(-0.004)],
      ['acceleration_z', ms2(1.036)],
      ['voltage', 2.977],
      ['movement', 66],
    ]);
  });

  it('RAWv2 maximum, minimum and invalid values', () => {
    const max = pairs(decodeRuuvi(hex('057FFFFFFEFFFE7FFF7FFF7FFFFFDEFEFFFECBB8334C884F')).values);
    expect(max).toContainEqual(['temperature', 163.835]);
    expect(max).toContainEqual(['humidity', 163.835]);
    expect(max).toContainEqual(['pressure', 1155.34]);
    expect(max).toContainEqual(['voltage', 3.646]);
    expect(max).toContainEqual(['movement', 254]);
    const min = pairs(decodeRuuvi(hex('058001000000008001800180010000000000CBB8334C884F')).values);
    expect(min).toContainEqual(['temperature', -163.835]);
    expect(min).toContainEqual(['pressure', 500]);
    expect(min).toContainEqual(['voltage', 1.6]);
    // Every field at its "invalid" value: nothing is invented.
    expect(decodeRuuvi(hex('058000FFFFFFFF800080008000FFFFFFFFFFFFFFFFFFFFFF')).values).toEqual([]);
  });

  it('RAWv1 valid, maximum and minimum', () => {
    expect(pairs(decodeRuuvi(hex('03291A1ECE1EFC18F94202CA0B53')).values)).toEqual([
      ['humidity', 20.5],
      ['temperature', 26.3],
      ['pressure', 1027.66],
      ['acceleration_x', ms2(-1)],
      ['acceleration_y', ms2(-1.726)],
      ['acceleration_z', ms2(0.714)],
      ['voltage', 2.899],
    ]);
    const max = pairs(decodeRuuvi(hex('03FF7F63FFFF7FFF7FFF7FFFFFFF')).values);
    expect(max.slice(0, 3)).toEqual([
      ['humidity', 127.5],
      ['temperature', 127.99],
      ['pressure', 1155.35],
    ]);
    const min = pairs(decodeRuuvi(hex('0300FF6300008001800180010000')).values);
    expect(min.slice(0, 3)).toEqual([
      ['humidity', 0],
      ['temperature', -127.99],
      ['pressure', 500],
    ]);
  });

  it('wrong lengths and unknown formats are clear errors; the row matches company 0x0499', () => {
    expect(errorOf(() => decodeRuuvi(hex('0512FC'))).message).toBe(
      'Ruuvi: RAWv2 needs 24 bytes, got 3',
    );
    expect(errorOf(() => decodeRuuvi(hex('03291A'))).message).toMatch(/RAWv1 needs 14 bytes/);
    expect(errorOf(() => decodeRuuvi(hex('0601'))).message).toMatch(/data format 6/);
    expect(errorOf(() => decodeRuuvi(Buffer.alloc(0))).message).toMatch(/data format \(none\)/);
    const a = advert({ manufacturerData: hex('9904 03291A1ECE1EFC18F94202CA0B53') });
    expect(ruuviFormat.matches(a)).toBe(true);
    expect(pairs(ruuviFormat.decode(a, undefined as never)!.values)[0]).toEqual(['humidity', 20.5]);
  });
});
