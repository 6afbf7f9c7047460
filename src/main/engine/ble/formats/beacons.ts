import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { companyOf, fail, guarded, round, serviceDataOf, val } from './util.js';

/*
 * Location beacons, whose advertisements say who they are rather than what they measure:
 * - iBeacon (Apple's "Proximity Beacon Specification"): manufacturer data, company 0x004C, then
 *   02 15, proximity UUID (16), major u16 BE, minor u16 BE, measured power s8 (dBm at 1 m).
 * - Eddystone (github.com/google/eddystone protocol-specification), service data 0xFEAA:
 *   UID 0x00 (TX power s8, namespace 10, instance 6), URL 0x10 (TX power s8, scheme, encoded
 *   URL), TLM 0x20 (version 0: battery u16 BE mV, temperature s8.8 BE, 0x8000 = none,
 *   advertisement count u32 BE, time since boot u32 BE in 0.1 s).
 * The identity is in the report's extra (presence uses it); TLM's battery and temperature are
 * readings.
 */

export const EDDYSTONE_UUID = 'feaa';
const APPLE = 0x004c;
const FI = { id: 'ibeacon', name: 'iBeacon' };
const FE = { id: 'eddystone', name: 'Eddystone' };

const hexOf = (b: Buffer) => b.toString('hex');

export function decodeIBeacon(mfr: Buffer): FormatReport {
  return guarded(FI, mfr, () => {
    if (mfr.length !== 25) fail(FI, `frame needs 25 bytes, got ${mfr.length}`, mfr);
    const u = hexOf(mfr.subarray(4, 20));
    const uuid = `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
    return {
      values: [],
      device: { kind: 'other', model: 'iBeacon' },
      extra: {
        uuid,
        major: mfr.readUInt16BE(20),
        minor: mfr.readUInt16BE(22),
        measuredPower: mfr.readInt8(24),
      },
    };
  });
}

const SCHEMES = ['http://www.', 'https://www.', 'http://', 'https://'];
const EXPANSIONS = [
  '.com/',
  '.org/',
  '.edu/',
  '.net/',
  '.info/',
  '.biz/',
  '.gov/',
  '.com',
  '.org',
  '.edu',
  '.net',
  '.info',
  '.biz',
  '.gov',
];

function url(d: Buffer): string {
  if (d[2] >= SCHEMES.length) fail(FE, `URL scheme ${d[2]} is unknown`, d);
  let out = SCHEMES[d[2]];
  for (const c of d.subarray(3)) {
    if (c < EXPANSIONS.length) out += EXPANSIONS[c];
    else if (c > 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else fail(FE, `URL byte 0x${c.toString(16)} is not allowed`, d);
  }
  return out;
}

export function decodeEddystone(d: Buffer): FormatReport {
  return guarded(FE, d, () => {
    if (d.length < 2) fail(FE, `frame too short (${d.length} bytes)`, d);
    if (d.length > 20) fail(FE, `frame too long (${d.length} bytes)`, d);
    const device = { kind: 'other' as const, model: 'Eddystone' };
    switch (d[0]) {
      case 0x00:
        if (d.length < 18) fail(FE, `UID frame needs 18 bytes, got ${d.length}`, d);
        return {
          values: [],
          device,
          extra: {
            frame: 'uid',
            txPower: d.readInt8(1),
            namespace: hexOf(d.subarray(2, 12)),
            instance: hexOf(d.subarray(12, 18)),
          },
        };
      case 0x10:
        if (d.length < 3) fail(FE, 'URL frame has no URL', d);
        return { values: [], device, extra: { frame: 'url', txPower: d.readInt8(1), url: url(d) } };
      case 0x20: {
        if (d[1] !== 0) fail(FE, `TLM version ${d[1]} (encrypted TLM) is not supported`, d);
        if (d.length !== 14) fail(FE, `TLM frame needs 14 bytes, got ${d.length}`, d);
        const values = [];
        const mv = d.readUInt16BE(2);
        if (mv !== 0) values.push(val('voltage', mv / 1000));
        const t = d.readInt16BE(4);
        if (t !== -0x8000) values.push(val('temperature', round(t / 256, 2)));
        return {
          values,
          device,
          extra: {
            frame: 'tlm',
            advertisements: d.readUInt32BE(6),
            uptimeSeconds: round(d.readUInt32BE(10) / 10, 1),
          },
        };
      }
      default:
        return fail(FE, `frame type 0x${d[0].toString(16)} is not supported`, d);
    }
  });
}

const isIBeacon = (a: Advertisement) =>
  companyOf(a) === APPLE && a.manufacturerData![2] === 0x02 && a.manufacturerData![3] === 0x15;

export const iBeaconFormat: AdvertFormat = {
  id: 'ibeacon',
  name: 'iBeacon',
  source: 'ble',
  matches: (a) =>
    a.manufacturerData !== undefined && a.manufacturerData.length >= 4 && isIBeacon(a),
  decode: (a) => decodeIBeacon(a.manufacturerData!),
};

export const eddystoneFormat: AdvertFormat = {
  id: 'eddystone',
  name: 'Eddystone',
  source: 'ble',
  matches: (a) => serviceDataOf(a, EDDYSTONE_UUID) !== undefined,
  decode: (a) => decodeEddystone(serviceDataOf(a, EDDYSTONE_UUID)!),
};
