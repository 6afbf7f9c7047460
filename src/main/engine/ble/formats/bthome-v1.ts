import { unitOf } from '../../../../shared/metrics.js';
import { BTHOME_OBJECTS, decimals } from '../bthome/objects.js';
import type { DecodedValue } from '../decoders/types.js';
import { Reader } from '../decoders/reader.js';
import type { AdvertFormat, FormatReport } from './format.js';
import { fail, guarded, serviceDataOf } from './util.js';

/*
 * BTHome v1 (legacy; https://bthome.io/v1): service data 0x181C. Each object starts with a byte
 * whose bits 5-7 are the data type (0 unsigned, 1 signed, 2 float, 3 string, 4 MAC) and bits 0-4
 * the number of bytes that follow it (object id + value); then the object id, then the value,
 * little-endian. The ids and factors are v2's for the sensors both versions have. Encrypted v1
 * (0x181E) is not read: v2 replaced it, and its devices can be switched to v2.
 */

export const BTHOME_V1_UUID = '181c';
export const BTHOME_V1_ENCRYPTED_UUID = '181e';
const F = { id: 'bthome-v1', name: 'BTHome v1' };

export function decodeBthomeV1(data: Buffer): FormatReport {
  return guarded(F, data, () => {
    if (data.length === 0) fail(F, 'empty service data', data);
    const values: DecodedValue[] = [];
    const skipped: number[] = [];
    const r = new Reader(data);
    while (r.remaining > 0) {
      const head = r.u8('object header');
      const type = head >> 5;
      const length = head & 0x1f;
      if (length < 2) fail(F, `object at byte ${r.offset - 1} has length ${length}`, data);
      const id = r.u8('object id');
      const raw = r.bytes(length - 1, `object 0x${id.toString(16)}`);
      const def = BTHOME_OBJECTS[id];
      if ((type !== 0 && type !== 1) || raw.length > 4 || !def) {
        skipped.push(id); // its length is known: the objects after it still read
        continue;
      }
      const n = type === 1 ? raw.readIntLE(0, raw.length) : raw.readUIntLE(0, raw.length);
      if (def.kind === 'sensor') {
        const native = Number((n * def.factor).toFixed(decimals(def.factor)));
        const value = def.toMetric ? Number((native * def.toMetric).toFixed(6)) : native;
        const v: DecodedValue = { metric: def.metric, value, unit: unitOf(def.metric) };
        v.extra = { objectId: id, sensor: def.name };
        if (def.metric === 'generic') v.extra.unit = def.unit;
        values.push(v);
      } else if (def.kind === 'binary' && n <= 1) {
        values.push({
          metric: 'state',
          value: n,
          unit: '',
          extra: { objectId: id, sensor: def.name },
        });
      } else skipped.push(id);
    }
    const report: FormatReport = { values, device: { model: 'BTHome v1 sensor' } };
    if (skipped.length) report.extra = { skippedObjects: skipped };
    return report;
  });
}

export const bthomeV1Format: AdvertFormat = {
  id: 'bthome-v1',
  name: 'BTHome v1',
  source: 'bthome',
  matches: (a) =>
    serviceDataOf(a, BTHOME_V1_UUID) !== undefined ||
    serviceDataOf(a, BTHOME_V1_ENCRYPTED_UUID) !== undefined,
  decode(a) {
    const data = serviceDataOf(a, BTHOME_V1_UUID);
    if (!data) {
      const sealed = serviceDataOf(a, BTHOME_V1_ENCRYPTED_UUID)!;
      return fail(
        F,
        'encrypted BTHome v1 is not supported: switch the sensor to BTHome v2',
        sealed,
      );
    }
    return decodeBthomeV1(data);
  },
};
