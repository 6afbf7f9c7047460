import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from './devices.js';
import type { Reading } from '../../shared/model.js';

/*
 * The registry's fold, against a model of what it must hold: for every (device, entity) the
 * newest reading by time, and among readings of the same time the last to arrive. Readings come
 * in any interleaving of devices and entities, in bursts of any size (one publish or many), with
 * many sharing a millisecond.
 */

const DEVICES = ['aa:01', 'aa:02', 'bb'];
// Entities of one metric on one device: their values must never land in each other's slot.
const ENTITIES = ['temperature', 'temperature_2', 'temperature_offset', 'battery'];

const reading = fc.record({
  device: fc.constantFrom(...DEVICES),
  entity: fc.constantFrom(...ENTITIES),
  // A narrow range of times, so that several readings share a millisecond.
  ts: fc.integer({ min: 1000, max: 1010 }),
  value: fc.integer({ min: -50, max: 50 }),
});

/** The readings, numbered in arrival order (the value carries the number, so each is unique). */
const stream = fc
  .array(reading, { minLength: 1, maxLength: 200 })
  .map((rs) => rs.map((r, i) => ({ ...r, value: r.value * 1000 + i })));

/** How the stream is cut into publishes: sizes of consecutive batches. */
const cuts = fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 50 });

const toReading = (r: { device: string; entity: string; ts: number; value: number }): Reading => ({
  deviceId: r.device,
  entity: r.entity,
  metric: r.entity === 'battery' ? 'battery' : 'temperature',
  value: r.value,
  unit: r.entity === 'battery' ? '%' : '°C',
  ts: r.ts,
  source: 'test',
});

describe('DeviceRegistry fold (property)', () => {
  it('latest per entity is the newest by (time, arrival), whatever the interleaving and bursts', () => {
    fc.assert(
      fc.property(stream, cuts, fc.boolean(), (rs, sizes, ble) => {
        const reg = new DeviceRegistry();
        for (const id of DEVICES) reg.upsert({ id, transport: ble ? 'ble' : 'mqtt' });
        const all = rs.map(toReading);
        let at = 0;
        for (let i = 0; at < all.length; i++) {
          const n = sizes[i % sizes.length]!;
          reg.applyReadings(all.slice(at, at + n));
          at += n;
        }
        // The model: the last reading in arrival order among those with the greatest time.
        const expected = new Map<string, Reading>();
        for (const r of all) {
          const k = `${r.deviceId}|${r.entity}`;
          const cur = expected.get(k);
          if (!cur || cur.ts <= r.ts) expected.set(k, r);
        }
        for (const id of DEVICES) {
          const d = reg.get(id)!;
          const mine = [...expected.entries()].filter(([k]) => k.startsWith(`${id}|`));
          // Exactly one slot per entity that reported, none shared, none invented.
          expect(Object.keys(d.latest).sort()).toEqual(
            mine.map(([k]) => k.slice(id.length + 1)).sort(),
          );
          for (const [k, r] of mine) {
            const lv = d.latest[k.slice(id.length + 1)]!;
            expect(lv).toEqual({ metric: r.metric, value: r.value, unit: r.unit, ts: r.ts });
          }
          if (ble && mine.length) {
            const keys = d.entities!.map((e) => e.key);
            expect(new Set(keys).size).toBe(keys.length);
            expect(keys.sort()).toEqual(Object.keys(d.latest).sort());
          }
          const newestBattery = expected.get(`${id}|battery`);
          if (newestBattery) expect(d.battery).toBe(newestBattery.value);
        }
      }),
      { numRuns: 300 },
    );
  });
});
