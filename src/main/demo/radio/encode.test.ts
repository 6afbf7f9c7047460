import { describe, expect, it } from 'vitest';
import { decodeBthome } from '../../engine/ble/bthome/index.js';
import { decodeCharacteristic } from '../../engine/ble/decoders/index.js';
import * as enc from './encode.js';

const value = (uuid: string, data: Buffer, metric: string) =>
  decodeCharacteristic(uuid, data).values.find((v) => v.metric === metric);

describe('simulator encoders (checked against the decoders and spec vectors)', () => {
  it('encodes IEEE-11073 numbers', () => {
    expect(enc.sfloat(36.6, -1).toString('hex')).toBe('6ef1'); // 0xF16E little-endian
    expect(enc.float32(36.6, -2).toString('hex')).toBe('4c0e00fe'); // mantissa 3660 (0x000E4C), exponent -2 (0xFE)
  });

  it('round-trips heart rate with contact, energy and RR intervals', () => {
    const d = enc.heartRate({ bpm: 72, contact: true, energyKj: 12, rrMs: [833, 841] });
    expect(d[0]).toBe(0x1e);
    expect(value('2a37', d, 'heart_rate')?.value).toBe(72);
    expect(value('2a37', d, 'energy_expended')?.value).toBe(12);
    const rr = decodeCharacteristic('2a37', d).values.filter((v) => v.metric === 'rr_interval');
    expect(rr.map((v) => Math.round(v.value!))).toEqual([833, 841]);
    expect(value('2a37', enc.heartRate({ bpm: 300 }), 'heart_rate')?.value).toBe(300);
  });

  it('round-trips temperature, weight and glucose with device timestamps', () => {
    const ts = new Date(2026, 10, 25, 21, 30, 5).getTime();
    const t = value('2a1c', enc.temperature(36.62, ts), 'temperature');
    expect(t).toMatchObject({ value: 36.62, ts });
    const w = enc.weight(80.5, ts, 1, 1.78);
    expect(value('2a9d', w, 'weight')).toMatchObject({ value: 80.5, ts });
    expect(value('2a9d', w, 'bmi')?.value).toBeCloseTo(25.4, 1);
    const g = decodeCharacteristic('2a18', enc.glucose(7, ts, 5.3));
    expect(g.extra?.sequence).toBe(7);
    expect(g.values[0]).toMatchObject({ metric: 'glucose', ts });
    expect(g.values[0].value).toBeCloseTo(5.3, 3);
  });

  it('encrypts BTHome the way the decoder decrypts it; a wrong key fails', () => {
    const key = Buffer.from('231d39c1d7cc1ab1aee224cd096db932', 'hex');
    const mac = '54:48:e6:8f:80:a5';
    const data = enc.bthome(
      [
        { id: 0x02, value: 22.5 },
        { id: 0x01, value: 90 },
      ],
      { mac, key, counter: 0x332211 },
    );
    const r = decodeBthome(data, { mac, key });
    expect(r.encrypted).toBe(true);
    expect(r.counter).toBe(0x332211);
    expect(r.values.find((v) => v.metric === 'temperature')?.value).toBe(22.5);
    expect(r.values.find((v) => v.metric === 'battery')?.value).toBe(90);
    expect(() => decodeBthome(data, { mac, key: Buffer.alloc(16, 1) })).toThrow(/wrong bind key/);
    const plain = decodeBthome(enc.bthome([{ id: 0x03, value: 45.12 }]));
    expect(plain.values[0]).toMatchObject({ metric: 'humidity', value: 45.12 });
  });
});
