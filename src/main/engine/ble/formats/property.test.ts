import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decoders/index.js';
import type { Advertisement } from '../radio.js';
import { bindKeySecret } from './bthome.js';
import { ADVERT_FORMATS, type FormatReport } from './index.js';
import { advert, context } from './test-helpers.js';

/*
 * Whatever a sensor (or an attacker) sends: every format in the table returns a report or null,
 * or throws its DecodeError, never anything else; and no reading is NaN or infinite.
 */

const MAC = 'a4:c1:38:02:83:f4';
const UUIDS = ['fcd2', 'fe95', '181a', 'fd3d', '000d', 'feaa', 'fdcd', '181b', '181d', '181c'];
const COMPANIES = [0x0499, 0xec88, 0x8801, 0x0001, 0x004c, 0x0969, 0x0702, 0x00dc];

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));

/** Advertisements aimed at the formats: a known UUID or company id, random bytes after it. */
const adverts: fc.Arbitrary<Advertisement> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...UUIDS), bytes(40), fc.option(fc.string({ maxLength: 12 })))
    .map(([uuid, data, name]) =>
      advert({ address: MAC, name: name ?? undefined, serviceData: [{ uuid, data }] }),
    ),
  fc
    .tuple(
      fc.constantFrom(...COMPANIES),
      bytes(40),
      fc.constantFrom(undefined, 'GVH5102', 'sps', 'tps', 'iBBQ', 'ThermoBeacon'),
    )
    .map(([company, data, name]) => {
      const id = Buffer.alloc(2);
      id.writeUInt16LE(company);
      return advert({ address: MAC, name, manufacturerData: Buffer.concat([id, data]) });
    }),
);

function check(report: FormatReport | null): void {
  if (!report) return;
  for (const v of report.values) {
    if (v.value !== null) expect(Number.isFinite(v.value), JSON.stringify(v)).toBe(true);
  }
}

describe('advertisement formats under random bytes', () => {
  it('throw only DecodeError and never produce NaN (with and without a bind key)', () => {
    fc.assert(
      fc.property(adverts, fc.boolean(), (a, withKey) => {
        const secrets = withKey ? { [bindKeySecret(MAC)]: '231d39c1d7cc1ab1aee224cd096db932' } : {};
        for (const f of ADVERT_FORMATS) {
          if (!f.matches(a)) continue;
          try {
            check(f.decode(a, context(MAC, secrets)));
            f.pairingNote?.(a, context(MAC, secrets));
          } catch (err) {
            if (!(err instanceof DecodeError)) throw err;
            expect(err.message).toMatch(/\S/);
            expect(err.hex).toMatch(/^[0-9a-f]*$/);
          }
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('oversized service data is refused, not read past', () => {
    for (const f of ADVERT_FORMATS) {
      for (const uuid of UUIDS) {
        const a = advert({ address: MAC, serviceData: [{ uuid, data: Buffer.alloc(300, 0x41) }] });
        if (!f.matches(a)) continue;
        try {
          check(f.decode(a, context(MAC)));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }
    }
  });
});
