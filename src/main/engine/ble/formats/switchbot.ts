import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { binary, fail, guarded, round, serviceDataOf, val } from './util.js';

/*
 * SwitchBot sensors, service data 0xFD3D (0x000D before Meter firmware 2.7), from SwitchBot's
 * own BLE API documentation (github.com/OpenWonderLabs/SwitchBotAPI-BLE). Byte 0: bit 7
 * encrypted, bits 0-6 device type. Byte 2 bits 0-6: battery %.
 * - Meter 'T' (0x54), Meter Plus 'i' (0x69): byte 3 bits 0-3 tenths of °C, byte 4 bit 7 = above
 *   zero, bits 0-6 whole °C; byte 5 bits 0-6 humidity %.
 * - Motion Sensor 's' (0x73): byte 1 bit 6 motion; byte 5 bits 0-1 light (1 dark, 2 bright).
 * - Contact Sensor 'd' (0x64): byte 1 bit 6 motion; byte 3 bit 0 light, bits 1-2 contact
 *   (0 closed, 1 open, 2 left open).
 */

const UUIDS = ['fd3d', '000d'];
const F = { id: 'switchbot', name: 'SwitchBot' };
const SENSOR_TYPES = [...'Tisd'].map((c) => c.charCodeAt(0));

const dataOf = (a: Advertisement) => {
  for (const u of UUIDS) {
    const d = serviceDataOf(a, u);
    if (d) return d;
  }
  return undefined;
};

function need(d: Buffer, n: number, model: string): void {
  if (d.length < n) fail(F, `${model} frame needs ${n} bytes, got ${d.length}`, d);
}

export function decodeSwitchBot(d: Buffer): FormatReport {
  return guarded(F, d, () => {
    if (d.length < 3) fail(F, `frame too short (${d.length} bytes)`, d);
    if (d[0] & 0x80) fail(F, 'encrypted frames are not supported', d);
    const type = String.fromCharCode(d[0] & 0x7f);
    const values: DecodedValue[] = [val('battery', Math.min(d[2] & 0x7f, 100))];
    let model: string;
    switch (type) {
      case 'T':
      case 'i': {
        model = type === 'T' ? 'Meter' : 'Meter Plus';
        need(d, 6, model);
        const celsius = (d[4] & 0x7f) + (d[3] & 0x0f) / 10;
        values.push(val('temperature', round(d[4] & 0x80 ? celsius : -celsius, 1)));
        values.push(val('humidity', Math.min(d[5] & 0x7f, 100)));
        break;
      }
      case 's': {
        model = 'Motion Sensor';
        need(d, 6, model);
        values.push(binary('motion', (d[1] & 0x40) !== 0));
        const light = d[5] & 0x03;
        if (light === 1 || light === 2) values.push(binary('light', light === 2));
        break;
      }
      case 'd': {
        model = 'Contact Sensor';
        need(d, 9, model);
        values.push(binary('motion', (d[1] & 0x40) !== 0));
        values.push(binary('light', (d[3] & 0x01) !== 0));
        values.push(binary('opening', ((d[3] >> 1) & 0x03) !== 0));
        break;
      }
      default:
        return fail(
          F,
          `device type '${type}' (0x${(d[0] & 0x7f).toString(16)}) has no readings here`,
          d,
        );
    }
    return { values, device: { manufacturer: 'SwitchBot', model } };
  });
}

export const switchBotFormat: AdvertFormat = {
  id: 'switchbot',
  name: 'SwitchBot',
  source: 'ble',
  // Only the sensors: a Bot or a Curtain says nothing measurable in its advertisement.
  matches: (a) => {
    const d = dataOf(a);
    return d !== undefined && d.length > 0 && SENSOR_TYPES.includes(d[0] & 0x7f);
  },
  decode: (a) => decodeSwitchBot(dataOf(a)!),
};
