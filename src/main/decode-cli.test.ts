import { describe, expect, it } from 'vitest';
import { runDecode } from './decode-cli.js';

const KEY = '231d39c1d7cc1ab1aee224cd096db932'; // bthome.io/encryption example
const MAC = '54:48:E6:8F:80:A5';
const ENCRYPTED = '41a47266c95f730011223378237214';

describe('homebeat decode', () => {
  it('prints the readings of a characteristic as JSON (16-bit uuid)', () => {
    const { code, out } = runDecode(['2a37', '16480002']); // RR 0x0200 = 512/1024 s;
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.target).toBe('2a37');
    expect(json.name).toBe('Heart Rate Measurement');
    expect(json.readings).toEqual([
      { metric: 'heart_rate', value: 72, unit: 'bpm' },
      { metric: 'skin_contact', value: 1, unit: '' },
      { metric: 'rr_interval', value: 500, unit: 'ms', index: 0 },
    ]);
    expect(json.contact).toBe(true);
  });

  it('accepts a 128-bit uuid and spaced hex; specials print their status', () => {
    const { code, out } = runDecode(['00002A1C-0000-1000-8000-00805F9B34FB', '00 ff ff 7f 00']);
    expect(code).toBe(0);
    expect(JSON.parse(out).readings).toEqual([
      { metric: 'temperature', value: null, unit: '°C', status: 'nan' },
    ]);
  });

  it('decodes encrypted BTHome with --key and --mac', () => {
    const { code, out } = runDecode(['bthome', ENCRYPTED, '--key', KEY, '--mac', MAC]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.encrypted).toBe(true);
    expect(json.counter).toBe(0x33221100);
    expect(
      json.readings.map((r: { metric: string; value: number }) => [r.metric, r.value]),
    ).toEqual([
      ['temperature', 25.06],
      ['humidity', 50.55],
    ]);
  });

  it('several payloads are successive notifications: CSC speed and cadence from the deltas', () => {
    // wheel 100 revs @ 1024, crank 10 @ 1024; then wheel 103 @ 2048, crank 11 @ 1536
    const { code, out } = runDecode(['2a5b', '03640000000004 0a000004', '03670000000008 0b000006']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.payloads).toHaveLength(2);
    expect(json.payloads[0].readings).toEqual([]);
    expect(json.payloads[1].readings).toEqual([
      { metric: 'speed', value: 6.315, unit: 'm/s' },
      { metric: 'cadence', value: 120, unit: 'rpm' },
    ]);
  });

  it('a wrong key is a one-line error with exit code 2', () => {
    const { code, out } = runDecode([
      'bthome',
      ENCRYPTED,
      '--key',
      KEY.replace(/^2/, '3'),
      '--mac',
      MAC,
    ]);
    expect(code).toBe(2);
    expect(out).toBe(
      `homebeat decode: BTHome decryption failed: wrong bind key or corrupted data (hex ${ENCRYPTED})`,
    );
    expect(out.split('\n')).toHaveLength(1);
  });

  it('decode errors, bad hex, bad keys and bad usage exit with 2', () => {
    expect(runDecode(['2a37', '104800'])).toEqual({
      code: 2,
      out: 'homebeat decode: Heart Rate Measurement: truncated: flags say RR intervals but 1 byte left (hex 104800)',
    });
    expect(runDecode(['2a37', 'zz']).code).toBe(2);
    expect(runDecode(['2a37', 'abc']).out).toMatch(/not a hex string/);
    expect(runDecode(['2a99', '00']).out).toMatch(/unknown characteristic/);
    expect(runDecode(['bthome', ENCRYPTED, '--key', 'abcd']).out).toMatch(/32 hex digits/);
    expect(runDecode(['bthome']).out).toMatch(/usage: homebeat decode/);
    expect(runDecode(['bthome', '40', '--mac']).out).toMatch(/--mac needs a value/);
    expect(runDecode(['bthome', '40', '--bogus']).out).toMatch(/unknown option --bogus/);
  });
});

describe('homebeat decode advert', () => {
  const json = (args: string[]) => {
    const { code, out } = runDecode(['advert', ...args]);
    expect(code, out).toBe(0);
    return JSON.parse(out);
  };

  it('an encrypted MiBeacon with its bind key and MAC: format, model and readings', () => {
    const out = json([
      '--mac',
      'A4:C1:38:02:83:F4',
      '--svc',
      'fe95=58585b0550f4830238c1a495ef58763c26000097e2abb5',
      '--key',
      'e9ea895fac7cca6d30532432a516f3a8',
    ]);
    expect(out).toEqual({
      target: 'advert',
      format: 'mibeacon',
      formatName: 'Xiaomi MiBeacon',
      manufacturer: 'Xiaomi',
      model: 'LYWSD03MMC',
      readings: [{ metric: 'humidity', value: 46.7, unit: '%' }],
    });
  });

  it('manufacturer data with its company id (Ruuvi), a name for the model (Govee)', () => {
    const ruuvi = json(['--mfr', '99040512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F']);
    expect(ruuvi.format).toBe('ruuvi');
    expect(ruuvi.model).toBe('RuuviTag');
    expect(ruuvi.readings[0]).toEqual({ metric: 'temperature', value: 24.3, unit: '°C' });
    const govee = json(['--name', 'GVH5075_1A2B', '--mfr', '88ec0003bb946400']);
    expect([govee.format, govee.model, govee.readings.length]).toEqual(['govee', 'H5075', 3]);
  });

  it('BTHome service data with a 128-bit UUID and --svc repeated; beacons print their identity', () => {
    const out = json([
      '--svc',
      '0000feaa-0000-1000-8000-00805f9b34fb=10eb01676f6f676c6507',
      '--svc',
      'fcd2=4002C40903BF13',
    ]);
    expect(out.format).toBe('bthome');
    expect(out.readings.map((r: { value: number }) => r.value)).toEqual([25, 50.55]);
    const eddy = json(['--svc', 'feaa=10eb01676f6f676c6507']);
    expect(eddy.extra).toEqual({ frame: 'url', txPower: -21, url: 'https://www.google.com' });
  });

  it('bad input is a one-line error with exit code 2', () => {
    const fails = (args: string[], message: RegExp) => {
      const { code, out } = runDecode(['advert', ...args]);
      expect(code).toBe(2);
      expect(out).toMatch(message);
    };
    fails([], /give the advertisement's data/);
    fails(['--mfr', 'zz'], /--mfr needs hex/);
    fails(['--svc', 'fe95'], /--svc must be <uuid>=<hex>/);
    fails(['--svc', 'xyz=00'], /not a UUID/);
    fails(['--mac', 'nope', '--mfr', '9904'], /--mac must look like/);
    fails(['--mfr', '9904', '--key', '00'], /--key must be 32 hex/);
    fails(['--mfr', 'ffff01'], /no known advertisement format/);
    fails(['--mfr', '9904 0512FC'], /Ruuvi: RAWv2 needs 24 bytes, got 3 \(hex 0512fc\)/);
    fails(
      [
        '--mac',
        'A4:C1:38:02:83:F4',
        '--svc',
        'fe95=58585b0550f4830238c1a495ef58763c26000097e2abb5',
        '--key',
        '00000000000000000000000000000000',
      ],
      /MiBeacon: decryption failed: wrong bind key/,
    );
    fails(['--bogus', '1'], /unknown option --bogus/);
  });
});
