import type { DecodedValue } from '../decoders/types.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { fail, guarded, round, val } from './util.js';

/*
 * Inkbird, manufacturer data, from the community's published decodings of the devices:
 * - IBS-TH1 / IBS-TH2 / IBS-P01B (name "sps"; "tps" without humidity): 9 bytes with no real
 *   company id: temperature s16 LE × 0.01 °C (where a company id would be), humidity u16 LE ×
 *   0.01 %, probe u8 (0 internal, 1 external), CRC16 (2), battery u8 %, type u8.
 * - IBT-2X / 4XS / 6XS BBQ probes (name "iBBQ"): company 0x0000, MAC (6), then one u16 LE ×
 *   0.1 °C per probe; 0xFFF6 is a probe that is not plugged in.
 */

const F = { id: 'inkbird', name: 'Inkbird' };
const UNPLUGGED = 0xfff6;

export function decodeInkbirdTh(mfr: Buffer, name: string): FormatReport {
  return guarded(F, mfr, () => {
    if (mfr.length !== 9) fail(F, `IBS-TH frame needs 9 bytes, got ${mfr.length}`, mfr);
    const values: DecodedValue[] = [val('temperature', round(mfr.readInt16LE(0) / 100, 2))];
    if (name === 'sps') values.push(val('humidity', round(mfr.readUInt16LE(2) / 100, 2)));
    values.push(val('battery', Math.min(mfr[7], 100)));
    const external = mfr[4] === 1;
    if (external) values[0].extra = { sensor: 'external_probe' };
    return {
      values,
      device: { manufacturer: 'Inkbird', model: name === 'sps' ? 'IBS-TH1/TH2' : 'IBS-TH2 (T)' },
    };
  });
}

export function decodeIbbq(mfr: Buffer): FormatReport {
  return guarded(F, mfr, () => {
    const probes = (mfr.length - 8) / 2;
    if (mfr.length < 10 || !Number.isInteger(probes) || probes > 6)
      fail(F, `iBBQ frame of ${mfr.length} bytes is not MAC + 1-6 probes`, mfr);
    const values: DecodedValue[] = [];
    for (let i = 0; i < probes; i++) {
      const raw = mfr.readUInt16LE(8 + i * 2);
      if (raw !== UNPLUGGED)
        values.push(val('temperature', round(raw / 10, 1), { sensor: `probe_${i + 1}` }));
    }
    return { values, device: { manufacturer: 'Inkbird', model: `IBT (${probes} probes)` } };
  });
}

const isTh = (a: Advertisement) => (a.name === 'sps' || a.name === 'tps') && !!a.manufacturerData;
const isIbbq = (a: Advertisement) =>
  a.name === 'iBBQ' && !!a.manufacturerData && a.manufacturerData.length >= 2;

export const inkbirdFormat: AdvertFormat = {
  id: 'inkbird',
  name: 'Inkbird',
  source: 'ble',
  // Inkbird thermometers put data where the company id would be: only their names identify them.
  matches: (a) => isTh(a) || isIbbq(a),
  decode: (a) =>
    isTh(a) ? decodeInkbirdTh(a.manufacturerData!, a.name!) : decodeIbbq(a.manufacturerData!),
};
