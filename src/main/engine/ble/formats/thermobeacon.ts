import type { Advertisement } from '../radio.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { fail, guarded, round, val } from './util.js';

/*
 * ThermoBeacon (Brifit, SensorBlue; name "ThermoBeacon"), manufacturer data, from the community's
 * published decoding: 20 bytes: id (2), flags (2), MAC (6), battery u16 LE mV, temperature s16 LE
 * / 16 °C, humidity u16 LE / 16 %, uptime u32 LE s. The 22-byte frames (min/max history) carry no
 * current reading and are skipped. The company id differs by model, so the name identifies it.
 */

const F = { id: 'thermobeacon', name: 'ThermoBeacon' };

export function decodeThermoBeacon(mfr: Buffer): FormatReport {
  return guarded(F, mfr, () => {
    const device = { manufacturer: 'SensorBlue', model: 'ThermoBeacon' };
    if (mfr.length === 22) return { values: [], device };
    if (mfr.length !== 20) fail(F, `frame needs 20 bytes, got ${mfr.length}`, mfr);
    return {
      values: [
        val('voltage', round(mfr.readUInt16LE(10) / 1000, 3)),
        val('temperature', round(mfr.readInt16LE(12) / 16, 2)),
        val('humidity', round(mfr.readUInt16LE(14) / 16, 2)),
      ],
      device,
    };
  });
}

const isThermoBeacon = (a: Advertisement) =>
  (a.name ?? '').startsWith('ThermoBeacon') && (a.manufacturerData?.length ?? 0) > 0;

export const thermoBeaconFormat: AdvertFormat = {
  id: 'thermobeacon',
  name: 'ThermoBeacon',
  source: 'ble',
  matches: isThermoBeacon,
  decode: (a) => decodeThermoBeacon(a.manufacturerData!),
};
