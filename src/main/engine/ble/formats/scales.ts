import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { fail, generic, guarded, round, serviceDataOf, val } from './util.js';

/*
 * Xiaomi scales, from the community's published decodings of their advertisements:
 * - Mi Scale (XMTZC01HM), service data 0x181D, 10 bytes: control u8 (bit 0 lb, bit 4 jin,
 *   bit 5 stabilized, bit 7 weight removed), weight u16 LE (kg × 200, lb and jin × 100), time
 *   (year u16, month, day, hours, minutes, seconds).
 * - Mi Body Composition Scale (XMTZC02HM / XMTZC05HM), service data 0x181B, 13 bytes: control
 *   u8 (bit 0 lb), control u8 (bit 1 impedance present, bit 5 stabilized, bit 7 weight removed),
 *   time (7), impedance u16 LE Ω, weight u16 LE (kg × 200, lb × 100).
 * Only a stabilized weight still on the scale is a reading; the rest is someone stepping on or off.
 */

const F = { id: 'xiaomi-scale', name: 'Xiaomi scale' };
const LB = 0.45359237;

function time(d: Buffer, at: number): number | undefined {
  const y = d.readUInt16LE(at);
  const [mo, day, h, mi, s] = [d[at + 2], d[at + 3], d[at + 4], d[at + 5], d[at + 6]];
  if (y < 2000 || mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59)
    return undefined;
  return new Date(y, mo - 1, day, h, mi, s).getTime(); // the scale keeps local time
}

function weight(raw: number, lb: boolean, jin: boolean): number {
  if (lb) return round((raw / 100) * LB, 3);
  if (jin) return round(raw / 100 / 2, 3);
  return round(raw / 200, 3);
}

function stamped(values: DecodedValue[], ts: number | undefined): DecodedValue[] {
  if (ts !== undefined) for (const v of values) v.ts = ts;
  return values;
}

export function decodeMiScale(d: Buffer): FormatReport {
  return guarded(F, d, () => {
    if (d.length !== 10) fail(F, `Mi Scale frame needs 10 bytes, got ${d.length}`, d);
    const c = d[0];
    const device = {
      kind: 'scale' as const,
      manufacturer: 'Xiaomi',
      model: 'XMTZC01HM (Mi Scale)',
    };
    if (!(c & 0x20) || c & 0x80) return { values: [], device };
    const w = val('weight', weight(d.readUInt16LE(1), (c & 0x01) !== 0, (c & 0x10) !== 0));
    return { values: stamped([w], time(d, 3)), device };
  });
}

export function decodeMiBodyScale(d: Buffer): FormatReport {
  return guarded(F, d, () => {
    if (d.length !== 13) fail(F, `body composition frame needs 13 bytes, got ${d.length}`, d);
    const device = {
      kind: 'scale' as const,
      manufacturer: 'Xiaomi',
      model: 'XMTZC02HM/XMTZC05HM (Mi Body Composition Scale)',
    };
    const c1 = d[1];
    if (!(c1 & 0x20) || c1 & 0x80) return { values: [], device };
    const values = [val('weight', weight(d.readUInt16LE(11), (d[0] & 0x01) !== 0, false))];
    const ohm = d.readUInt16LE(9);
    if (c1 & 0x02 && ohm > 0 && ohm < 3000) values.push(generic('impedance', ohm, 'Ω'));
    return { values: stamped(values, time(d, 2)), device };
  });
}

const v1 = (a: Advertisement) => serviceDataOf(a, '181d');
const v2 = (a: Advertisement) => serviceDataOf(a, '181b');

export const xiaomiScaleFormat: AdvertFormat = {
  id: 'xiaomi-scale',
  name: 'Xiaomi scale',
  source: 'ble',
  matches: (a) => v1(a) !== undefined || v2(a) !== undefined,
  decode: (a) => {
    const body = v2(a);
    return body ? decodeMiBodyScale(body) : decodeMiScale(v1(a)!);
  },
};
