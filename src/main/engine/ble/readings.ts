import type { Reading } from '../../../shared/model.js';
import type { DecodedValue } from './decoders/index.js';

/**
 * Decoded values as readings: the device's own timestamp where it gave one, else `now`. A generic
 * quantity (a BTHome UV index, rotation) keeps the unit its decoder found for it.
 */
export function toReadings(
  values: DecodedValue[],
  o: { deviceId: string; source: string; gateway: string; now: number },
): Reading[] {
  return values.map((v) => {
    const r: Reading = {
      deviceId: o.deviceId,
      metric: v.metric,
      value: v.value,
      unit: v.metric === 'generic' && typeof v.extra?.unit === 'string' ? v.extra.unit : v.unit,
      ts: v.ts ?? o.now,
      source: o.source,
      gateway: o.gateway,
    };
    if (v.status && v.status !== 'ok') r.status = v.status;
    return r;
  });
}
