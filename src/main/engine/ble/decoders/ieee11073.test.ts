import { describe, expect, it } from 'vitest';
import { encodeFloat, encodeSfloat, readFloat, readSfloat } from './ieee11073.js';

// IEEE 11073-20601 §8.16.2 (FLOAT-Type / SFLOAT-Type) and the special values table, as quoted in
// the Bluetooth GATT Specification Supplement ("medfloat16" / "medfloat32").
describe('IEEE-11073 SFLOAT', () => {
  it('decodes mantissa × 10^exponent with signed fields', () => {
    expect(readSfloat(0x0078)).toEqual({ value: 120, status: 'ok' }); // e=0, m=120
    expect(readSfloat(0xf072)).toEqual({ value: 11.4, status: 'ok' }); // e=-1, m=114
    // nRF Connect capture quoted on Stack Overflow (q. 78168365): 0xF4F6 = 127.0 mmHg.
    expect(readSfloat(0xf4f6)).toEqual({ value: 127, status: 'ok' });
  });

  it('handles negative mantissas and exponents', () => {
    expect(readSfloat(0x0fff).value).toBe(-1); // e=0, m=-1
    expect(readSfloat(0xe800).value).toBe(-20.48); // e=-2, m=-2048
    // Only the exact patterns are special: 0x17FF is e=1, m=2047.
    expect(readSfloat(0x17ff)).toEqual({ value: 20470, status: 'ok' });
  });

  it('turns the special values into statuses, never numbers', () => {
    expect(readSfloat(0x07ff)).toEqual({ value: null, status: 'nan' });
    expect(readSfloat(0x0800)).toEqual({ value: null, status: 'nres' });
    expect(readSfloat(0x07fe)).toEqual({ value: null, status: 'pos_inf' });
    expect(readSfloat(0x0802)).toEqual({ value: null, status: 'neg_inf' });
    expect(readSfloat(0x0801)).toEqual({ value: null, status: 'invalid' });
  });

  it('round-trips through the encoder', () => {
    expect(readSfloat(encodeSfloat(-5, 2)).value).toBe(-500);
    expect(readSfloat(encodeSfloat(95, -5)).value).toBe(0.00095);
  });
});

describe('IEEE-11073 FLOAT', () => {
  it('decodes 36.4 °C (0xFF00016C: e=-1, m=364)', () => {
    expect(readFloat(0xff00016c)).toEqual({ value: 36.4, status: 'ok' });
  });

  it('decodes negative mantissas', () => {
    expect(readFloat(encodeFloat(-125, -1)).value).toBe(-12.5);
  });

  it('turns the special values into statuses', () => {
    expect(readFloat(0x007fffff)).toEqual({ value: null, status: 'nan' });
    expect(readFloat(0x00800000)).toEqual({ value: null, status: 'nres' });
    expect(readFloat(0x007ffffe)).toEqual({ value: null, status: 'pos_inf' });
    expect(readFloat(0x00800002)).toEqual({ value: null, status: 'neg_inf' });
  });

  it('only treats the patterns as special with exponent 0', () => {
    expect(readFloat(0x017fffff)).toEqual({ value: 83886070, status: 'ok' });
  });
});
