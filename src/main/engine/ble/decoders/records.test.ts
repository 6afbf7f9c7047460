import { describe, expect, it } from 'vitest';
import { DecodeError, decodeCharacteristic, encodeCurrentTime } from './index.js';

/* PLX 0x2A5E/0x2A5F (PLXS 1.0), Glucose 0x2A18 (GLS 1.0.1), RSC 0x2A53 (RSCS 1.0), Current Time
 * 0x2A2B (CTS 1.1): vectors built from the GSS field layouts of each characteristic. */
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const decode = (uuid: string, h: string) => decodeCharacteristic(uuid, hex(h));
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).getTime();
const errorOf = (uuid: string, h: string) => {
  try {
    decode(uuid, h);
  } catch (e) {
    if (e instanceof DecodeError) return e.message;
    throw e;
  }
  throw new Error('expected a DecodeError');
};

describe('PLX Spot-check Measurement 0x2A5E', () => {
  it('SpO2 and pulse rate only', () => {
    expect(decode('2a5e', '00 62 00 48 00').values).toEqual([
      { metric: 'spo2', value: 98, unit: '%' },
      { metric: 'pulse', value: 72, unit: 'bpm' },
    ]);
  });

  it('timestamp, measurement status, device status and pulse amplitude index', () => {
    const r = decode('2a5e', '0f 61 00 4b 00 ea 07 03 04 05 06 07 20 00 01 00 00 19 f0');
    const ts = local(2026, 3, 4, 5, 6, 7);
    expect(r.values).toEqual([
      { metric: 'spo2', value: 97, unit: '%', ts },
      { metric: 'pulse', value: 75, unit: 'bpm', ts },
      { metric: 'perfusion_index', value: 2.5, unit: '%', ts },
    ]);
    expect(r.extra).toEqual({ measurementStatus: 0x0020, deviceAndSensorStatus: 1 });
  });

  it('"device clock is not set" (bit 4) drops the timestamp', () => {
    const r = decode('2a5e', '11 61 00 4b 00 ea 07 03 04 05 06 07');
    expect(r.values[0].ts).toBeUndefined();
    expect(r.extra?.clockNotSet).toBe(true);
  });

  it('NRes SpO2 is a status; SpO2 over 100 % is impossible', () => {
    expect(decode('2a5e', '00 00 08 48 00').values[0]).toMatchObject({
      value: null,
      status: 'nres',
    });
    expect(errorOf('2a5e', '00 65 00 48 00')).toMatch(/impossible SpO2: 101/);
  });
});

describe('PLX Continuous Measurement 0x2A5F', () => {
  it('normal values are readings; fast and slow go to extra', () => {
    const r = decode('2a5f', '13 62 00 46 00 61 00 48 00 63 00 44 00 0a f0');
    expect(r.values).toEqual([
      { metric: 'spo2', value: 98, unit: '%' },
      { metric: 'pulse', value: 70, unit: 'bpm' },
      { metric: 'perfusion_index', value: 1, unit: '%' },
    ]);
    expect(r.extra).toEqual({ fast: { spo2: 97, pulse: 72 }, slow: { spo2: 99, pulse: 68 } });
  });

  it('truncated fast field', () => {
    expect(errorOf('2a5f', '01 62 00 46 00 61 00')).toMatch(/fast pulse rate needs 2 bytes/);
  });
});

describe('Glucose Measurement 0x2A18', () => {
  it('kg/L with time offset, type and sample location; sequence number for RACP', () => {
    // seq 1; base 2026-01-02 08:00:00; +5 min; 95 mg/dL = 0.00095 kg/L (m=95, e=-5 -> 0xB05F);
    // capillary whole blood (1) from a finger (1)
    const r = decode('2a18', '03 01 00 ea 07 01 02 08 00 00 05 00 5f b0 11');
    expect(r.values).toEqual([
      { metric: 'glucose', value: 5.273, unit: 'mmol/L', ts: local(2026, 1, 2, 8, 5, 0) },
    ]);
    expect(r.extra).toMatchObject({
      sequence: 1,
      type: 'capillary_whole_blood',
      sampleLocation: 'finger',
      contextFollows: false,
    });
  });

  it('mol/L, sensor status, context flag', () => {
    // 0.0055 mol/L (m=55, e=-4 -> 0xC037) = 5.5 mmol/L
    const r = decode('2a18', '1e 2a 01 ea 07 01 02 08 00 00 37 c0 f2 04 00');
    expect(r.values[0]).toMatchObject({ metric: 'glucose', value: 5.5 });
    expect(r.extra).toMatchObject({
      sequence: 298,
      sampleLocation: 'not_available',
      type: 'capillary_plasma',
      sensorStatus: 4,
      contextFollows: true,
    });
  });

  it('a record without a concentration still carries its sequence number', () => {
    const r = decode('2a18', '00 07 00 ea 07 01 02 08 00 00');
    expect(r).toEqual({ values: [], extra: { sequence: 7, contextFollows: false } });
  });

  it('truncated base time', () => {
    expect(errorOf('2a18', '00 07 00 ea 07 01')).toMatch(
      /base time needs 7 bytes but 3 bytes left/,
    );
  });
});

describe('RSC Measurement 0x2A53', () => {
  it('speed 1/256 m/s, cadence, stride cm -> m, distance dm -> m', () => {
    const r = decode('2a53', '07 00 03 aa 70 00 39 30 00 00');
    expect(r.values).toEqual([
      { metric: 'speed', value: 3, unit: 'm/s' },
      { metric: 'cadence', value: 170, unit: 'rpm' },
      { metric: 'stride_length', value: 1.12, unit: 'm' },
      { metric: 'distance', value: 1234.5, unit: 'm' },
    ]);
    expect(r.extra).toEqual({ running: true });
  });

  it('walking without optional fields', () => {
    expect(decode('2a53', '00 80 01 5a').values.map((v) => v.value)).toEqual([1.5, 90]);
  });
});

describe('Current Time 0x2A2B', () => {
  it('decodes Exact Time 256 and adjust reason', () => {
    // 2022-11-25 12:30:00, Friday (5), fractions256 = 128 (+500 ms), manual update
    const r = decode('2a2b', 'e6 07 0b 19 0c 1e 00 05 80 01');
    expect(r.values).toEqual([]);
    expect(r.extra).toMatchObject({
      time: local(2022, 11, 25, 12, 30, 0) + 500,
      dayOfWeek: 5,
      fractions256: 128,
      adjustReason: 1,
    });
  });

  it('encodes the host time to the same bytes', () => {
    const date = new Date(2022, 10, 25, 12, 30, 0, 500);
    expect(encodeCurrentTime(date, 1).toString('hex')).toBe('e6070b190c1e00058001');
    expect(encodeCurrentTime(new Date(2026, 0, 4, 0, 0, 0)).subarray(7, 8)[0]).toBe(7); // Sunday
  });

  it('rejects an impossible day of week and a short payload', () => {
    expect(errorOf('2a2b', 'e6 07 0b 19 0c 1e 00 08 80 01')).toMatch(/day of week: 8/);
    expect(errorOf('2a2b', 'e6 07 0b 19 0c 1e 00 05 80')).toMatch(/adjust reason/);
  });
});
