import { decodeBthome } from './engine/ble/bthome/index.js';
import { bindKeySecret } from './engine/ble/formats/bthome.js';
import { ADVERT_FORMATS } from './engine/ble/formats/index.js';
import type { Advertisement } from './engine/ble/radio.js';
import {
  characteristicName,
  createDecoderState,
  decodeCharacteristic,
  DecodeError,
  normalizeUuid,
  type DecodeResult,
  type DecodedValue,
} from './engine/ble/decoders/index.js';

/*
 * `homebeat decode <target> <hex> [--key <32 hex>] [--mac aa:bb:cc:dd:ee:ff]`: decodes one payload
 * for anyone debugging a device's bytes. Exit code 0 with JSON, or 2 with one line of error.
 * More hex arguments are decoded as successive notifications (CSC/CP speed needs two).
 */

const USAGE =
  'usage: homebeat decode <characteristic-uuid|bthome> <hex> [<hex> ...] [--key <32 hex>] [--mac <aa:bb:cc:dd:ee:ff>]\n' +
  '       homebeat decode advert [--name N] [--mac aa:bb:cc:dd:ee:ff] [--mfr <hex incl. company id>] [--svc <uuid>=<hex> ...] [--key <32 hex>]';

const err = (message: string) => ({ code: 2, out: `homebeat decode: ${message}` });

/** Flattens a reading for printing: metric, value, unit, then status, ts and its extra fields. */
function flat(v: DecodedValue): Record<string, unknown> {
  const out: Record<string, unknown> = { metric: v.metric, value: v.value, unit: v.unit };
  if (v.status && v.status !== 'ok') out.status = v.status;
  if (v.ts !== undefined) out.ts = new Date(v.ts).toISOString();
  return { ...out, ...v.extra };
}

function parseHex(text: string): Buffer | null {
  const hex = text.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

export function runDecode(args: string[]): { code: number; out: string } {
  if (args[0]?.toLowerCase() === 'advert') return runDecodeAdvert(args.slice(1));
  const positional: string[] = [];
  let keyText: string | undefined;
  let mac: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--key' || a === '--mac') {
      const v = args[++i];
      if (v === undefined) return err(`${a} needs a value\n${USAGE}`);
      if (a === '--key') keyText = v;
      else mac = v;
    } else if (a === '--help' || a === '-h') {
      return { code: 0, out: USAGE };
    } else if (a.startsWith('--')) {
      return err(`unknown option ${a}\n${USAGE}`);
    } else positional.push(a);
  }
  if (positional.length < 2) return err(USAGE);
  const [target, ...hexTexts] = positional;
  const payloads: Buffer[] = [];
  for (const text of hexTexts) {
    const data = parseHex(text);
    if (!data) return err(`not a hex string: ${text}`);
    payloads.push(data);
  }
  let key: Buffer | undefined;
  if (keyText !== undefined) {
    const k = parseHex(keyText);
    if (!k || k.length !== 16) return err('--key must be 32 hex digits (16 bytes)');
    key = k;
  }
  try {
    const bthome = target.toLowerCase() === 'bthome';
    const uuid = bthome ? 'bthome' : normalizeUuid(target);
    const header = bthome ? { target: 'bthome' } : { target: uuid, name: characteristicName(uuid) };
    // Several payloads are successive notifications of one device: CSC/CP speed and cadence need
    // two of them, so they share one decoder state.
    const state = createDecoderState();
    const decoded = payloads.map((data) => {
      const result: DecodeResult = bthome
        ? decodeBthome(data, { key, mac })
        : decodeCharacteristic(uuid, data, state);
      const { values, extra, ...rest } = result as DecodeResult & Record<string, unknown>;
      return { readings: values.map(flat), ...rest, ...extra };
    });
    const out =
      decoded.length === 1
        ? { ...header, ...decoded[0] }
        : { ...header, payloads: decoded.map((d, i) => ({ hex: hexTexts[i], ...d })) };
    return { code: 0, out: JSON.stringify(out, null, 2) };
  } catch (e) {
    if (e instanceof DecodeError) return err(`${e.message} (hex ${e.hex || '(empty)'})`);
    return err(`unexpected failure: ${String(e)}`);
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/**
 * `homebeat decode advert`: a whole advertisement (name, MAC, manufacturer data, service data)
 * through the engine's own table of formats, first match wins, as the receiver would read it.
 */
export function runDecodeAdvert(args: string[]): { code: number; out: string } {
  const a: Advertisement = {
    address: '',
    rssi: 0,
    serviceUuids: [],
    serviceData: [],
    connectable: false,
  };
  let keyText: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const opt = args[i];
    if (opt === '--help' || opt === '-h') return { code: 0, out: USAGE };
    if (!['--name', '--mac', '--mfr', '--svc', '--key'].includes(opt))
      return err(`unknown option ${opt}\n${USAGE}`);
    const v = args[++i];
    if (v === undefined) return err(`${opt} needs a value\n${USAGE}`);
    if (opt === '--name') a.name = v;
    else if (opt === '--key') keyText = v;
    else if (opt === '--mac') {
      if (!/^([0-9a-f]{2}[:-]?){5}[0-9a-f]{2}$/i.test(v))
        return err(`--mac must look like aa:bb:cc:dd:ee:ff, got "${v}"`);
      const hex = v.replace(/[:-]/g, '').toLowerCase();
      a.address = hex.match(/../g)!.join(':');
    } else if (opt === '--mfr') {
      const data = parseHex(v);
      if (!data || data.length < 2)
        return err('--mfr needs hex of at least 2 bytes (the company id first)');
      a.manufacturerData = data;
    } else {
      const eq = v.indexOf('=');
      const data = eq > 0 ? parseHex(v.slice(eq + 1)) : null;
      if (!data) return err(`--svc must be <uuid>=<hex>, got "${v}"`);
      const uuid = normalizeUuid(v.slice(0, eq));
      if (!/^[0-9a-f]{4}([0-9a-f]{28})?$/.test(uuid))
        return err(`--svc: not a UUID: ${v.slice(0, eq)}`);
      a.serviceData.push({ uuid, data });
      a.serviceUuids.push(uuid);
    }
  }
  if (!a.manufacturerData && a.serviceData.length === 0)
    return err(`give the advertisement's data: --mfr and/or --svc\n${USAGE}`);
  const secrets: Record<string, string> = {};
  if (keyText !== undefined) {
    const k = parseHex(keyText);
    if (!k || k.length !== 16) return err('--key must be 32 hex digits (16 bytes)');
    secrets[bindKeySecret(a.address)] = k.toString('hex');
  }
  const format = ADVERT_FORMATS.find((f) => f.matches(a));
  if (!format) return err('no known advertisement format matches this advertisement');
  try {
    const report = format.decode(a, {
      deviceId: a.address,
      secrets: { get: (name) => secrets[name] },
      state: {},
      log: quiet,
    });
    const out: Record<string, unknown> = {
      target: 'advert',
      format: format.id,
      formatName: format.name,
      ...(report?.device?.manufacturer ? { manufacturer: report.device.manufacturer } : {}),
      model: report?.device?.model ?? null,
      readings: (report?.values ?? []).map(flat),
    };
    if (report?.events?.length) out.events = report.events;
    if (report?.extra) out.extra = report.extra;
    const note = format.pairingNote?.(a, {
      deviceId: a.address,
      secrets: { get: (name) => secrets[name] },
      state: {},
      log: quiet,
    });
    if (note) out.note = note;
    return { code: 0, out: JSON.stringify(out, null, 2) };
  } catch (e) {
    if (e instanceof DecodeError) return err(`${e.message} (hex ${e.hex || '(empty)'})`);
    return err(`unexpected failure: ${String(e)}`);
  }
}
