import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { companyOf, fail, guarded, round, val } from './util.js';

/*
 * Govee thermo-hygrometers, manufacturer data, from the community's published decodings
 * (GoveeBTTempLogger's notes, Theengs' device list, the sensor.goveetemp_bt_hci write-up):
 * - H5072, H5075: company 0xEC88, 6 bytes: 00, packed u24 big-endian, battery %, 00.
 * - H5101, H5102, H5174, H5177: company 0x0001, 6 bytes: 01 01, packed u24, battery %.
 *   packed: bit 23 = below zero; the rest = |°C| × 10,000 + RH % × 10 (so RH = rest % 1000 / 10).
 * - H5074: company 0xEC88, 7 bytes: 00, temperature s16 LE × 0.01, humidity u16 LE × 0.01,
 *   battery %, 02.
 * - H5179: company 0x8801, 9 bytes: ec 00 01 01, temperature s16 LE × 0.01, humidity u16 LE ×
 *   0.01, battery %.
 * The model is read from the name when the scan response gave one (GVH5075_xxxx, Govee_H5074_xxxx).
 */

const F = { id: 'govee', name: 'Govee' };
const EC88 = 0xec88;
const H5179_COMPANY = 0x8801;
const H510X_COMPANY = 0x0001;

function packed(d: Buffer, at: number): DecodedValue[] {
  const raw = d.readUIntBE(at, 3);
  const rest = raw & 0x7fffff;
  const sign = raw & 0x800000 ? -1 : 1;
  return [
    val('temperature', round((sign * Math.floor(rest / 1000)) / 10, 1)),
    val('humidity', (rest % 1000) / 10),
  ];
}

const battery = (b: number) => val('battery', Math.min(b, 100));

/** The model in a Govee name: GVH5075_1A2B, Govee_H5074_1A2B, GVH5102... */
function modelFromName(name: string | undefined): string | undefined {
  const m = /H5\d{3}/.exec(name ?? '');
  return m?.[0];
}

/** `mfr` is the whole manufacturer data, company id included. */
export function decodeGovee(mfr: Buffer, name?: string): FormatReport {
  return guarded(F, mfr, () => {
    const company = mfr.readUInt16LE(0);
    const d = mfr.subarray(2);
    const named = modelFromName(name);
    let values: DecodedValue[];
    let model: string;
    if (company === EC88 && d.length === 6) {
      values = [...packed(d, 1), battery(d[4])];
      model = named ?? 'H5072/H5075';
    } else if (company === EC88 && d.length === 7) {
      values = [
        val('temperature', round(d.readInt16LE(1) / 100, 2)),
        val('humidity', round(d.readUInt16LE(3) / 100, 2)),
        battery(d[5]),
      ];
      model = named ?? 'H5074';
    } else if (company === H510X_COMPANY && d.length === 6 && d[0] === 0x01) {
      values = [...packed(d, 2), battery(d[5])];
      model = named ?? 'H5101/H5102/H5177';
    } else if (company === H5179_COMPANY && d.length === 9) {
      values = [
        val('temperature', round(d.readInt16LE(4) / 100, 2)),
        val('humidity', round(d.readUInt16LE(6) / 100, 2)),
        battery(d[8]),
      ];
      model = named ?? 'H5179';
    } else {
      return fail(F, `unknown frame (company 0x${company.toString(16)}, ${d.length} bytes)`, mfr);
    }
    return { values, device: { manufacturer: 'Govee', model } };
  });
}

function isGovee(a: Advertisement): boolean {
  const c = companyOf(a);
  if (c === EC88 || c === H5179_COMPANY) return true;
  // 0x0001 is a real company's id too: only claim it from a device that calls itself Govee.
  return c === H510X_COMPANY && /^(GVH|Govee)/.test(a.name ?? '');
}

export const goveeFormat: AdvertFormat = {
  id: 'govee',
  name: 'Govee',
  source: 'ble',
  matches: isGovee,
  decode: (a) => decodeGovee(a.manufacturerData!, a.name),
};
