import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { fail, guarded, round, serviceDataOf, val } from './util.js';

/*
 * Custom firmware for Xiaomi LYWSD03MMC and kin, service data 0x181A (Environmental Sensing),
 * from the firmwares' READMEs (github.com/atc1441/ATC_MiThermometer, github.com/pvvx/
 * ATC_MiThermometer "custom format"):
 * - atc1441, 13 bytes, big-endian: MAC (6, printed order), temperature s16 × 0.1 °C, humidity u8 %,
 *   battery u8 %, battery u16 mV, frame counter u8.
 * - pvvx, 15 bytes, little-endian: MAC (6, reversed), temperature s16 × 0.01 °C, humidity u16 ×
 *   0.01 %, battery u16 mV, battery u8 %, measurement counter u8, flags u8 (bit 0 reed switch,
 *   bit 1 trigger output...).
 * Their encrypted variants and the BTHome mode are other formats (BTHome is its own row).
 */

export const ENVIRONMENTAL_UUID = '181a';
const F = { id: 'atc', name: 'ATC/PVVX' };

export function decodeAtc(data: Buffer): FormatReport {
  return guarded(F, data, () => {
    if (data.length === 13) {
      return {
        values: [
          val('temperature', round(data.readInt16BE(6) / 10, 1)),
          val('humidity', data[8]),
          val('battery', Math.min(data[9], 100)),
          val('voltage', round(data.readUInt16BE(10) / 1000, 3)),
        ],
        device: { model: 'ATC_MiThermometer (atc1441 format)', firmware: 'atc1441' },
      };
    }
    if (data.length === 15) {
      return {
        values: [
          val('temperature', round(data.readInt16LE(6) / 100, 2)),
          val('humidity', round(data.readUInt16LE(8) / 100, 2)),
          val('voltage', round(data.readUInt16LE(10) / 1000, 3)),
          val('battery', Math.min(data[12], 100)),
        ],
        device: { model: 'ATC_MiThermometer (pvvx format)', firmware: 'pvvx' },
      };
    }
    return fail(F, `unknown frame of ${data.length} bytes (atc1441 has 13, pvvx 15)`, data);
  });
}

const frameOf = (a: Advertisement) => serviceDataOf(a, ENVIRONMENTAL_UUID);

export const atcFormat: AdvertFormat = {
  id: 'atc',
  name: 'ATC/PVVX custom firmware',
  source: 'ble',
  matches: (a) => frameOf(a) !== undefined,
  decode: (a) => decodeAtc(frameOf(a)!),
};
