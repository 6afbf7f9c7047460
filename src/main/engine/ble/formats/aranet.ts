import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { companyOf, fail, generic, guarded, round, val } from './util.js';

/*
 * Aranet (SAF Tehnika, company 0x0702), manufacturer data, as documented with example frames by
 * the Aranet4-Python project. Readings are only sent with "Smart Home integrations" on (flags
 * bit 5). Version bytes: patch, minor, major.
 * - Aranet4 (7 or 22 bytes): flags, version (3), 4 bytes, then CO2 u16 ppm, temperature u16 / 20
 *   °C, pressure u16 / 10 hPa, humidity u8 %, battery u8 %, status u8, interval u16 s, age u16 s,
 *   counter u8.
 * - Aranet2 (type 1) and Aranet Radon Plus (type 3), 24 bytes: type, flags, version (3), 3 bytes,
 *   radon u16 Bq/m³ (Radon), temperature u16 / 20 °C, pressure u16 / 10 hPa (0: none),
 *   humidity u16 / 10 %, 1 byte, battery u8 %, status u8, interval u16, age u16, counter u8.
 * Aranet Radiation (type 2) carries no reading this engine has a metric for: its frames give the
 * model only.
 */

export const ARANET_COMPANY = 0x0702;
const F = { id: 'aranet', name: 'Aranet' };
const MODELS = ['Aranet4', 'Aranet2', 'Aranet Radiation', 'Aranet Radon Plus'];

const version = (d: Buffer, at: number) => `v${d[at + 2]}.${d[at + 1]}.${d[at]}`;

/** `data` is the manufacturer data after the company id. */
export function decodeAranet(data: Buffer): FormatReport {
  return guarded(F, data, () => {
    const aranet4 = data.length === 7 || data.length === 22;
    if (!aranet4 && data.length !== 24)
      fail(F, `frame of ${data.length} bytes is none of Aranet's (7, 22 or 24)`, data);
    const type = aranet4 ? 0 : data[0];
    if (type >= MODELS.length) fail(F, `device type ${type} is unknown`, data);
    const flags = aranet4 ? data[0] : data[1];
    const device = {
      manufacturer: 'SAF Tehnika',
      model: MODELS[type],
      firmware: version(data, aranet4 ? 1 : 2),
    };
    // Without integrations (or on old firmware) the frame has no readings.
    if (!(flags & 0x20) || data.length === 7 || type === 2) return { values: [], device };
    const values: DecodedValue[] = [];
    if (aranet4) {
      values.push(val('co2', data.readUInt16LE(8)));
      values.push(val('temperature', round(data.readUInt16LE(10) / 20, 2)));
      values.push(val('pressure', round(data.readUInt16LE(12) / 10, 1)));
      values.push(val('humidity', data[14]));
      values.push(val('battery', Math.min(data[15], 100)));
    } else {
      if (type === 3) values.push(generic('radon', data.readUInt16LE(8), 'Bq/m³'));
      values.push(val('temperature', round(data.readUInt16LE(10) / 20, 2)));
      const hpa = data.readUInt16LE(12);
      if (hpa) values.push(val('pressure', round(hpa / 10, 1)));
      values.push(val('humidity', round(data.readUInt16LE(14) / 10, 1)));
      values.push(val('battery', Math.min(data[17], 100)));
    }
    return { values, device };
  });
}

export const aranetFormat: AdvertFormat = {
  id: 'aranet',
  name: 'Aranet',
  source: 'ble',
  matches: (a: Advertisement) => companyOf(a) === ARANET_COMPANY,
  decode: (a) => decodeAranet(a.manufacturerData!.subarray(2)),
};
