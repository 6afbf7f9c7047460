import { own } from '../../../../shared/own.js';
import { readDateTime } from './datetime.js';
import { PayloadError } from './errors.js';
import { Reader } from './reader.js';
import type { DecodeResult, DecodedValue } from './types.js';
import { medical, reading, round } from './values.js';

/*
 * Field layouts from the Bluetooth SIG GATT Specification Supplement (flags first, then each field
 * in order, present only when its flag is set; all little-endian).
 */

/** Heart Rate Measurement 0x2A37 (Heart Rate Service 1.0; GSS §3.113). */
export function decodeHeartRate(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const bpm = flags & 0x01 ? r.u16('heart rate (u16)') : r.u8('heart rate (u8)');
  if (bpm > 300) throw new PayloadError(`impossible heart rate: ${bpm} bpm`);
  const values: DecodedValue[] = [reading('heart_rate', bpm)];
  const extra: Record<string, unknown> = {};
  // Bit 2: contact feature supported; bit 1 then says whether skin contact is detected.
  if (flags & 0x04) {
    const contact = (flags & 0x02) !== 0;
    extra.contact = contact;
    values.push(reading('skin_contact', contact ? 1 : 0));
  }
  if (flags & 0x08) {
    const kj = r.u16('energy expended');
    values.push(reading('energy_expended', kj));
  }
  if (flags & 0x10) {
    const left = r.remaining;
    if (left < 2) {
      throw new PayloadError(
        `truncated: flags say RR intervals but ${left} byte${left === 1 ? '' : 's'} left`,
      );
    }
    if (left % 2 !== 0) {
      throw new PayloadError(`truncated: RR intervals take 2 bytes each but ${left} bytes left`);
    }
    // Oldest first, 1/1024 s each; one reading per interval so HRV keeps every beat.
    let index = 0;
    while (r.remaining >= 2) {
      const raw = r.u16('RR interval');
      values.push(reading('rr_interval', round((raw * 1000) / 1024, 3), undefined, { index }));
      index++;
    }
    extra.rrCount = index;
  }
  return { values, extra };
}

/** Battery Level 0x2A19: u8 percent, 0..100. */
export function decodeBattery(data: Buffer): DecodeResult {
  const level = new Reader(data).u8('battery level');
  if (level > 100) throw new PayloadError(`impossible battery level: ${level} %`);
  return { values: [reading('battery', level)] };
}

const DIS_FIELDS: Record<string, string> = {
  '2a29': 'manufacturer',
  '2a24': 'model',
  '2a25': 'serial',
  '2a26': 'firmware',
  '2a27': 'hardware',
  '2a28': 'software',
};

/** Device Information strings (UTF-8; some devices pad with NULs, which are dropped). */
export function decodeDisString(uuid: string, data: Buffer): DecodeResult {
  const field = own(DIS_FIELDS, uuid) ?? 'text';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data).replace(/\0+$/, '').trim();
  return { values: [], extra: { [field]: text } };
}

export const isDisString = (uuid: string): boolean => Object.hasOwn(DIS_FIELDS, uuid);

const TEMPERATURE_TYPES = [
  undefined,
  'armpit',
  'body',
  'ear',
  'finger',
  'gastro_intestinal',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
];

/** Temperature Measurement 0x2A1C (and Intermediate Temperature 0x2A1E, same layout). */
export function decodeTemperature(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const n = r.float('temperature');
  const fahrenheit = (flags & 0x01) !== 0;
  const ts = flags & 0x02 ? readDateTime(r) : null;
  const extra: Record<string, unknown> = { unit: fahrenheit ? 'fahrenheit' : 'celsius' };
  if (flags & 0x04) {
    const type = r.u8('temperature type');
    extra.temperatureType = TEMPERATURE_TYPES[type] ?? `reserved_${type}`;
  }
  const toC = fahrenheit ? (f: number) => ((f - 32) * 5) / 9 : undefined;
  const value = medical('temperature', n, toC, ts);
  if (value.value !== null && (value.value < -100 || value.value > 200)) {
    throw new PayloadError(`impossible temperature: ${value.value} °C`);
  }
  return { values: [value], extra };
}

const LB_TO_KG = 0.45359237;
const IN_TO_M = 0.0254;

/** Weight Measurement 0x2A9D (Weight Scale Service; GSS §3.252). */
export function decodeWeight(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const imperial = (flags & 0x01) !== 0;
  const raw = r.u16('weight');
  const ts = flags & 0x02 ? readDateTime(r) : null;
  const extra: Record<string, unknown> = { unit: imperial ? 'imperial' : 'si' };
  if (flags & 0x04) {
    const userId = r.u8('user id');
    extra.userId = userId === 0xff ? null : userId; // 0xFF: unknown user
  }
  const values: DecodedValue[] = [];
  // 0xFFFF means "measurement unsuccessful": a reading with a status, never 327.675 kg.
  if (raw === 0xffff) {
    values.push({ ...reading('weight', 0, ts), value: null, status: 'invalid' });
  } else {
    const kg = imperial ? raw * 0.01 * LB_TO_KG : raw * 0.005;
    values.push(reading('weight', round(kg, 4), ts));
  }
  if (flags & 0x08) {
    const bmi = r.u16('BMI');
    const height = r.u16('height');
    values.push(reading('bmi', round(bmi * 0.1, 1), ts));
    values.push(
      reading('height', round(imperial ? height * 0.1 * IN_TO_M : height * 0.001, 4), ts),
    );
  }
  return { values, extra };
}

const KPA_TO_MMHG = 7.500615758;

/** Blood Pressure Measurement 0x2A35 (and Intermediate Cuff Pressure 0x2A36, same layout). */
export function decodeBloodPressure(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const kpa = (flags & 0x01) !== 0;
  const systolic = r.sfloat('systolic');
  const diastolic = r.sfloat('diastolic');
  const map = r.sfloat('mean arterial pressure');
  const ts = flags & 0x02 ? readDateTime(r) : null;
  const toMmHg = kpa ? (v: number) => v * KPA_TO_MMHG : undefined;
  const values: DecodedValue[] = [
    medical('systolic', systolic, toMmHg, ts),
    medical('diastolic', diastolic, toMmHg, ts),
    medical('mean_arterial_pressure', map, toMmHg, ts),
  ];
  const extra: Record<string, unknown> = { unit: kpa ? 'kPa' : 'mmHg' };
  if (flags & 0x04) values.push(medical('pulse', r.sfloat('pulse rate'), undefined, ts));
  if (flags & 0x08) {
    const userId = r.u8('user id');
    extra.userId = userId === 0xff ? null : userId;
  }
  if (flags & 0x10) {
    const s = r.u16('measurement status');
    const range = (s >> 3) & 0x03;
    extra.measurementStatus = {
      bodyMovement: (s & 0x01) !== 0,
      cuffTooLoose: (s & 0x02) !== 0,
      irregularPulse: (s & 0x04) !== 0,
      pulseRate: ['within_range', 'exceeds_upper_limit', 'below_lower_limit', 'reserved'][range],
      improperPosition: (s & 0x20) !== 0,
    };
  }
  for (const v of values) {
    if (v.value !== null && (v.value < 0 || v.value > 400)) {
      throw new PayloadError(`impossible ${v.metric}: ${v.value} ${v.unit}`);
    }
  }
  return { values, extra };
}
