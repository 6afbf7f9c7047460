import { describe, expect, it } from 'vitest';
import { decodeIbbq, decodeInkbirdTh, inkbirdFormat } from './inkbird.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames built from the published Inkbird layouts (IBS-TH "sps", iBBQ probes).
describe('Inkbird', () => {
  it('IBS-TH1/TH2 ("sps"): temperature, humidity and battery', () => {
    const r = decodeInkbirdTh(hex('ca09 ac13 00 1234 55 08'), 'sps');
    expect(r.device?.model).toBe('IBS-TH1/TH2');
    expect(pairs(r.values)).toEqual([
      ['temperature', 25.06],
      ['humidity', 50.36],
      ['battery', 85],
    ]);
    const ext = decodeInkbirdTh(hex('38ff 0000 01 1234 64 08'), 'tps');
    expect(pairs(ext.values)).toEqual([
      ['external_probe', -2],
      ['battery', 100],
    ]);
  });

  it('IBT probes ("iBBQ"): one temperature per plugged probe', () => {
    const r = decodeIbbq(hex('0000 a1b2c3d4e5f6 d200 f6ff e803 f6ff'));
    expect(r.device?.model).toBe('IBT (4 probes)');
    expect(pairs(r.values)).toEqual([
      ['probe_1', 21],
      ['probe_3', 100],
    ]);
  });

  it('matches by name only; wrong lengths are errors', () => {
    const mfr = hex('ca09ac13001234 5508');
    expect(inkbirdFormat.matches(advert({ name: 'sps', manufacturerData: mfr }))).toBe(true);
    expect(inkbirdFormat.matches(advert({ manufacturerData: mfr }))).toBe(false);
    expect(errorOf(() => decodeInkbirdTh(hex('ca09'), 'sps')).message).toMatch(/needs 9 bytes/);
    expect(errorOf(() => decodeIbbq(hex('0000a1b2c3d4e5f6d2'))).message).toMatch(/not MAC/);
  });
});
