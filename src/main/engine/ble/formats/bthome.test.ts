import { describe, expect, it } from 'vitest';
import { encodeBthome } from '../bthome/index.js';
import { bindKeySecret, bthomeFormat } from './bthome.js';
import { advert, context, errorOf, hex, memoryLog, type LogLine } from './test-helpers.js';

const KEY = '231d39c1d7cc1ab1aee224cd096db932'; // bthome.io/encryption example
const MAC = '54:48:e6:8f:80:a5';
const svc = (data: Buffer) => advert({ address: MAC, serviceData: [{ uuid: 'fcd2', data }] });
const sealed = (counter: number) =>
  encodeBthome([{ id: 0x02, value: 21.5 }], { key: hex(KEY), mac: MAC, counter });

describe('the BTHome format row', () => {
  it('a device with a bind key: plain packets are refused (no downgrade)', () => {
    const ctx = context(MAC, { [bindKeySecret(MAC)]: KEY });
    expect(bthomeFormat.decode(svc(sealed(1)), ctx)!.values[0].value).toBe(21.5);
    const plain = svc(hex('4002C40903BF13'));
    expect(errorOf(() => bthomeFormat.decode(plain, ctx)).message).toBe(
      'BTHome: unencrypted packet from a device that has a bind key: refused (downgrade)',
    );
    // Without a key the same packet is fine.
    expect(bthomeFormat.decode(plain, context(MAC))!.values).toHaveLength(2);
  });

  it('replays with an old counter are refused with a clear error', () => {
    const ctx = context(MAC, { [bindKeySecret(MAC)]: KEY });
    bthomeFormat.decode(svc(sealed(5)), ctx);
    expect(errorOf(() => bthomeFormat.decode(svc(sealed(4)), ctx)).message).toBe(
      'BTHome: replayed packet: counter 4 is not above the last accepted 5',
    );
    expect(bthomeFormat.decode(svc(sealed(6)), ctx)!.values).toHaveLength(1);
  });

  it('an unknown object id keeps the values before it and warns once per reason', () => {
    const lines: LogLine[] = [];
    const ctx = context(MAC, {}, {}, memoryLog(lines));
    for (const frame of ['4002CA09B001', '4002CB09B001']) {
      const r = bthomeFormat.decode(svc(hex(frame)), ctx)!;
      expect(r.values).toHaveLength(1);
      expect(r.events).toBeUndefined();
    }
    expect(lines.map((l) => [l.level, l.msg, l.detail?.reason])).toEqual([
      ['warn', 'BTHome parse stopped early', expect.stringMatching(/unknown object id 0xb0/)],
      ['debug', 'BTHome parse stopped early', expect.stringMatching(/unknown object id 0xb0/)],
    ]);
  });
});
