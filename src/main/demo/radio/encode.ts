import { createCipheriv } from 'node:crypto';
import { BTHOME_OBJECTS } from '../../engine/ble/bthome/objects.js';

/**
 * Byte encoders for the simulated peripherals: they produce what a real device puts on the air, so
 * the decoders are exercised exactly as with hardware. Written from the GATT specifications, kept
 * apart from the decoders on purpose (a shared mistake would hide itself).
 */

/** IEEE-11073 32-bit FLOAT: signed 8-bit exponent, signed 24-bit mantissa. */
export function float32(value: number, exponent = -2): Buffer {
  const m = Math.round(value / 10 ** exponent);
  const b = Buffer.alloc(4);
  b.writeUInt32LE((((exponent & 0xff) << 24) | (m & 0xffffff)) >>> 0);
  return b;
}

/** IEEE-11073 16-bit SFLOAT: signed 4-bit exponent, signed 12-bit mantissa. */
export function sfloat(value: number, exponent = -1): Buffer {
  const m = Math.round(value / 10 ** exponent);
  const b = Buffer.alloc(2);
  b.writeUInt16LE(((exponent & 0x0f) << 12) | (m & 0x0fff));
  return b;
}

/** Date Time (7 bytes), in local wall-clock fields, as devices keep the time they were set to. */
export function dateTime(ms: number): Buffer {
  const d = new Date(ms);
  const b = Buffer.alloc(7);
  b.writeUInt16LE(d.getFullYear(), 0);
  b[2] = d.getMonth() + 1;
  b[3] = d.getDate();
  b[4] = d.getHours();
  b[5] = d.getMinutes();
  b[6] = d.getSeconds();
  return b;
}

/** Current Time 0x2A2B: Date Time, day of week (1 = Monday), fractions256, adjust reason. */
export function currentTime(ms: number): Buffer {
  const dow = new Date(ms).getDay();
  const frac = Math.floor(((ms % 1000) * 256) / 1000);
  return Buffer.concat([dateTime(ms), Buffer.from([dow === 0 ? 7 : dow, frac, 0])]);
}

export interface HeartRateSample {
  bpm: number;
  contact?: boolean;
  energyKj?: number;
  /** RR intervals in ms; sent in 1/1024 s. */
  rrMs?: number[];
}

/** Heart Rate Measurement 0x2A37. */
export function heartRate(s: HeartRateSample): Buffer {
  let flags = 0;
  const parts: Buffer[] = [];
  if (s.bpm > 255) {
    flags |= 0x01;
    parts.push(u16(s.bpm));
  } else parts.push(Buffer.from([s.bpm]));
  if (s.contact !== undefined) flags |= 0x04 | (s.contact ? 0x02 : 0);
  if (s.energyKj !== undefined) {
    flags |= 0x08;
    parts.push(u16(s.energyKj));
  }
  if (s.rrMs?.length) {
    flags |= 0x10;
    for (const rr of s.rrMs) parts.push(u16(Math.round((rr * 1024) / 1000)));
  }
  return Buffer.concat([Buffer.from([flags]), ...parts]);
}

/** Temperature Measurement 0x2A1C in °C with timestamp and type (2 = body). */
export function temperature(celsius: number, ts: number, type = 2): Buffer {
  return Buffer.concat([
    Buffer.from([0x06]),
    float32(celsius, -2),
    dateTime(ts),
    Buffer.from([type]),
  ]);
}

/** Weight Measurement 0x2A9D, SI, with timestamp, user id, BMI and height. */
export function weight(kg: number, ts: number, userId: number, heightM: number): Buffer {
  const bmi = kg / (heightM * heightM);
  return Buffer.concat([
    Buffer.from([0x0e]),
    u16(Math.round(kg / 0.005)),
    dateTime(ts),
    Buffer.from([userId]),
    u16(Math.round(bmi * 10)),
    u16(Math.round(heightM * 1000)),
  ]);
}

/**
 * Glucose Measurement 0x2A18: flags (bit1 concentration present, bit2 mol/L), sequence number,
 * base time, concentration SFLOAT in mol/L, type/sample location (capillary whole blood, finger).
 */
export function glucose(seq: number, ts: number, mmolPerL: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x06]),
    u16(seq),
    dateTime(ts),
    sfloat(mmolPerL / 1000, -4),
    Buffer.from([0x11]),
  ]);
}

/** Cycling Power Measurement 0x2A63 with crank revolution data (flags bit5). */
export function cyclingPower(watts: number, crankRevs: number, crankTime1024: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(0x0020, 0);
  b.writeInt16LE(watts, 2);
  b.writeUInt16LE(crankRevs & 0xffff, 4);
  b.writeUInt16LE(crankTime1024 & 0xffff, 6);
  return b;
}

/** CSC Measurement 0x2A5B with wheel and crank data. */
export function csc(wheelRevs: number, wheelTime: number, crankRevs: number, crankTime: number) {
  const b = Buffer.alloc(11);
  b[0] = 0x03;
  b.writeUInt32LE(wheelRevs >>> 0, 1);
  b.writeUInt16LE(wheelTime & 0xffff, 5);
  b.writeUInt16LE(crankRevs & 0xffff, 7);
  b.writeUInt16LE(crankTime & 0xffff, 9);
  return b;
}

/** RACP response code: [0x06, 0x00 operator, request op code, response code]. */
export const racpResponse = (requestOp: number, code: number) =>
  Buffer.from([0x06, 0x00, requestOp, code]);
/** RACP number of stored records response. */
export const racpCount = (n: number) => Buffer.concat([Buffer.from([0x05, 0x00]), u16(n)]);

export interface BthomeObject {
  id: number;
  value: number;
}

/** Objects in ascending id order, sized and scaled by the decoder's own table (bthome.io's). */
function bthomeObjects(objects: BthomeObject[]): Buffer {
  const parts = [...objects]
    .sort((a, b) => a.id - b.id)
    .map(({ id, value }) => {
      const def = BTHOME_OBJECTS[id];
      if (!def || def.kind === 'bytes')
        throw new Error(`sim encoder cannot write BTHome object 0x${id.toString(16)}`);
      const b = Buffer.alloc(1 + def.size);
      b[0] = id;
      const raw = Math.round(def.kind === 'sensor' ? value / def.factor : value);
      if (def.kind === 'sensor' && def.signed) b.writeIntLE(raw, 1, def.size);
      else b.writeUIntLE(raw, 1, def.size);
      return b;
    });
  return Buffer.concat(parts);
}

/** BTHome v2 service data (UUID 0xFCD2); AES-128-CCM with a 4-byte MIC when a key is given. */
export function bthome(
  objects: BthomeObject[],
  enc?: { mac: string; key: Buffer; counter: number },
): Buffer {
  const payload = bthomeObjects(objects);
  if (!enc) return Buffer.concat([Buffer.from([0x40]), payload]);
  const info = 0x41;
  const counter = Buffer.alloc(4);
  counter.writeUInt32LE(enc.counter >>> 0);
  const mac = Buffer.from(enc.mac.replace(/:/g, ''), 'hex');
  const nonce = Buffer.concat([mac, Buffer.from([0xd2, 0xfc, info]), counter]);
  const cipher = createCipheriv('aes-128-ccm', enc.key, nonce, { authTagLength: 4 });
  const ct = Buffer.concat([cipher.update(payload), cipher.final()]);
  return Buffer.concat([Buffer.from([info]), ct, counter, cipher.getAuthTag()]);
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff);
  return b;
}
