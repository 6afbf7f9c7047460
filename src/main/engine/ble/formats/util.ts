/**
 * Small helpers every advertisement format uses: finding its service data or manufacturer data,
 * building values in canonical metrics, and turning any problem with the bytes into the one error
 * a format may throw (DecodeError, with the raw bytes and the format's id).
 */
import { unitOf, type Metric } from '../../../../shared/metrics.js';
import { DecodeError, normalizeUuid } from '../decoders/index.js';
import { PayloadError } from '../decoders/errors.js';
import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';

/** The service data for a 16-bit UUID ('fe95'), however the radio spelled the UUID. */
export function serviceDataOf(a: Advertisement, uuid16: string): Buffer | undefined {
  for (const d of a.serviceData) {
    if (d.uuid === uuid16 || normalizeUuid(d.uuid) === uuid16) return d.data;
  }
  return undefined;
}

/** The Bluetooth SIG company id at the front of the manufacturer data, if there is one. */
export function companyOf(a: Advertisement): number | undefined {
  const m = a.manufacturerData;
  return m && m.length >= 2 ? m.readUInt16LE(0) : undefined;
}

/** Rounds away binary noise (0.1 * 3 = 0.30000000000000004) without losing real digits. */
export const round = (x: number, decimals: number): number => Number(x.toFixed(decimals));

/** A value in a canonical metric, with extra facts (the sensor's own name, an instance...). */
export function val(metric: Metric, value: number, extra?: Record<string, unknown>): DecodedValue {
  const v: DecodedValue = { metric, value, unit: unitOf(metric) };
  if (extra) v.extra = extra;
  return v;
}

/** A quantity with no canonical metric (conductivity, formaldehyde): 'generic' with its unit. */
export function generic(name: string, value: number, unit: string): DecodedValue {
  return { metric: 'generic', value, unit: '', extra: { sensor: name, unit } };
}

/** A binary state (door, motion): metric 'state' with the sensor's name. */
export function binary(name: string, on: boolean): DecodedValue {
  return { metric: 'state', value: on ? 1 : 0, unit: '', extra: { sensor: name } };
}

/** Throws the format's DecodeError: "<Name>: <what is wrong>", with the bytes as hex. */
export function fail(format: { id: string; name: string }, message: string, data?: Buffer): never {
  throw new DecodeError(`${format.name}: ${message}`, data?.toString('hex') ?? '', format.id);
}

/**
 * Runs a decoder body; a truncated field (the Reader's PayloadError) or a RangeError from Buffer
 * becomes the format's DecodeError, so nothing else ever leaves a format.
 */
export function guarded<T>(format: { id: string; name: string }, data: Buffer, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    if (err instanceof PayloadError || err instanceof RangeError) fail(format, err.message, data);
    throw err;
  }
}

/** Checks a length: exactly one of `sizes`, or at least `min` when `sizes` is empty. */
export function needLength(
  format: { id: string; name: string },
  data: Buffer,
  what: string,
  min: number,
  max = 64,
): void {
  if (data.length < min)
    fail(format, `${what} too short (${data.length} bytes, need ${min})`, data);
  if (data.length > max)
    fail(format, `${what} too long (${data.length} bytes, at most ${max})`, data);
}

/** The device's MAC as 6 bytes in printed order, from 'aa:bb:cc:dd:ee:ff'. */
export function macBytes(mac: string): Buffer | null {
  const hex = mac.replace(/[:\-\s]/g, '');
  return /^[0-9a-fA-F]{12}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/** 6 bytes (printed order) as 'AA:BB:CC:DD:EE:FF'. */
export const macText = (b: Buffer): string =>
  [...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');

/**
 * Refuses an encrypted packet whose counter did not increase: a replay (or a forgery of an old
 * packet) must not become a reading. The receiver already drops exact repeats before decoding,
 * so a packet that reaches here with an old counter is not the sensor saying the same thing twice.
 */
export function checkCounter(
  format: { id: string; name: string },
  state: { counter?: number },
  counter: number,
  data: Buffer,
): void {
  const last = state.counter;
  if (last !== undefined && counter <= last) {
    fail(
      format,
      `replayed packet: counter ${counter} is not above the last accepted ${last}`,
      data,
    );
  }
  state.counter = counter;
}

export { DecodeError };
