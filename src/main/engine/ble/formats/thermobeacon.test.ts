import { describe, expect, it } from 'vitest';
import { decodeThermoBeacon, thermoBeaconFormat } from './thermobeacon.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// A frame built from the published ThermoBeacon layout.
describe('ThermoBeacon', () => {
  it('voltage, temperature and humidity in sixteenths', () => {
    const r = decodeThermoBeacon(hex('1000 0000 a1b2c3d4e5f6 c20b 5801 2003 10270000'));
    expect(r.device).toEqual({ manufacturer: 'SensorBlue', model: 'ThermoBeacon' });
    expect(pairs(r.values)).toEqual([
      ['voltage', 3.01],
      ['temperature', 21.5],
      ['humidity', 50],
    ]);
    expect(
      pairs(decodeThermoBeacon(hex('1000 0000 a1b2c3d4e5f6 c20b b0ff 2003 10270000')).values)[1],
    ).toEqual(['temperature', -5]);
  });

  it('history frames carry no reading; other lengths are errors; matched by name', () => {
    expect(decodeThermoBeacon(Buffer.alloc(22)).values).toEqual([]);
    expect(errorOf(() => decodeThermoBeacon(hex('1000'))).message).toMatch(/needs 20 bytes, got 2/);
    const mfr = hex('10000000a1b2c3d4e5f6c20b5801200310270000');
    expect(
      thermoBeaconFormat.matches(advert({ name: 'ThermoBeacon', manufacturerData: mfr })),
    ).toBe(true);
    expect(thermoBeaconFormat.matches(advert({ manufacturerData: mfr }))).toBe(false);
  });
});
