import { describe, expect, it } from 'vitest';
import { cursorSeq, formatCursor, isNew, parseCursor, restarted } from './record-cursor.js';

describe('record cursor', () => {
  it('reads the bare sequence number earlier versions stored, and its own JSON', () => {
    expect(parseCursor('12')).toEqual({ seq: 12 });
    const c = { seq: 3, ts: 1000, max: 5000, floor: 4000 };
    expect(parseCursor(formatCursor(c))).toEqual(c);
    expect(cursorSeq(formatCursor(c))).toBe(3);
    expect(parseCursor(undefined)).toBeUndefined();
    expect(parseCursor('{"seq":-1}')).toBeUndefined();
    expect(parseCursor('not json')).toBeUndefined();
  });

  it('a record is new after the cursor, and after a restart only if newer than the floor', () => {
    expect(isNew(undefined, 1, undefined)).toBe(true);
    expect(isNew({ seq: 12 }, 13, undefined)).toBe(true);
    expect(isNew({ seq: 12 }, 12, 99)).toBe(false);
    const epoch = { seq: 0, floor: 5000 };
    expect(isNew(epoch, 1, 6000)).toBe(true);
    expect(isNew(epoch, 1, 5000)).toBe(false); // kept from before the restart
    expect(isNew(epoch, 1, undefined)).toBe(false);
  });

  it('a restart: a last record with a lower number, or the same number at another time', () => {
    expect(restarted({ seq: 12, ts: 1000 }, { seq: 3, ts: 2000 })).toBe(true);
    expect(restarted({ seq: 12, ts: 1000 }, { seq: 12, ts: 2000 })).toBe(true);
    expect(restarted({ seq: 12, ts: 1000 }, { seq: 12, ts: 1000 })).toBe(false);
    expect(restarted({ seq: 12 }, { seq: 12, ts: 2000 })).toBe(false); // no time to compare
  });
});
