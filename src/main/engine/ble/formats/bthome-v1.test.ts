import { describe, expect, it } from 'vitest';
import { bthomeV1Format, decodeBthomeV1 } from './bthome-v1.js';
import { advert, context, errorOf, hex, pairs } from './test-helpers.js';

// The example column of https://bthome.io/v1 (each object with its header byte).
describe('BTHome v1 (0x181C)', () => {
  it.each([
    ['020161', 'battery', 97],
    ['2302CA09', 'temperature', 25.06],
    ['0303BF13', 'humidity', 50.55],
    ['022E23', 'humidity', 35],
    ['0404138A01', 'pressure', 1008.83],
    ['0405138A14', 'illuminance', 13460.67],
    ['03065E1F', 'weight', 80.3],
    ['0312E204', 'co2', 1250],
  ])('%s -> %s %d', (h, metric, value) => {
    expect(decodeBthomeV1(hex(h)).values).toMatchObject([{ metric, value }]);
  });

  it('the page example: 2302C409 0303BF13 = 25.00 °C and 50.55 %', () => {
    const a = advert({ serviceData: [{ uuid: '181c', data: hex('2302C4090303BF13') }] });
    expect(bthomeV1Format.matches(a)).toBe(true);
    expect(pairs(bthomeV1Format.decode(a, context(a.address))!.values)).toEqual([
      ['temperature', 25],
      ['humidity', 50.55],
    ]);
  });

  it('skips objects it cannot read (their length is known), errors on broken ones', () => {
    const r = decodeBthomeV1(hex('03B00102 0303BF13'));
    expect(pairs(r.values)).toEqual([['humidity', 50.55]]);
    expect(r.extra).toEqual({ skippedObjects: [0xb0] });
    expect(errorOf(() => decodeBthomeV1(hex('2302C4'))).message).toMatch(/truncated/);
    expect(errorOf(() => decodeBthomeV1(hex('0102'))).message).toMatch(/has length 1/);
    expect(errorOf(() => decodeBthomeV1(Buffer.alloc(0))).message).toMatch(/empty/);
    const sealed = advert({ serviceData: [{ uuid: '181e', data: hex('0011') }] });
    expect(errorOf(() => bthomeV1Format.decode(sealed, context(sealed.address))).message).toMatch(
      /encrypted BTHome v1 is not supported/,
    );
  });
});
