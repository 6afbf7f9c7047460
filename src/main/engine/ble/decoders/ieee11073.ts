import type { ReadingStatus } from '../../../../shared/model.js';

/** A decoded IEEE-11073-20601 number: a finite value, or a special with a status and no value. */
export interface Ieee11073 {
  value: number | null;
  status: ReadingStatus;
}

// IEEE 11073-20601 §8.16 (and REFERENCE.md): SFLOAT specials are whole 16-bit patterns.
const SFLOAT_SPECIALS: Record<number, ReadingStatus> = {
  0x07ff: 'nan',
  0x0800: 'nres',
  0x07fe: 'pos_inf',
  0x0802: 'neg_inf',
  0x0801: 'invalid', // reserved for future use
};

// FLOAT specials: mantissa patterns with exponent 0.
const FLOAT_SPECIALS: Record<number, ReadingStatus> = {
  0x7fffff: 'nan',
  0x800000: 'nres',
  0x7ffffe: 'pos_inf',
  0x800002: 'neg_inf',
  0x800001: 'invalid', // reserved for future use
};

/** Round away binary noise from m × 10^e so 114 × 10^-1 prints as 11.4, not 11.400000000000002. */
function scale(mantissa: number, exponent: number): number {
  const v = exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
  return Number(v.toPrecision(12));
}

/** 16-bit SFLOAT: signed 4-bit exponent (top), signed 12-bit mantissa. */
export function readSfloat(raw: number): Ieee11073 {
  const special = SFLOAT_SPECIALS[raw];
  if (special) return { value: null, status: special };
  let mantissa = raw & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = raw >> 12;
  if (exponent >= 0x8) exponent -= 0x10;
  return { value: scale(mantissa, exponent), status: 'ok' };
}

/** 32-bit FLOAT: signed 8-bit exponent (top), signed 24-bit mantissa. */
export function readFloat(raw: number): Ieee11073 {
  const mantissaRaw = raw & 0xffffff;
  const exponentRaw = Math.floor(raw / 0x1000000) & 0xff;
  if (exponentRaw === 0) {
    const special = FLOAT_SPECIALS[mantissaRaw];
    if (special) return { value: null, status: special };
  }
  const mantissa = mantissaRaw >= 0x800000 ? mantissaRaw - 0x1000000 : mantissaRaw;
  const exponent = exponentRaw >= 0x80 ? exponentRaw - 0x100 : exponentRaw;
  return { value: scale(mantissa, exponent), status: 'ok' };
}

/** Encoders for the simulated devices and round-trip tests. */
export function encodeSfloat(mantissa: number, exponent: number): number {
  return ((exponent & 0x0f) << 12) | (mantissa & 0x0fff);
}

export function encodeFloat(mantissa: number, exponent: number): number {
  return ((exponent & 0xff) * 0x1000000 + (mantissa & 0xffffff)) >>> 0;
}
