import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBthome, encodeBthome } from '../bthome/index.js';
import {
  createDecoderState,
  DecodeError,
  decodeCharacteristic,
  encodeCurrentTime,
  KNOWN_SERVICES,
} from './index.js';

/** Whatever a device sends, a decoder returns or throws a DecodeError: never anything else. */
const CHARACTERISTICS = [
  ...new Set(Object.values(KNOWN_SERVICES).flatMap((s) => s.characteristics)),
];

function onlyDecodeErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    expect(err.hex).toMatch(/^[0-9a-f]*$/);
  }
}

describe('random bytes never throw anything but DecodeError', () => {
  it('every GATT decoder, with and without state', () => {
    const state = createDecoderState();
    fc.assert(
      fc.property(
        fc.constantFrom(...CHARACTERISTICS),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        (uuid, bytes, withState) => {
          onlyDecodeErrors(() => {
            const r = decodeCharacteristic(uuid, Buffer.from(bytes), withState ? state : undefined);
            for (const v of r.values) {
              // A reading is a finite number, or null with a status: never NaN or Infinity.
              if (v.value === null) expect(v.status).toBeDefined();
              else expect(Number.isFinite(v.value)).toBe(true);
            }
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('BTHome, plain and with a key', () => {
    const key = Buffer.alloc(16, 7);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (bytes, withKey) => {
        onlyDecodeErrors(() =>
          decodeBthome(Buffer.from(bytes), withKey ? { key, mac: '11:22:33:44:55:66' } : {}),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('BTHome with a valid header and random objects', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (bytes) => {
        onlyDecodeErrors(() => decodeBthome(Buffer.concat([Buffer.from([0x40]), bytes])));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('round trips', () => {
  it('encodeCurrentTime -> decode gives back the same local wall-clock time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(2000, 0, 1), max: new Date(2099, 11, 31), noInvalidDate: true }),
        (date) => {
          const r = decodeCharacteristic('2a2b', encodeCurrentTime(date));
          const back = new Date(r.extra?.time as number);
          // Compared as local fields: an hour that repeats at a DST change maps to either instant.
          expect(back.getFullYear()).toBe(date.getFullYear());
          expect(back.getMonth()).toBe(date.getMonth());
          expect(back.getDate()).toBe(date.getDate());
          expect(back.getHours()).toBe(date.getHours());
          expect(back.getMinutes()).toBe(date.getMinutes());
          expect(back.getSeconds()).toBe(date.getSeconds());
          // fractions256 resolution (3.9 ms) plus the floor on each side.
          expect(Math.abs(back.getMilliseconds() - date.getMilliseconds())).toBeLessThan(5);
          expect(r.extra?.dayOfWeek).toBe(date.getDay() === 0 ? 7 : date.getDay());
        },
      ),
      { numRuns: 500 },
    );
  });

  const sensorObjects = fc.array(
    fc.oneof(
      fc.record({
        id: fc.constant(0x02),
        value: fc.integer({ min: -4000, max: 8000 }).map((v) => v / 100),
      }),
      fc.record({
        id: fc.constant(0x03),
        value: fc.integer({ min: 0, max: 10000 }).map((v) => v / 100),
      }),
      fc.record({ id: fc.constant(0x01), value: fc.integer({ min: 0, max: 100 }) }),
      fc.record({
        id: fc.constant(0x04),
        value: fc.integer({ min: 80000, max: 110000 }).map((v) => v / 100),
      }),
      fc.record({ id: fc.constant(0x2d), value: fc.integer({ min: 0, max: 1 }) }),
      fc.record({
        id: fc.constant(0x5c),
        value: fc.integer({ min: -100000, max: 100000 }).map((v) => v / 100),
      }),
    ),
    { minLength: 1, maxLength: 6 },
  );

  it('encodeBthome -> decodeBthome, plain and encrypted', () => {
    fc.assert(
      fc.property(
        sensorObjects,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (objects, keyBytes, counter) => {
          const key = Buffer.from(keyBytes);
          const mac = 'a4:c1:38:00:11:22';
          const sorted = [...objects].sort((a, b) => a.id - b.id);
          const plain = decodeBthome(encodeBthome(objects));
          expect(plain.values.map((v) => v.extra?.objectId)).toEqual(sorted.map((o) => o.id));
          expect(plain.values.map((v) => v.value)).toEqual(sorted.map((o) => o.value));
          const enc = decodeBthome(encodeBthome(objects, { mac, key, counter }), { mac, key });
          expect(enc.encrypted).toBe(true);
          expect(enc.counter).toBe(counter);
          expect(enc.values).toEqual(plain.values);
        },
      ),
      { numRuns: 300 },
    );
  });
});
