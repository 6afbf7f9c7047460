import { PayloadError } from './errors.js';
import type { Reader } from './reader.js';

/*
 * Date Time (GATT Specification Supplement, "Date Time" 0x2A08): year u16 (1582..9999, 0 unknown),
 * month (1..12, 0 unknown), day (1..31, 0 unknown), hours, minutes, seconds.
 * The fields carry no time zone: devices keep the local wall-clock time they were set to (we set it
 * with Current Time on connect, in the host's local time), so they are read back as local time.
 */

/** Reads 7 bytes; returns ms since the epoch, or null when the device says the date is unknown. */
export function readDateTime(r: Reader, field = 'timestamp'): number | null {
  r.need(7, field);
  const year = r.u16(field);
  const month = r.u8(field);
  const day = r.u8(field);
  const hours = r.u8(field);
  const minutes = r.u8(field);
  const seconds = r.u8(field);
  return toEpoch(field, year, month, day, hours, minutes, seconds);
}

function toEpoch(
  field: string,
  year: number,
  month: number,
  day: number,
  hours: number,
  minutes: number,
  seconds: number,
): number | null {
  const text = `${year}-${month}-${day} ${hours}:${minutes}:${seconds}`;
  if (hours > 23 || minutes > 59 || seconds > 59 || month > 12 || day > 31) {
    throw new PayloadError(`impossible ${field}: ${text}`);
  }
  if (year !== 0 && (year < 1582 || year > 9999)) {
    throw new PayloadError(`impossible ${field}: year ${year} outside 1582..9999`);
  }
  if (year === 0 || month === 0 || day === 0) return null;
  const date = new Date(year, month - 1, day, hours, minutes, seconds);
  // Date rolls 31 February over into March; a device that sends it has a broken clock.
  if (date.getDate() !== day) throw new PayloadError(`impossible ${field}: ${text}`);
  return date.getTime();
}

export const ADJUST_REASONS = {
  manualTimeUpdate: 0x01,
  externalReferenceTimeUpdate: 0x02,
  changeOfTimeZone: 0x04,
  changeOfDst: 0x08,
} as const;

export interface CurrentTime {
  /** ms since the epoch, or null when the device does not know the date. */
  time: number | null;
  /** 1 = Monday .. 7 = Sunday, 0 unknown. */
  dayOfWeek: number;
  fractions256: number;
  adjustReason: number;
}

/** Current Time 0x2A2B: Exact Time 256 (Day Date Time + Fractions256) + Adjust Reason: 10 bytes. */
export function readCurrentTime(r: Reader): CurrentTime {
  const base = readDateTime(r, 'current time');
  const dayOfWeek = r.u8('day of week');
  if (dayOfWeek > 7) throw new PayloadError(`impossible day of week: ${dayOfWeek}`);
  const fractions256 = r.u8('fractions256');
  const adjustReason = r.u8('adjust reason');
  const time = base === null ? null : base + Math.floor((fractions256 * 1000) / 256);
  return { time, dayOfWeek, fractions256, adjustReason };
}

/** Encodes the host's local time for a write to Current Time on connect. */
export function encodeCurrentTime(date: Date, adjustReason = 0): Buffer {
  const out = Buffer.alloc(10);
  out.writeUInt16LE(date.getFullYear(), 0);
  out[2] = date.getMonth() + 1;
  out[3] = date.getDate();
  out[4] = date.getHours();
  out[5] = date.getMinutes();
  out[6] = date.getSeconds();
  const jsDay = date.getDay(); // 0 = Sunday
  out[7] = jsDay === 0 ? 7 : jsDay;
  out[8] = Math.floor((date.getMilliseconds() * 256) / 1000);
  out[9] = adjustReason & 0xff;
  return out;
}

/** Encodes a Date Time field (7 bytes) in local time; for simulated devices and tests. */
export function encodeDateTime(date: Date): Buffer {
  return encodeCurrentTime(date).subarray(0, 7);
}
