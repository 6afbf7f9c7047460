import { readDateTime } from './datetime.js';
import { PayloadError } from './errors.js';
import type { Ieee11073 } from './ieee11073.js';
import { Reader } from './reader.js';
import type { DecodeResult, DecodedValue } from './types.js';
import { medical, round } from './values.js';

/* Layouts from the Pulse Oximeter Service 1.0 and Glucose Service 1.0.1 (GSS §3.174, §3.175, §3.106). */

function checkSpo2(v: DecodedValue): DecodedValue {
  if (v.value !== null && (v.value < 0 || v.value > 100)) {
    throw new PayloadError(`impossible SpO2: ${v.value} %`);
  }
  return v;
}

function pair(r: Reader, name: string): { spo2: Ieee11073; pr: Ieee11073 } {
  return { spo2: r.sfloat(`${name} SpO2`), pr: r.sfloat(`${name} pulse rate`) };
}

const plain = (n: Ieee11073) => (n.value === null ? { status: n.status } : n.value);

/** Measurement Status (u16) and Device and Sensor Status (u24) kept raw: they are bit sets. */
function statuses(
  r: Reader,
  extra: Record<string, unknown>,
  measurementBit: boolean,
  deviceBit: boolean,
) {
  if (measurementBit) extra.measurementStatus = r.u16('measurement status');
  if (deviceBit) extra.deviceAndSensorStatus = r.u24('device and sensor status');
}

/** PLX Spot-check Measurement 0x2A5E. */
export function decodePlxSpotCheck(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const { spo2, pr } = pair(r, 'spot-check');
  let ts = flags & 0x01 ? readDateTime(r) : null;
  const extra: Record<string, unknown> = {};
  statuses(r, extra, (flags & 0x02) !== 0, (flags & 0x04) !== 0);
  const pai = flags & 0x08 ? r.sfloat('pulse amplitude index') : null;
  // Bit 4: the device clock is not set, so its timestamp means nothing.
  if (flags & 0x10) {
    extra.clockNotSet = true;
    ts = null;
  }
  const values = [
    checkSpo2(medical('spo2', spo2, undefined, ts)),
    medical('pulse', pr, undefined, ts),
  ];
  if (pai) values.push(medical('perfusion_index', pai, undefined, ts));
  return { values, extra };
}

/** PLX Continuous Measurement 0x2A5F: Normal values become readings; Fast/Slow go to extra. */
export function decodePlxContinuous(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const normal = pair(r, 'normal');
  const extra: Record<string, unknown> = {};
  if (flags & 0x01) {
    const fast = pair(r, 'fast');
    extra.fast = { spo2: plain(fast.spo2), pulse: plain(fast.pr) };
  }
  if (flags & 0x02) {
    const slow = pair(r, 'slow');
    extra.slow = { spo2: plain(slow.spo2), pulse: plain(slow.pr) };
  }
  statuses(r, extra, (flags & 0x04) !== 0, (flags & 0x08) !== 0);
  const pai = flags & 0x10 ? r.sfloat('pulse amplitude index') : null;
  const values = [checkSpo2(medical('spo2', normal.spo2)), medical('pulse', normal.pr)];
  if (pai) values.push(medical('perfusion_index', pai));
  return { values, extra };
}

const GLUCOSE_TYPES = [
  undefined,
  'capillary_whole_blood',
  'capillary_plasma',
  'venous_whole_blood',
  'venous_plasma',
  'arterial_whole_blood',
  'arterial_plasma',
  'undetermined_whole_blood',
  'undetermined_plasma',
  'interstitial_fluid',
  'control_solution',
];
const SAMPLE_LOCATIONS: Record<number, string> = {
  1: 'finger',
  2: 'alternate_site_test',
  3: 'earlobe',
  4: 'control_solution',
  15: 'not_available',
};

/** Molar mass of glucose (g/mol): kg/L and mol/L both become mmol/L. */
const GLUCOSE_G_PER_MOL = 180.156;

/** Glucose Measurement 0x2A18: stored records carry a sequence number for RACP. */
export function decodeGlucose(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const sequence = r.u16('sequence number');
  const base = readDateTime(r, 'base time');
  const offsetMin = flags & 0x01 ? r.s16('time offset') : 0;
  const ts = base === null ? null : base + offsetMin * 60_000;
  const extra: Record<string, unknown> = { sequence, contextFollows: (flags & 0x10) !== 0 };
  const values: DecodedValue[] = [];
  if (flags & 0x02) {
    const concentration = r.sfloat('glucose concentration');
    const molPerL = (flags & 0x04) !== 0;
    const typeLoc = r.u8('type-sample location');
    // Type is the low nibble, sample location the high one.
    extra.type = GLUCOSE_TYPES[typeLoc & 0x0f] ?? `reserved_${typeLoc & 0x0f}`;
    extra.sampleLocation = SAMPLE_LOCATIONS[typeLoc >> 4] ?? `reserved_${typeLoc >> 4}`;
    extra.unit = molPerL ? 'mol/L' : 'kg/L';
    const toMmol = molPerL
      ? (v: number) => v * 1000
      : (v: number) => (v * 1_000_000) / GLUCOSE_G_PER_MOL;
    const v = medical('glucose', concentration, (x) => round(toMmol(x), 3), ts);
    if (v.value !== null && (v.value < 0 || v.value > 200)) {
      throw new PayloadError(`impossible glucose concentration: ${v.value} mmol/L`);
    }
    values.push(v);
  }
  if (flags & 0x08) extra.sensorStatus = r.u16('sensor status annunciation');
  return { values, extra };
}
