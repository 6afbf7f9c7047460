import { describe, expect, it } from 'vitest';
import { decodeQingping, qingpingFormat } from './qingping.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames built from Qingping's advertisement layout (frame control, type, MAC, entries).
describe('Qingping (0xFDCD)', () => {
  it('CGP1W: temperature, humidity, pressure and battery entries', () => {
    const r = decodeQingping(hex('08 09 c2b1a0342d58 0104 ca00 8c01 0702 9427 0201 5e'));
    expect(r.device).toEqual({ manufacturer: 'Qingping', model: 'CGP1W' });
    expect(pairs(r.values)).toEqual([
      ['temperature', 20.2],
      ['humidity', 39.6],
      ['pressure', 1013.2],
      ['battery', 94],
    ]);
  });

  it('air monitor entries: PM2.5/PM10 and CO2; motion with illuminance; unknown entries skipped', () => {
    const r = decodeQingping(hex('88 16 c2b1a0342d58 1204 0c00 1400 1302 2003 3301 00'));
    expect(r.device?.model).toBe('Qingping 0x16');
    expect(pairs(r.values)).toEqual([
      ['pm25', 12],
      ['pm10', 20],
      ['co2', 800],
    ]);
    expect(r.extra).toEqual({ skippedEntries: [0x33] });
    expect(pairs(decodeQingping(hex('48 12 c2b1a0342d58 0804 01 640000')).values)).toEqual([
      ['motion', 1],
      ['illuminance', 100],
    ]);
  });

  it('short frames and truncated entries are errors; the row matches 0xFDCD', () => {
    expect(errorOf(() => decodeQingping(hex('0809c2b1'))).message).toMatch(/too short/);
    expect(errorOf(() => decodeQingping(hex('0809c2b1a0342d58 0104 ca00'))).message).toMatch(
      /truncated/,
    );
    expect(errorOf(() => decodeQingping(hex('0809c2b1a0342d58 0101 ca'))).message).toMatch(
      /entry 0x1 has 1 bytes, needs 4/,
    );
    const a = advert({ serviceData: [{ uuid: 'fdcd', data: hex('0809c2b1a0342d5802015e') }] });
    expect(qingpingFormat.matches(a)).toBe(true);
  });
});
