import { describe, expect, it } from 'vitest';
import { HeartRateStrap } from './devices.js';
import { GlucoseMeter } from './glucose-meter.js';
import type { SimPeripheral } from './peripheral.js';

/** Drives a peripheral without a radio: every send is captured, every delayed answer runs now. */
function attach(p: SimPeripheral, subscribed: string[]) {
  const sent: string[] = [];
  p.attach({
    now: () => 1_764_000_000_000,
    notify: (_p, c, d) => {
      if (!p.subscriptions.has(c)) return false;
      sent.push(`${c}:${d.toString('hex')}`);
      return true;
    },
    drop: () => {
      p.connected = false;
    },
    later: (_p, fn) => fn(),
  });
  p.connected = true;
  for (const s of subscribed) p.subscriptions.add(s);
  return sent;
}

describe('simulated devices', () => {
  it('are deterministic by seed', () => {
    const run = (seed: number) => {
      const strap = new HeartRateStrap('c0:ff:ee:00:00:01', 'S', seed);
      const sent = attach(strap, ['2a37']);
      for (let i = 0; i < 30; i++) strap.tick();
      return sent;
    };
    expect(run(1)).toHaveLength(30);
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });

  it('a glucose meter answers RACP requests by sequence number', () => {
    const m = new GlucoseMeter('c0:ff:ee:00:00:04', 'G', 1, 12, 1_764_000_000_000);
    const sent = attach(m, ['2a18', '2a52']);
    const racp = m.characteristic('2a52')!.char.write!;
    racp(Buffer.from([0x04, 0x01])); // number of stored records: all
    expect(sent.pop()).toBe('2a52:05000c00');
    racp(Buffer.from([0x01, 0x03, 0x01, 0x0a, 0x00])); // report records with seq >= 10
    // '2a18:' then flags (1 byte), then the sequence number (u16 little-endian).
    const seqs = sent
      .filter((s) => s.startsWith('2a18:'))
      .map((s) => Buffer.from(s.slice(5), 'hex').readUInt16LE(1));
    expect(seqs).toEqual([10, 11, 12]);
    expect(sent.at(-1)).toBe('2a52:06000101'); // success
    sent.length = 0;
    racp(Buffer.from([0x01, 0x03, 0x01, 0x0d, 0x00]));
    expect(sent).toEqual(['2a52:06000106']); // no records found
    racp(Buffer.from([0x01, 0x00]));
    expect(sent.at(-1)).toBe('2a52:06000103'); // invalid operator
    racp(Buffer.from([0x01, 0x03, 0x02, 0x01, 0x00]));
    expect(sent.at(-1)).toBe('2a52:06000105'); // filter type 2 is not a sequence number
    racp(Buffer.from([0x07, 0x01]));
    expect(sent.at(-1)).toBe('2a52:06000702'); // op code not supported
  });

  it('a scripted drop cuts a transfer after N records', () => {
    const m = new GlucoseMeter('c0:ff:ee:00:00:04', 'G', 1, 12, 1_764_000_000_000);
    const sent = attach(m, ['2a18', '2a52']);
    m.dropAfterRecords = 4;
    m.characteristic('2a52')!.char.write!(Buffer.from([0x01, 0x01]));
    expect(sent.filter((s) => s.startsWith('2a18:'))).toHaveLength(4);
    expect(m.connected).toBe(false);
    expect(sent.some((s) => s.startsWith('2a52:'))).toBe(false);
  });
});
