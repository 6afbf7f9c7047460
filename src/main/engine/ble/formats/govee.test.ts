import { describe, expect, it } from 'vitest';
import { decodeGovee, goveeFormat } from './govee.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames from the community write-ups of the Govee formats (GoveeWatcher README, Theengs list).
describe('Govee thermo-hygrometers', () => {
  it('H5075/H5072: packed temperature and humidity, negative temperatures', () => {
    const r = decodeGovee(hex('88ec 00 03bb94 64 00'), 'GVH5075_83F4');
    expect(r.device).toEqual({ manufacturer: 'Govee', model: 'H5075' });
    expect(pairs(r.values)).toEqual([
      ['temperature', 24.4],
      ['humidity', 62.8],
      ['battery', 100],
    ]);
    expect(pairs(decodeGovee(hex('88ec 00 81c289 64 00'), 'GVH5072_1234').values)).toEqual([
      ['temperature', -11.5],
      ['humidity', 33.7],
      ['battery', 100],
    ]);
    expect(decodeGovee(hex('88ec 00 03215d 55 00')).device?.model).toBe('H5072/H5075');
  });

  it('H5101/H5102/H5177 (company 0x0001) and H5074, H5179 (little-endian hundredths)', () => {
    expect(pairs(decodeGovee(hex('0100 0101 03215d 55'), 'GVH5102_ABCD').values)).toEqual([
      ['temperature', 20.5],
      ['humidity', 14.9],
      ['battery', 85],
    ]);
    const h5074 = decodeGovee(hex('88ec 00 e808 5c14 59 02'), 'Govee_H5074_ABCD');
    expect(h5074.device?.model).toBe('H5074');
    expect(pairs(h5074.values)).toEqual([
      ['temperature', 22.8],
      ['humidity', 52.12],
      ['battery', 89],
    ]);
    const h5179 = decodeGovee(hex('0188 ec000101 18fc 5c14 59'));
    expect(h5179.device?.model).toBe('H5179');
    expect(pairs(h5179.values)[0]).toEqual(['temperature', -10]);
  });

  it('matches its company ids (0x0001 only with a Govee name); bad frames are errors', () => {
    expect(goveeFormat.matches(advert({ manufacturerData: hex('88ec0003bb946400') }))).toBe(true);
    expect(goveeFormat.matches(advert({ manufacturerData: hex('0100010103215d55') }))).toBe(false);
    expect(
      goveeFormat.matches(advert({ name: 'GVH5177_1', manufacturerData: hex('0100010103215d55') })),
    ).toBe(true);
    expect(errorOf(() => decodeGovee(hex('88ec 00 03bb'))).message).toMatch(
      /unknown frame \(company 0xec88, 3 bytes\)/,
    );
    expect(errorOf(() => decodeGovee(hex('0188 ec000101 18fc'))).message).toMatch(
      /company 0x8801, 6 bytes/,
    );
  });
});
