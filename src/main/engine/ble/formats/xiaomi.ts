import { createDecipheriv } from 'node:crypto';
import type { DecodedValue } from '../decoders/types.js';
import { Reader } from '../decoders/reader.js';
import type { Advertisement } from '../radio.js';
import { bindKeySecret } from './bthome.js';
import type { AdvertFormat, FormatEvent, FormatReport } from './format.js';
import {
  binary,
  checkCounter,
  fail,
  generic,
  guarded,
  macBytes,
  needLength,
  round,
  serviceDataOf,
  val,
} from './util.js';

/*
 * Xiaomi MiBeacon (service data 0xFE95), from Xiaomi's MiBeacon protocol description (v5) and the
 * community write-ups of its objects. Frame: frame control u16 (bit 3 encrypted, bit 4 MAC
 * included, bit 5 capability included, bit 6 object included, bits 12-15 version), product id
 * u16, frame counter u8, [MAC 6, little-endian], [capability u8 (+ IO capability u16 when its
 * bit 5 is set)], objects: [id u16][length u8][data] each.
 * Encrypted v4/v5: AES-128-CCM, 4-byte MIC, associated data 0x11; nonce = MAC (little-endian) +
 * product id + frame counter + 3-byte extended counter; the frame ends with that counter and the
 * MIC. The bind key is the device's key in the secret store (entered like BTHome's).
 */

export const MIBEACON_UUID = 'fe95';

/** Product ids -> model names (the sensors people own most; others print their product id). */
const MODELS: Record<number, string> = {
  0x0098: 'HHCCJCY01 (Mi Flora)',
  0x015d: 'HHCCPOT002 (Flower Pot)',
  0x01aa: 'LYWSDCGQ',
  0x02df: 'JQJCY01YM',
  0x0347: 'CGG1',
  0x0387: 'MHO-C401',
  0x03bc: 'GCLS002',
  0x045b: 'LYWSD02',
  0x055b: 'LYWSD03MMC',
  0x0576: 'CGD1',
  0x066f: 'CGDK2',
  0x07f6: 'MJYD02YL-A',
  0x0863: 'RTCGQ02LM',
  0x098b: 'MCCGQ02HL',
  0x0b48: 'CGG1-ENCRYPTED',
};

export const miBeaconModel = (pid: number): string =>
  MODELS[pid] ?? `MiBeacon 0x${pid.toString(16).padStart(4, '0')}`;

const F = { id: 'mibeacon', name: 'MiBeacon' };

function decrypt(key: Buffer, nonce: Buffer, ciphertext: Buffer, mic: Buffer): Buffer | null {
  try {
    const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 4 });
    d.setAuthTag(mic);
    d.setAAD(Buffer.from([0x11]), { plaintextLength: ciphertext.length });
    const out = d.update(ciphertext);
    d.final();
    return out;
  } catch {
    return null;
  }
}

function float(data: Buffer, what: string, frame: Buffer): number {
  const x = data.readFloatLE(0);
  if (!Number.isFinite(x)) fail(F, `${what} is not a number`, frame);
  return x;
}

/** One object's values. Unknown ids are skipped (their length is known), and noted. */
function readObject(
  id: number,
  d: Buffer,
  out: { values: DecodedValue[]; events: FormatEvent[]; unknown: number[] },
  frame: Buffer,
): void {
  const size = (n: number) => {
    if (d.length < n) {
      const hex = id.toString(16).padStart(4, '0');
      fail(F, `object 0x${hex} has ${d.length} byte(s), needs ${n}`, frame);
    }
  };
  const v = out.values;
  switch (id) {
    case 0x1004:
      size(2);
      return void v.push(val('temperature', round(d.readInt16LE(0) / 10, 1)));
    case 0x1006:
      size(2);
      return void v.push(val('humidity', round(d.readUInt16LE(0) / 10, 1)));
    case 0x100d:
      size(4);
      v.push(val('temperature', round(d.readInt16LE(0) / 10, 1)));
      return void v.push(val('humidity', round(d.readUInt16LE(2) / 10, 1)));
    case 0x1007:
      size(3);
      return void v.push(val('illuminance', d.readUIntLE(0, 3)));
    case 0x1008:
      size(1);
      return void v.push(val('moisture', d[0]));
    case 0x1009:
      size(2);
      return void v.push(generic('conductivity', d.readUInt16LE(0), 'µS/cm'));
    case 0x100a:
    case 0x4803:
      size(1);
      return void v.push(val('battery', Math.min(d[0], 100)));
    case 0x1010:
      size(2);
      return void v.push(generic('formaldehyde', round(d.readUInt16LE(0) / 100, 2), 'mg/m³'));
    case 0x000f: // motion, with the illuminance at that moment
      size(3);
      v.push(binary('motion', true));
      return void v.push(val('illuminance', d.readUIntLE(0, 3)));
    case 0x1017: // seconds without motion
      size(4);
      v.push(binary('motion', false));
      return void v.push(generic('no_motion_time', d.readUInt32LE(0), 's'));
    case 0x1018:
      size(1);
      return void v.push(binary('light', d[0] === 1));
    case 0x1019: // 0 open, 1 closed; 2 (left open too long) and 3 (reset) carry no state
      size(1);
      if (d[0] <= 1) v.push(binary('opening', d[0] === 0));
      return;
    case 0x1001: {
      // Remote/button: index u16, type u8 (0 press, 1 double press, 2 long press).
      size(3);
      const names = ['press', 'double_press', 'long_press'];
      if (d[2] < names.length)
        out.events.push({ type: 'button', event: names[d[2]], index: d.readUInt16LE(0) });
      return;
    }
    case 0x4801:
    case 0x4c01:
      size(4);
      return void v.push(val('temperature', round(float(d, 'temperature', frame), 2)));
    case 0x4802:
    case 0x4c02:
      size(1);
      return void v.push(val('humidity', d[0]));
    case 0x4808:
    case 0x4c08:
      size(4);
      return void v.push(val('humidity', round(float(d, 'humidity', frame), 2)));
    default:
      out.unknown.push(id);
  }
}

export interface MiBeaconOptions {
  /** The device's address (aa:bb:cc:dd:ee:ff): needed to decrypt when the frame has no MAC. */
  mac?: string;
  key?: Buffer;
  state?: { counter?: number };
}

export function decodeMiBeacon(data: Buffer, opts: MiBeaconOptions = {}): FormatReport {
  needLength(F, data, 'frame', 5, 31);
  return guarded(F, data, () => {
    const r = new Reader(data);
    const fc = r.u16('frame control');
    const version = fc >> 12;
    const encrypted = (fc & 0x08) !== 0;
    const pid = r.u16('product id');
    const frameCounter = r.u8('frame counter');
    let mac: Buffer | undefined;
    if (fc & 0x10) mac = Buffer.from(r.bytes(6, 'MAC')).reverse();
    if (fc & 0x20) {
      const cap = r.u8('capability');
      if (cap & 0x20) r.bytes(2, 'IO capability');
    }
    const model = miBeaconModel(pid);
    const report: FormatReport = { values: [], device: { manufacturer: 'Xiaomi', model } };
    if (!(fc & 0x40)) return report; // a beacon without objects: nothing measured
    let objects = r.buf.subarray(r.offset);
    if (encrypted) {
      if (version < 4) fail(F, `legacy encryption (version ${version}) is not supported`, data);
      if (!opts.key) fail(F, 'payload is encrypted and no bind key was given', data);
      if (opts.key.length !== 16)
        fail(F, `bind key must be 16 bytes, got ${opts.key.length}`, data);
      if (objects.length < 7 + 3) fail(F, 'encrypted payload too short', data);
      const printed = mac ?? (opts.mac ? macBytes(opts.mac) : null);
      if (!printed) fail(F, 'decryption needs the device MAC address', data);
      const ext = objects.subarray(objects.length - 7, objects.length - 4);
      const mic = objects.subarray(objects.length - 4);
      const nonce = Buffer.concat([Buffer.from(printed).reverse(), data.subarray(2, 5), ext]);
      const plain = decrypt(opts.key, nonce, objects.subarray(0, objects.length - 7), mic);
      if (!plain) fail(F, 'decryption failed: wrong bind key or corrupted data', data);
      if (opts.state) checkCounter(F, opts.state, ext.readUIntLE(0, 3) * 256 + frameCounter, data);
      objects = plain;
    } else if (opts.key) {
      // A device with a bind key sends its readings encrypted: a plain one is a downgrade.
      fail(F, 'unencrypted readings from a device that has a bind key: refused', data);
    }
    const out = { values: report.values, events: [] as FormatEvent[], unknown: [] as number[] };
    const o = new Reader(objects);
    while (o.remaining > 0) {
      const id = o.u16('object id');
      const len = o.u8('object length');
      readObject(id, o.bytes(len, `object 0x${id.toString(16)}`), out, data);
    }
    if (out.events.length) report.events = out.events;
    if (out.unknown.length && report.values.length === 0 && !report.events) {
      const ids = out.unknown.map((x) => `0x${x.toString(16).padStart(4, '0')}`).join(', ');
      fail(F, `no known object (ids ${ids}) in ${model}'s frame`, data);
    }
    return report;
  });
}

const frameOf = (a: Advertisement) => serviceDataOf(a, MIBEACON_UUID);

export const miBeaconFormat: AdvertFormat<{ counter: number }> = {
  id: 'mibeacon',
  name: 'Xiaomi MiBeacon',
  source: 'ble',
  matches: (a) => frameOf(a) !== undefined,
  decode(a, ctx) {
    const keyHex = ctx.secrets.get(bindKeySecret(ctx.deviceId));
    const key = keyHex ? Buffer.from(keyHex, 'hex') : undefined;
    return decodeMiBeacon(frameOf(a)!, { mac: ctx.deviceId, key, state: ctx.state });
  },
  pairingNote(a, ctx) {
    const d = frameOf(a);
    const encrypted = !!d && d.length >= 2 && (d[0] & 0x08) !== 0;
    return encrypted && !ctx.secrets.get(bindKeySecret(ctx.deviceId))
      ? 'encrypted: set its bind key'
      : undefined;
  },
};
