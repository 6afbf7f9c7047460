import { describe, expect, it } from 'vitest';
import { decodeBthome } from './bthome/index.js';
import { decodeCharacteristic } from './decoders/index.js';
import { gattKeyOf } from './gatt-entities.js';
import { toReadings } from './readings.js';

const at = { deviceId: 'd', source: 'ble', gateway: 'gw', now: 100_000 };

describe('toReadings', () => {
  it("keeps a generic quantity's own unit and the canonical unit of the rest", () => {
    // Battery 90 %, rotation 12.3° (0x3F: sint16, 0.1), as a BTHome sensor sends them.
    const { values } = decodeBthome(Buffer.from('40015a3f7b00', 'hex'), {});
    const out = toReadings(values, { deviceId: 'd', source: 'bthome', gateway: 'gw', now: 5 });
    expect(out.map((r) => [r.entity, r.metric, r.value, r.unit, r.ts])).toEqual([
      ['battery', 'battery', 90, '%', 5],
      ['rotation', 'generic', 12.3, '°', 5],
    ]);
  });

  it('every RR interval of a notification is a reading of its own, ending at the notification', () => {
    // 72 bpm, RR 1024, 512 and 820/1024 s (1000, 500 and 800.781 ms), oldest first.
    const data = Buffer.from([0x10, 72, 0x00, 0x04, 0x00, 0x02, 0x34, 0x03]);
    const out = toReadings(decodeCharacteristic('2a37', data).values, at);
    expect(out.map((r) => [r.entity, r.value, r.ts])).toEqual([
      ['heart_rate', 72, 100_000],
      // The last beat at the notification's time, each earlier one earlier by the ones after it.
      ['rr_interval', 1000, 100_000 - 1301],
      ['rr_interval', 500, 100_000 - 801],
      ['rr_interval', 800.781, 100_000],
    ]);
  });

  it("a GATT field's entity is its metric, suffixed where the device measures it twice", () => {
    const cp = decodeCharacteristic('2a63', Buffer.from([0x00, 0x00, 0x96, 0x00])).values;
    const alone = toReadings(cp, { ...at, keyOf: gattKeyOf('2a63', new Set(['2a63'])) });
    expect(alone.map((r) => r.entity)).toEqual(['power']);
    const bike = gattKeyOf('2a63', new Set(['2a63', '2a5b']))!;
    expect(bike({ metric: 'cadence', value: 80, unit: 'rpm' })).toBe('cadence_power_meter');
    expect(bike({ metric: 'power', value: 150, unit: 'W' })).toBeUndefined();
    expect(gattKeyOf('2a5b', new Set(['2a63', '2a5b']))).toBeUndefined();
  });
});
