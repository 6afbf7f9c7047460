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
