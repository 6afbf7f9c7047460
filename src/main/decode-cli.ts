import { decodeBthome } from './engine/ble/bthome/index.js';
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
  'usage: homebeat decode <characteristic-uuid|bthome> <hex> [<hex> ...] [--key <32 hex>] [--mac <aa:bb:cc:dd:ee:ff>]';

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
