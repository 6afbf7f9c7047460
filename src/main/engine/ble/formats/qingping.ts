import type { DecodedValue } from '../decoders/types.js';
import { Reader } from '../decoders/reader.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { binary, fail, guarded, round, serviceDataOf, val } from './util.js';

/*
 * Qingping (ClearGrass) sensors, service data 0xFDCD, from Qingping's published advertisement
 * description and the community notes on it: frame control u8, device type u8, MAC (6,
 * reversed), then [type u8][length u8][value] entries, little-endian:
 * 0x01 temperature s16 × 0.1 °C + humidity u16 × 0.1 %, 0x02 battery u8 %, 0x07 pressure u16 ×
 * 0.1 hPa, 0x08 motion u8 + illuminance u24 lux, 0x09 illuminance u32 lux, 0x11 light u8,
 * 0x12 PM2.5 u16 + PM10 u16 µg/m³, 0x13 CO2 u16 ppm. Unknown types are skipped by length.
 */

export const QINGPING_UUID = 'fdcd';
const F = { id: 'qingping', name: 'Qingping' };

const MODELS: Record<number, string> = {
  0x01: 'CGG1',
  0x07: 'CGG1',
  0x09: 'CGP1W',
  0x0c: 'CGD1',
};

function entry(type: number, d: Buffer, out: DecodedValue[], frame: Buffer): boolean {
  const need = (n: number) => {
    if (d.length < n)
      fail(F, `entry 0x${type.toString(16)} has ${d.length} bytes, needs ${n}`, frame);
  };
  switch (type) {
    case 0x01:
      need(4);
      out.push(val('temperature', round(d.readInt16LE(0) / 10, 1)));
      out.push(val('humidity', round(d.readUInt16LE(2) / 10, 1)));
      return true;
    case 0x02:
      need(1);
      out.push(val('battery', Math.min(d[0], 100)));
      return true;
    case 0x07:
      need(2);
      out.push(val('pressure', round(d.readUInt16LE(0) / 10, 1)));
      return true;
    case 0x08:
      need(4);
      out.push(binary('motion', d[0] === 1));
      out.push(val('illuminance', d.readUIntLE(1, 3)));
      return true;
    case 0x09:
      need(4);
      out.push(val('illuminance', d.readUInt32LE(0)));
      return true;
    case 0x11:
      need(1);
      out.push(binary('light', d[0] === 1));
      return true;
    case 0x12:
      need(4);
      out.push(val('pm25', d.readUInt16LE(0)));
      out.push(val('pm10', d.readUInt16LE(2)));
      return true;
    case 0x13:
      need(2);
      out.push(val('co2', d.readUInt16LE(0)));
      return true;
    default:
      return false;
  }
}

export function decodeQingping(data: Buffer): FormatReport {
  return guarded(F, data, () => {
    if (data.length < 8) fail(F, `frame too short (${data.length} bytes)`, data);
    if (data.length > 31) fail(F, `frame too long (${data.length} bytes)`, data);
    const r = new Reader(data);
    r.u8('frame control');
    const type = r.u8('device type');
    r.bytes(6, 'MAC');
    const values: DecodedValue[] = [];
    const skipped: number[] = [];
    while (r.remaining > 0) {
      const t = r.u8('entry type');
      const len = r.u8('entry length');
      if (!entry(t, r.bytes(len, `entry 0x${t.toString(16)}`), values, data)) skipped.push(t);
    }
    const model = MODELS[type] ?? `Qingping 0x${type.toString(16).padStart(2, '0')}`;
    const report: FormatReport = { values, device: { manufacturer: 'Qingping', model } };
    if (skipped.length) report.extra = { skippedEntries: skipped };
    return report;
  });
}

export const qingpingFormat: AdvertFormat = {
  id: 'qingping',
  name: 'Qingping',
  source: 'ble',
  matches: (a) => serviceDataOf(a, QINGPING_UUID) !== undefined,
  decode: (a) => decodeQingping(serviceDataOf(a, QINGPING_UUID)!),
};
