import { unitOf } from '../../../../shared/metrics.js';
import { DecodeError, PayloadError } from '../decoders/errors.js';
import { Reader } from '../decoders/reader.js';
import type { DecodeResult, DecodedValue } from '../decoders/types.js';
import { decrypt, encrypt, nonce, parseMac } from './crypto.js';
import { BUTTON_EVENTS, DIMMER_EVENTS } from '../../../../shared/control-events.js';
import { BTHOME_OBJECTS, decimals, type ObjectDef } from './objects.js';

/*
 * BTHome v2 service data (UUID 0xFCD2, https://bthome.io/format): a device information byte
 * (bit 0 encrypted, bit 2 trigger based, bits 5-7 version = 2), then [object id][value] pairs.
 */

export const BTHOME_UUID = 'fcd2';

export interface BthomeEvent {
  type: string;
  event: string;
  /** Which button/dimmer of a multi-button device: the n-th object of its type in the packet. */
  index: number;
  steps?: number;
}

export type BthomeResult = DecodeResult & {
  encrypted: boolean;
  /** Encryption counter: the caller rejects a packet whose counter did not increase (replay). */
  counter?: number;
  packetId?: number;
  events?: BthomeEvent[];
  /** The MAC the frame carries when its device-info byte says so (bit 1), as printed. */
  mac?: string;
  /**
   * Why the parse ended before the frame did (an object id or event code this parser does not
   * know): the values before it are kept, nothing after it is guessed. The caller logs it.
   */
  stopped?: string;
};

export interface BthomeOptions {
  mac?: string;
  key?: Buffer;
}

const fail = (message: string, data: Buffer, partial?: BthomeResult): never => {
  throw new DecodeError(message, data.toString('hex'), BTHOME_UUID, partial);
};

export function decodeBthome(input: Buffer, opts: BthomeOptions = {}): BthomeResult {
  if (!Buffer.isBuffer(input)) return fail('BTHome: payload is not a Buffer', Buffer.alloc(0));
  // Accept service data with its UUID still in front (d2 fc): version 6 does not exist anyway.
  const data =
    input.length >= 2 && input[0] === 0xd2 && input[1] === 0xfc ? input.subarray(2) : input;
  if (data.length < 1) return fail('BTHome: empty service data', input);
  const info = data[0];
  const version = info >> 5;
  if (version !== 2) return fail(`BTHome: unsupported version ${version} (expected 2)`, input);
  const encrypted = (info & 0x01) !== 0;
  const result: BthomeResult = {
    values: [],
    encrypted,
    extra: { triggerBased: (info & 0x04) !== 0 },
  };
  // Bit 1: the device's MAC follows the info byte (reversed), for senders whose radio address is
  // not their own (a random address, a relay). Encryption then uses this MAC.
  let body = data.subarray(1);
  let frameMac: Buffer | undefined;
  if (info & 0x02) {
    if (body.length < 6)
      return fail('BTHome: MAC-included flag set but the MAC is truncated', input);
    frameMac = Buffer.from(body.subarray(0, 6)).reverse();
    result.mac = [...frameMac].map((b) => b.toString(16).padStart(2, '0')).join(':');
    body = body.subarray(6);
  }
  let payload = body;
  if (encrypted) {
    if (body.length < 1 + 8) {
      return fail(`BTHome: encrypted payload too short (${data.length} bytes)`, input);
    }
    if (!opts.key) return fail('BTHome: payload is encrypted and no bind key was given', input);
    if (opts.key.length !== 16) {
      return fail(`BTHome: bind key must be 16 bytes, got ${opts.key.length}`, input);
    }
    const mac = frameMac ?? (opts.mac ? parseMac(opts.mac) : null);
    if (!mac)
      return fail('BTHome: decryption needs the device MAC address (aa:bb:cc:dd:ee:ff)', input);
    const counterBytes = body.subarray(body.length - 8, body.length - 4);
    const mic = body.subarray(body.length - 4);
    const plain = decrypt(
      opts.key,
      nonce(mac, info, counterBytes),
      body.subarray(0, body.length - 8),
      mic,
    );
    if (!plain) return fail('BTHome decryption failed: wrong bind key or corrupted data', input);
    result.counter = counterBytes.readUInt32LE(0);
    payload = plain;
  }
  parseObjects(payload, input, result);
  return result;
}

function parseObjects(payload: Buffer, input: Buffer, result: BthomeResult): void {
  const r = new Reader(payload);
  const extra = result.extra as Record<string, unknown>;
  const eventCount: Record<string, number> = {};
  let lastId = -1;
  while (r.remaining > 0) {
    const at = r.offset;
    const id = r.u8('object id');
    const def = BTHOME_OBJECTS[id];
    const hexId = `0x${id.toString(16).padStart(2, '0')}`;
    if (!def) {
      // Its length is unknown, so nothing after it can be read: stop, keep what came before.
      const n = result.values.length + (result.events?.length ?? 0);
      result.stopped = `unknown object id ${hexId} at byte ${at}; kept the ${n} value(s) decoded before it`;
      return;
    }
    // The format asks for ascending ids; out of order still decodes, but is worth a log line.
    if (id < lastId) extra.outOfOrder = true;
    lastId = id;
    try {
      const stop = readObject(r, id, def, result, eventCount);
      if (stop) {
        result.stopped = `object ${hexId} at byte ${at}: ${stop}`;
        return;
      }
    } catch (err) {
      if (err instanceof PayloadError)
        fail(`BTHome: object ${hexId}: ${err.message}`, input, result);
      throw err;
    }
  }
}

/**
 * Several objects of one kind in a packet (three temperatures) are told apart by their order, as
 * bthome.io asks: the second and later get extra.instance = 2, 3, ... Each is its own entity of
 * the sensor, keyed by the object's name and instance (`temperature`, `temperature_2`, `window`).
 */
function withInstance(result: BthomeResult, v: DecodedValue): DecodedValue {
  const same = result.values.filter(
    (o) => o.metric === v.metric && o.extra?.sensor === v.extra?.sensor,
  ).length;
  if (same > 0 && v.extra) v.extra.instance = same + 1;
  const sensor = String(v.extra?.sensor);
  const base = v.metric === 'state' && NUMERIC_NAMES.has(sensor) ? `${sensor}_binary` : sensor;
  v.entity = same > 0 ? `${base}_${same + 1}` : base;
  return v;
}

/**
 * Names that a measurement and a binary object share (power, moisture, gas): the binary one's
 * entity takes a suffix, so a plug's "power on" never shares a series with its watts.
 */
const NUMERIC_NAMES = new Set(
  Object.values(BTHOME_OBJECTS).flatMap((d) => (d.kind === 'sensor' ? [d.name] : [])),
);

function readInt(r: Reader, size: 1 | 2 | 3 | 4, signed: boolean, field: string): number {
  switch (size) {
    case 1:
      return signed ? r.s8(field) : r.u8(field);
    case 2:
      return signed ? r.s16(field) : r.u16(field);
    case 3:
      return signed ? r.s24(field) : r.u24(field);
    case 4:
      return signed ? r.s32(field) : r.u32(field);
  }
}

function readObject(
  r: Reader,
  id: number,
  def: ObjectDef,
  result: BthomeResult,
  eventCount: Record<string, number>,
): string | undefined {
  const extra = result.extra as Record<string, unknown>;
  switch (def.kind) {
    case 'sensor': {
      const raw = readInt(r, def.size, def.signed, def.name);
      const native = Number((raw * def.factor).toFixed(decimals(def.factor)));
      const value = def.toMetric ? Number((native * def.toMetric).toFixed(6)) : native;
      const v: DecodedValue = { metric: def.metric, value, unit: unitOf(def.metric) };
      v.extra = { objectId: id, sensor: def.name };
      if (def.metric === 'generic') v.extra.unit = def.unit;
      result.values.push(withInstance(result, v));
      return;
    }
    case 'binary': {
      const raw = r.u8(def.name);
      if (raw > 1) throw new PayloadError(`binary sensor ${def.name} has value ${raw} (0 or 1)`);
      result.values.push(
        withInstance(result, {
          metric: 'state',
          value: raw,
          unit: unitOf('state'),
          extra: { objectId: id, sensor: def.name },
        }),
      );
      return;
    }
    case 'event': {
      const index = eventCount[def.name] ?? 0;
      eventCount[def.name] = index + 1;
      const code = r.u8(`${def.name} event`);
      const names = def.name === 'button' ? BUTTON_EVENTS : DIMMER_EVENTS;
      const name = names[code];
      // An event code we do not know is not turned into some made-up event.
      if (name === undefined)
        return `${def.name} event code 0x${code.toString(16).padStart(2, '0')} is unknown`;
      const event: BthomeEvent = { type: def.name, event: name, index };
      if (def.name === 'dimmer') event.steps = r.u8('dimmer steps');
      (result.events ??= []).push(event);
      return;
    }
    case 'info': {
      const raw = readInt(r, def.size, false, def.name);
      if (id === 0x00) result.packetId = raw;
      else if (id === 0x50) extra.timestamp = raw * 1000;
      else if (id === 0xf1 || id === 0xf2) {
        const parts = [];
        for (let i = def.size - 1; i >= 0; i--) parts.push(Math.floor(raw / 256 ** i) % 256);
        extra.firmwareVersion = parts.join('.');
      } else extra[def.name === 'device_type_id' ? 'deviceTypeId' : def.name] = raw;
      return;
    }
    case 'bytes': {
      const len = r.u8(`${def.name} length`);
      const bytes = r.bytes(len, def.name);
      if (def.name === 'text') extra.text = new TextDecoder().decode(bytes);
      else extra.raw = bytes.toString('hex');
      return;
    }
  }
}

function writeInt(value: number, size: number, signed: boolean, id: number): Buffer {
  const min = signed ? -(2 ** (size * 8 - 1)) : 0;
  const max = signed ? 2 ** (size * 8 - 1) - 1 : 2 ** (size * 8) - 1;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `BTHome object 0x${id.toString(16)}: value ${value} does not fit ${size} byte(s)`,
    );
  }
  const out = Buffer.alloc(size);
  if (signed) out.writeIntLE(value, 0, size);
  else out.writeUIntLE(value, 0, size);
  return out;
}

/**
 * Builds BTHome v2 service data (without the UUID) for simulated sensors and tests. Values are in
 * the unit bthome.io lists for the id (°C, %, lb for 0x07, ...); button value = event code; dimmer
 * value = steps (negative = left). Objects are sorted by id, as the format asks. Encrypted when
 * `opts` is given. Throws on values that do not fit: this is our own code, not device input.
 */
export function encodeBthome(
  objects: { id: number; value: number }[],
  opts?: { mac: string; key: Buffer; counter: number },
): Buffer {
  const parts: Buffer[] = [];
  const sorted = objects.map((o, i) => ({ ...o, i })).sort((a, b) => a.id - b.id || a.i - b.i);
  for (const { id, value } of sorted) {
    const def = BTHOME_OBJECTS[id];
    if (!def) throw new Error(`BTHome object 0x${id.toString(16)} is unknown`);
    parts.push(Buffer.from([id]));
    switch (def.kind) {
      case 'sensor':
        parts.push(writeInt(Math.round(value / def.factor), def.size, def.signed, id));
        break;
      case 'binary':
        parts.push(writeInt(value ? 1 : 0, 1, false, id));
        break;
      case 'event':
        if (def.name === 'button') parts.push(writeInt(value, 1, false, id));
        else {
          const steps = Math.abs(value);
          parts.push(Buffer.from([value < 0 ? 0x01 : value > 0 ? 0x02 : 0x00]));
          parts.push(writeInt(steps, 1, false, id));
        }
        break;
      case 'info':
        parts.push(writeInt(value, def.size, false, id)); // 0x50 timestamp: seconds
        break;
      case 'bytes':
        throw new Error(`BTHome object 0x${id.toString(16)} (${def.name}) is not numeric`);
    }
  }
  const plain = Buffer.concat(parts);
  if (!opts) return Buffer.concat([Buffer.from([0x40]), plain]);
  const mac = parseMac(opts.mac);
  if (!mac) throw new Error(`BTHome: bad MAC ${opts.mac}`);
  if (opts.key.length !== 16) throw new Error('BTHome: bind key must be 16 bytes');
  const info = 0x41;
  const counter = writeInt(opts.counter, 4, false, -1);
  const { ciphertext, mic } = encrypt(opts.key, nonce(mac, info, counter), plain);
  return Buffer.concat([Buffer.from([info]), ciphertext, counter, mic]);
}
