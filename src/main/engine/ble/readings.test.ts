import { describe, expect, it } from 'vitest';
import { decodeBthome } from './bthome/index.js';
import { toReadings } from './readings.js';

describe('toReadings', () => {
  it("keeps a generic quantity's own unit and the canonical unit of the rest", () => {
    // Battery 90 %, rotation 12.3° (0x3F: sint16, 0.1), as a BTHome sensor sends them.
    const { values } = decodeBthome(Buffer.from('40015a3f7b00', 'hex'), {});
    const out = toReadings(values, { deviceId: 'd', source: 'bthome', gateway: 'gw', now: 5 });
    expect(out.map((r) => [r.metric, r.value, r.unit, r.ts])).toEqual([
      ['battery', 90, '%', 5],
      ['generic', 12.3, '°', 5],
    ]);
  });
});
