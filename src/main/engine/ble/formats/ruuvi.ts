import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { companyOf, fail, generic, guarded, round, val } from './util.js';

/*
 * RuuviTag manufacturer data (company id 0x0499), from docs.ruuvi.com "Data formats":
 * - RAWv2 (format 5), 24 bytes, big-endian: temperature s16 × 0.005 °C, humidity u16 × 0.0025 %,
 *   pressure u16 + 50,000 Pa, acceleration x/y/z s16 mG, power u16 (11 bits battery mV above
 *   1,600, 5 bits TX power), movement counter u8, measurement sequence u16, MAC (6). Each field
 *   has an "invalid" value (0x8000 signed, all ones unsigned): such a field is left out.
 * - RAWv1 (format 3), 14 bytes: humidity u8 × 0.5 %, temperature (sign bit + integer u7, then
 *   hundredths u8), pressure u16 + 50,000 Pa, acceleration x/y/z s16 mG, battery u16 mV.
 */

export const RUUVI_COMPANY = 0x0499;
const F = { id: 'ruuvi', name: 'Ruuvi' };
const G = 9.80665;

const accel = (axis: string, mg: number): DecodedValue =>
  generic(`acceleration_${axis}`, round((mg / 1000) * G, 4), 'm/s²');

function rawV2(d: Buffer): DecodedValue[] {
  const v: DecodedValue[] = [];
  const t = d.readInt16BE(1);
  if (t !== -0x8000) v.push(val('temperature', round(t * 0.005, 3)));
  const h = d.readUInt16BE(3);
  if (h !== 0xffff) v.push(val('humidity', round(h * 0.0025, 4)));
  const p = d.readUInt16BE(5);
  if (p !== 0xffff) v.push(val('pressure', round((p + 50000) / 100, 2)));
  ['x', 'y', 'z'].forEach((axis, i) => {
    const a = d.readInt16BE(7 + i * 2);
    if (a !== -0x8000) v.push(accel(axis, a));
  });
  const power = d.readUInt16BE(13);
  if (power >> 5 !== 0x7ff) v.push(val('voltage', round(((power >> 5) + 1600) / 1000, 3)));
  if (d[15] !== 0xff) v.push(val('count', d[15], { sensor: 'movement' }));
  return v;
}

function rawV1(d: Buffer): DecodedValue[] {
  const sign = d[2] & 0x80 ? -1 : 1;
  return [
    val('humidity', d[1] * 0.5),
    val('temperature', round(sign * ((d[2] & 0x7f) + d[3] / 100), 2)),
    val('pressure', round((d.readUInt16BE(4) + 50000) / 100, 2)),
    accel('x', d.readInt16BE(6)),
    accel('y', d.readInt16BE(8)),
    accel('z', d.readInt16BE(10)),
    val('voltage', round(d.readUInt16BE(12) / 1000, 3)),
  ];
}

/** `data` is the manufacturer data after the company id. */
export function decodeRuuvi(data: Buffer): FormatReport {
  return guarded(F, data, () => {
    const format = data[0];
    const device = { manufacturer: 'Ruuvi Innovations', model: 'RuuviTag' };
    if (format === 5) {
      if (data.length !== 24) fail(F, `RAWv2 needs 24 bytes, got ${data.length}`, data);
      return { values: rawV2(data), device: { ...device, firmware: 'RAWv2' } };
    }
    if (format === 3) {
      if (data.length !== 14) fail(F, `RAWv1 needs 14 bytes, got ${data.length}`, data);
      return { values: rawV1(data), device: { ...device, firmware: 'RAWv1' } };
    }
    return fail(
      F,
      `data format ${format ?? '(none)'} is not supported (RAWv1 = 3, RAWv2 = 5)`,
      data,
    );
  });
}

export const ruuviFormat: AdvertFormat = {
  id: 'ruuvi',
  name: 'RuuviTag',
  source: 'ble',
  matches: (a: Advertisement) => companyOf(a) === RUUVI_COMPANY,
  decode: (a) => decodeRuuvi(a.manufacturerData!.subarray(2)),
};
