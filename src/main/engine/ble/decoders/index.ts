import type { DeviceKind } from '../../../../shared/model.js';
import { own } from '../../../../shared/own.js';
import { readCurrentTime } from './datetime.js';
import { DecodeError, PayloadError } from './errors.js';
import {
  decodeBattery,
  decodeBloodPressure,
  decodeDisString,
  decodeHeartRate,
  decodeTemperature,
  decodeWeight,
} from './health.js';
import { decodeCsc, decodeCyclingPower, decodeRsc } from './fitness.js';
import { decodeGlucose, decodePlxContinuous, decodePlxSpotCheck } from './oximetry-glucose.js';
import { Reader } from './reader.js';
import type { DecodeResult, Decoder, DecoderState } from './types.js';
import { normalizeUuid } from './uuid.js';

export type { DecodedValue, DecodeResult, DecoderState } from './types.js';
export { DecodeError } from './errors.js';
export { createDecoderState, DEFAULT_WHEEL_CIRCUMFERENCE_M } from './fitness.js';
export { encodeCurrentTime, encodeDateTime, ADJUST_REASONS } from './datetime.js';
export { readSfloat, readFloat, encodeSfloat, encodeFloat } from './ieee11073.js';
export { normalizeUuid } from './uuid.js';

function decodeCurrentTime(data: Buffer): DecodeResult {
  const t = readCurrentTime(new Reader(data));
  return {
    values: [],
    extra: {
      time: t.time,
      iso: t.time === null ? null : new Date(t.time).toISOString(),
      dayOfWeek: t.dayOfWeek,
      fractions256: t.fractions256,
      adjustReason: t.adjustReason,
    },
  };
}

const dis =
  (uuid: string): Decoder =>
  (data) =>
    decodeDisString(uuid, data);

/** Characteristic (16-bit, lower-case) -> decoder and a name for logs. */
const DECODERS: Record<string, { name: string; decode: Decoder }> = {
  '2a37': { name: 'Heart Rate Measurement', decode: decodeHeartRate },
  '2a19': { name: 'Battery Level', decode: decodeBattery },
  '2a29': { name: 'Manufacturer Name String', decode: dis('2a29') },
  '2a24': { name: 'Model Number String', decode: dis('2a24') },
  '2a25': { name: 'Serial Number String', decode: dis('2a25') },
  '2a26': { name: 'Firmware Revision String', decode: dis('2a26') },
  '2a27': { name: 'Hardware Revision String', decode: dis('2a27') },
  '2a28': { name: 'Software Revision String', decode: dis('2a28') },
  '2a1c': { name: 'Temperature Measurement', decode: decodeTemperature },
  '2a1e': { name: 'Intermediate Temperature', decode: decodeTemperature },
  '2a9d': { name: 'Weight Measurement', decode: decodeWeight },
  '2a35': { name: 'Blood Pressure Measurement', decode: decodeBloodPressure },
  '2a36': { name: 'Intermediate Cuff Pressure', decode: decodeBloodPressure },
  '2a5e': { name: 'PLX Spot-check Measurement', decode: decodePlxSpotCheck },
  '2a5f': { name: 'PLX Continuous Measurement', decode: decodePlxContinuous },
  '2a53': { name: 'RSC Measurement', decode: decodeRsc },
  '2a5b': { name: 'CSC Measurement', decode: decodeCsc },
  '2a63': { name: 'Cycling Power Measurement', decode: decodeCyclingPower },
  '2a18': { name: 'Glucose Measurement', decode: decodeGlucose },
  '2a2b': { name: 'Current Time', decode: decodeCurrentTime },
};

/** The standard services a session understands, what they make a device, and what to read. */
export const KNOWN_SERVICES: Record<
  string,
  { name: string; kind: DeviceKind; characteristics: string[] }
> = {
  '180d': { name: 'Heart Rate', kind: 'heart_rate', characteristics: ['2a37'] },
  '1809': { name: 'Health Thermometer', kind: 'thermometer', characteristics: ['2a1c', '2a1e'] },
  '181d': { name: 'Weight Scale', kind: 'scale', characteristics: ['2a9d'] },
  '1810': { name: 'Blood Pressure', kind: 'blood_pressure', characteristics: ['2a35', '2a36'] },
  '1822': { name: 'Pulse Oximeter', kind: 'pulse_oximeter', characteristics: ['2a5e', '2a5f'] },
  '1808': { name: 'Glucose', kind: 'glucose', characteristics: ['2a18'] },
  '1814': { name: 'Running Speed and Cadence', kind: 'running', characteristics: ['2a53'] },
  '1816': { name: 'Cycling Speed and Cadence', kind: 'cycling', characteristics: ['2a5b'] },
  '1818': { name: 'Cycling Power', kind: 'cycling', characteristics: ['2a63'] },
  '180f': { name: 'Battery', kind: 'other', characteristics: ['2a19'] },
  '180a': {
    name: 'Device Information',
    kind: 'other',
    characteristics: ['2a29', '2a24', '2a25', '2a26', '2a27', '2a28'],
  },
  '1805': { name: 'Current Time', kind: 'other', characteristics: ['2a2b'] },
};

export function isKnownCharacteristic(uuid: string): boolean {
  return Object.hasOwn(DECODERS, normalizeUuid(uuid));
}

export function characteristicName(uuid: string): string | undefined {
  return DECODERS[normalizeUuid(uuid)]?.name;
}

/**
 * Decodes one characteristic value. Throws DecodeError (with the raw hex) and nothing else:
 * whatever a device sends, the session logs it and goes on.
 */
export function decodeCharacteristic(
  uuid: string,
  data: Buffer,
  state?: DecoderState,
): DecodeResult {
  // noble hands over Buffers; a plain Uint8Array (tests, other bindings) is viewed as one.
  const raw: unknown = data;
  const buf =
    raw instanceof Uint8Array && !Buffer.isBuffer(raw)
      ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
      : raw;
  const hex = Buffer.isBuffer(buf) ? buf.toString('hex') : '';
  if (typeof uuid !== 'string')
    throw new DecodeError('characteristic uuid is not a string', hex, '');
  const key = normalizeUuid(uuid);
  const entry = own(DECODERS, key);
  if (!entry) throw new DecodeError(`unknown characteristic ${uuid}`, hex, key);
  if (!Buffer.isBuffer(buf)) throw new DecodeError('payload is not a Buffer', hex, key);
  try {
    return entry.decode(buf, state);
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    const why = err instanceof PayloadError ? err.message : `decoder failed: ${String(err)}`;
    throw new DecodeError(`${entry.name}: ${why}`, hex, key);
  }
}
