import { describe, expect, it } from 'vitest';
import { DecodeError, decodeCharacteristic, isKnownCharacteristic } from './index.js';

/*
 * Vectors built from the field layouts of the Bluetooth SIG GATT Specification Supplement (GSS)
 * and the profile specifications named per block; bytes are little-endian as the GSS requires.
 */
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const decode = (uuid: string, h: string) => decodeCharacteristic(uuid, hex(h));
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

function decodeError(uuid: string, h: string): DecodeError {
  try {
    decode(uuid, h);
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error(`expected a DecodeError for ${h}`);
}

describe('Heart Rate Measurement 0x2A37 (HRS 1.0 §3.1, GSS Heart Rate Measurement)', () => {
  it('u8 value with contact supported and detected (flags 0x06)', () => {
    const r = decode('2a37', '06 48');
    expect(r.values).toEqual([
      { metric: 'heart_rate', value: 72, unit: 'bpm' },
      { metric: 'skin_contact', value: 1, unit: '' },
    ]);
    expect(r.extra?.contact).toBe(true);
  });

  it('contact supported but not detected reports skin_contact 0; unsupported reports none', () => {
    expect(decode('2a37', '04 48').values[1]).toMatchObject({ metric: 'skin_contact', value: 0 });
    expect(decode('2a37', '00 48').values).toHaveLength(1);
  });

  it('u16 value (flags bit 0)', () => {
    expect(decode('2a37', '01 b4 00').values[0]).toMatchObject({
      metric: 'heart_rate',
      value: 180,
    });
  });

  it('energy expended in kJ and RR intervals in 1/1024 s -> ms, one reading each, oldest first', () => {
    const r = decode('2a37', '18 5a 10 00 00 04 00 02 33 03' /* 819/1024 s */);
    expect(r.values).toEqual([
      { metric: 'heart_rate', value: 90, unit: 'bpm' },
      { metric: 'energy_expended', value: 16, unit: 'kJ' },
      { metric: 'rr_interval', value: 1000, unit: 'ms', extra: { index: 0 } },
      { metric: 'rr_interval', value: 500, unit: 'ms', extra: { index: 1 } },
      { metric: 'rr_interval', value: 799.805, unit: 'ms', extra: { index: 2 } },
    ]);
    expect(r.extra?.rrCount).toBe(3);
  });

  it('rejects truncated payloads with the raw hex and a message that says what is missing', () => {
    const e = decodeError('2a37', '10 48 00');
    expect(e.message).toBe(
      'Heart Rate Measurement: truncated: flags say RR intervals but 1 byte left',
    );
    expect(e.hex).toBe('104800');
    expect(e.characteristic).toBe('2a37');
    expect(decodeError('2a37', '10 48 00 04 01').message).toMatch(/2 bytes each but 3 bytes left/);
    expect(decodeError('2a37', '01 48').message).toMatch(/heart rate \(u16\) needs 2 bytes/);
    expect(decodeError('2a37', '08 48 10').message).toMatch(/energy expended/);
    expect(decodeError('2a37', '').message).toMatch(/flags needs 1 byte but 0 bytes left/);
  });

  it('rejects an impossible heart rate', () => {
    expect(decodeError('2a37', '01 e8 03').message).toMatch(/impossible heart rate: 1000/);
  });
});

describe('Battery Level 0x2A19 and Device Information strings', () => {
  it('reads the percentage and rejects values over 100', () => {
    expect(decode('2a19', '61').values).toEqual([{ metric: 'battery', value: 97, unit: '%' }]);
    expect(decodeError('2a19', '65').message).toMatch(/impossible battery level: 101/);
    expect(decodeError('2a19', '').message).toMatch(/truncated/);
  });

  it('reads UTF-8 strings, dropping NUL padding', () => {
    const r = decodeCharacteristic('2a29', Buffer.from('Polar Electro Oy\0\0'));
    expect(r).toEqual({ values: [], extra: { manufacturer: 'Polar Electro Oy' } });
    expect(decodeCharacteristic('2a24', Buffer.from('H10')).extra).toEqual({ model: 'H10' });
    expect(decodeCharacteristic('2a26', Buffer.from('3.1.1')).extra).toEqual({ firmware: '3.1.1' });
  });
});

describe('Temperature Measurement 0x2A1C (HTS 1.0, GSS Temperature Measurement)', () => {
  it('Celsius FLOAT without optional fields', () => {
    expect(decode('2a1c', '00 6c 01 00 ff').values).toEqual([
      { metric: 'temperature', value: 36.4, unit: '°C' },
    ]);
  });

  it('Fahrenheit is converted to Celsius', () => {
    // 98.6 °F = FLOAT m=986 e=-1 -> 37 °C
    expect(decode('2a1c', '01 da 03 00 ff').values[0].value).toBe(37);
  });

  it('timestamp (Date Time, local) and temperature type', () => {
    const r = decode('2a1c', '06 e4 00 00 ff e6 07 0b 19 0c 1e 00 02');
    expect(r.values[0]).toEqual({
      metric: 'temperature',
      value: 22.8,
      unit: '°C',
      ts: local(2022, 11, 25, 12, 30, 0),
    });
    expect(r.extra?.temperatureType).toBe('body');
  });

  it('a NaN temperature is a reading with status nan and no value', () => {
    expect(decode('2a1c', '00 ff ff 7f 00').values[0]).toEqual({
      metric: 'temperature',
      value: null,
      unit: '°C',
      status: 'nan',
    });
  });

  it('rejects impossible timestamps and truncated fields', () => {
    expect(decodeError('2a1c', '02 6c 01 00 ff e6 07 0d 19 0c 1e 00').message).toMatch(
      /impossible timestamp: 2022-13-25/,
    );
    expect(decodeError('2a1c', '02 6c 01 00 ff e6 07 02 1e 0c 1e 00').message).toMatch(
      /impossible timestamp: 2022-2-30/,
    );
    expect(decodeError('2a1c', '06 6c 01 00 ff e6 07 0b 19 0c 1e 00').message).toMatch(
      /temperature type needs 1 byte but 0 bytes left/,
    );
  });

  it('a Date Time with year 0 means unknown: no device timestamp', () => {
    expect(decode('2a1c', '02 6c 01 00 ff 00 00 00 00 00 00 00').values[0].ts).toBeUndefined();
  });
});

describe('Weight Measurement 0x2A9D (WSS 1.0, GSS Weight Measurement)', () => {
  it('SI with timestamp, user id, BMI and height', () => {
    // 70 kg = 14000 × 0.005; BMI 22.9 = 229 × 0.1; height 1.75 m = 1750 × 0.001
    const r = decode('2a9d', '0e b0 36 ea 07 01 02 08 00 00 01 e5 00 d6 06');
    const ts = local(2026, 1, 2, 8, 0, 0);
    expect(r.values).toEqual([
      { metric: 'weight', value: 70, unit: 'kg', ts },
      { metric: 'bmi', value: 22.9, unit: 'kg/m²', ts },
      { metric: 'height', value: 1.75, unit: 'm', ts },
    ]);
    expect(r.extra).toMatchObject({ userId: 1, unit: 'si' });
  });

  it('imperial pounds and inches become kg and m', () => {
    // 154.32 lb = 15432 × 0.01; height 68.9 in = 689 × 0.1
    const r = decode('2a9d', '09 48 3c e5 00 b1 02');
    expect(r.values[0]).toMatchObject({ metric: 'weight', value: 69.9984 });
    expect(r.values[2]).toMatchObject({ metric: 'height', value: 1.7501 });
  });

  it('0xFFFF is "measurement unsuccessful": status invalid, no value; user 0xFF is unknown', () => {
    const r = decode('2a9d', '04 ff ff ff');
    expect(r.values[0]).toMatchObject({ metric: 'weight', value: null, status: 'invalid' });
    expect(r.extra?.userId).toBeNull();
  });

  it('BMI without height is truncated', () => {
    expect(decodeError('2a9d', '08 b0 36 e5 00').message).toMatch(/height needs 2 bytes/);
  });
});

describe('Blood Pressure Measurement 0x2A35 (BLS 1.1, GSS Blood Pressure Measurement)', () => {
  it('decodes a real capture (nRF Connect: systolic 127.0 mmHg; Stack Overflow q. 78168365)', () => {
    // flags 0xDE: mmHg, timestamp, pulse, user id, status (+ reserved bits 6-7, ignored)
    const r = decode('2a35', 'DE F6 F4 16 F3 FF 07 E4 07 01 14 08 2B 00 B2 F2 01 80 00');
    const ts = local(2020, 1, 20, 8, 43, 0);
    expect(r.values).toEqual([
      { metric: 'systolic', value: 127, unit: 'mmHg', ts },
      { metric: 'diastolic', value: 79, unit: 'mmHg', ts },
      { metric: 'mean_arterial_pressure', value: null, unit: 'mmHg', ts, status: 'nan' },
      { metric: 'pulse', value: 69, unit: 'bpm', ts },
    ]);
    expect(r.extra).toMatchObject({ userId: 1, unit: 'mmHg' });
    expect(r.extra?.measurementStatus).toMatchObject({
      bodyMovement: false,
      irregularPulse: false,
    });
  });

  it('kPa is converted to mmHg', () => {
    // 16.0 kPa (m=160, e=-1 -> 0xF0A0), 10.7 kPa (0xF06B), 12.5 kPa (0xF07D)
    const r = decode('2a35', '01 a0 f0 6b f0 7d f0');
    expect(r.values.map((v) => v.value)).toEqual([120.009852, 80.256589, 93.757697]);
  });

  it('measurement status bits', () => {
    const r = decode('2a35', '10 78 00 50 00 5d 00 0d 00');
    expect(r.extra?.measurementStatus).toEqual({
      bodyMovement: true,
      cuffTooLoose: false,
      irregularPulse: true,
      pulseRate: 'exceeds_upper_limit',
      improperPosition: false,
    });
  });

  it('truncated compound value', () => {
    expect(decodeError('2a35', '00 78 00 50').message).toMatch(
      /diastolic needs 2 bytes but 1 byte/,
    );
  });
});

describe('uuid forms and unknown characteristics', () => {
  it('accepts 16-bit and 128-bit forms in any case, with or without dashes', () => {
    for (const u of [
      '2A37',
      '0x2a37',
      '00002A37-0000-1000-8000-00805F9B34FB',
      '00002a3700001000800000805f9b34fb',
    ]) {
      expect(isKnownCharacteristic(u)).toBe(true);
      expect(decodeCharacteristic(u, hex('0048')).values[0].value).toBe(72);
    }
    expect(isKnownCharacteristic('2a52')).toBe(false);
  });

  it('accepts a plain Uint8Array; anything else is a DecodeError, never a TypeError', () => {
    expect(decodeCharacteristic('2a19', new Uint8Array([0x50]) as Buffer).values[0].value).toBe(80);
    expect(() => decodeCharacteristic('2a19', 'ff' as unknown as Buffer)).toThrow(DecodeError);
    expect(() => decodeCharacteristic(undefined as unknown as string, hex('50'))).toThrow(
      DecodeError,
    );
  });

  it('an unknown characteristic is a DecodeError', () => {
    expect(decodeError('2a52', '0101').message).toMatch(/unknown characteristic/);
  });
});
