import { PayloadError } from './errors.js';
import { readFloat, readSfloat, type Ieee11073 } from './ieee11073.js';

/**
 * A cursor over a little-endian payload. Every read checks the remaining length first, so a short
 * payload becomes a PayloadError naming the field instead of a RangeError from Buffer.
 */
export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  need(n: number, field: string): void {
    if (this.remaining < n) {
      const left = this.remaining;
      throw new PayloadError(
        `truncated: ${field} needs ${n} byte${n === 1 ? '' : 's'} but ${left} byte${left === 1 ? '' : 's'} left`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.offset++];
  }

  s8(field: string): number {
    const v = this.u8(field);
    return v > 0x7f ? v - 0x100 : v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.buf[this.offset] | (this.buf[this.offset + 1] << 8);
    this.offset += 2;
    return v;
  }

  s16(field: string): number {
    const v = this.u16(field);
    return v > 0x7fff ? v - 0x10000 : v;
  }

  u24(field: string): number {
    this.need(3, field);
    const b = this.buf;
    const o = this.offset;
    this.offset += 3;
    return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
  }

  s24(field: string): number {
    const v = this.u24(field);
    return v > 0x7fffff ? v - 0x1000000 : v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const o = this.offset;
    this.offset += 4;
    // Multiply the top byte instead of shifting it: `<< 24` would turn the result negative.
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
  }

  s32(field: string): number {
    const v = this.u32(field);
    return v > 0x7fffffff ? v - 0x100000000 : v;
  }

  sfloat(field: string): Ieee11073 {
    return readSfloat(this.u16(field));
  }

  float(field: string): Ieee11073 {
    return readFloat(this.u32(field));
  }

  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}
