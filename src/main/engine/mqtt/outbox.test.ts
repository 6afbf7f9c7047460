import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../history/db.js';
import { Logging } from '../logging.js';
import { Outbox } from './outbox.js';

const log = new Logging().logger('test');

const dirs: string[] = [];
function openDb(dir?: string): { db: Database.Database; dir: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'homebeat-outbox-'));
  if (!dir) dirs.push(d);
  const { db } = openDatabase({ file: join(d, 'o.sqlite'), log, now: Date.now });
  return { db, dir: d };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const msg = (topic: string, body: string, retain = false) => ({
  topic,
  payload: Buffer.from(body),
  qos: 1 as const,
  retain,
});

function drain(o: Outbox): string[] {
  const out: string[] = [];
  let cursor = 0;
  for (let r = o.next(cursor); r; r = o.next(cursor)) {
    out.push(`${r.topic}=${r.payload.toString()}`);
    cursor = r.id;
  }
  return out;
}

describe('Outbox', () => {
  it('keeps rows in insertion order until each is acked', () => {
    const { db } = openDb();
    const o = new Outbox(db);
    const ids = ['a', 'b', 'c'].map((b) => o.add(msg('t/e', b)));
    expect(o.size).toBe(3);
    expect(drain(o)).toEqual(['t/e=a', 't/e=b', 't/e=c']);
    o.ack(ids[1]!);
    o.ack(ids[1]!); // a second PUBACK for the same row changes nothing
    expect(o.size).toBe(2);
    expect(drain(o)).toEqual(['t/e=a', 't/e=c']);
    db.close();
  });

  it('coalesces retained states per topic, never events', () => {
    const { db } = openDb();
    const o = new Outbox(db);
    o.add(msg('s/1', 'old', true), true);
    o.add(msg('ev', 'e1'));
    o.add(msg('s/2', 'x', true), true);
    o.add(msg('ev', 'e2'));
    o.add(msg('s/1', 'new', true), true);
    expect(drain(o)).toEqual(['ev=e1', 's/2=x', 'ev=e2', 's/1=new']);
    expect(o.size).toBe(4);
    db.close();
  });

  it('survives closing and reopening the database', () => {
    const { db, dir } = openDb();
    const o = new Outbox(db);
    o.add(msg('t', '1'));
    const second = o.add(msg('t', '2'));
    o.ack(second);
    db.close();
    const again = openDb(dir);
    const o2 = new Outbox(again.db);
    expect(o2.size).toBe(1);
    expect(drain(o2)).toEqual(['t=1']);
    again.db.close();
  });

  it('coalesces against rows left by an earlier run, not against acked or in-flight ones', () => {
    const { db, dir } = openDb();
    const o = new Outbox(db);
    o.add(msg('s/1', 'first run', true), true);
    const sent = o.add(msg('s/2', 'acked', true), true);
    o.ack(sent);
    db.close();
    const again = openDb(dir);
    const o2 = new Outbox(again.db);
    o2.add(msg('s/1', 'second run', true), true);
    o2.add(msg('s/2', 'after ack', true), true);
    expect(drain(o2)).toEqual(['s/1=second run', 's/2=after ack']);
    expect(o2.size).toBe(2);
    // A row on the wire is replaced too; its late PUBACK changes nothing.
    const onWire = o2.next(0)!;
    o2.add(msg('s/1', 'newest', true), true);
    o2.ack(onWire.id);
    expect(drain(o2)).toEqual(['s/2=after ack', 's/1=newest']);
    expect(o2.size).toBe(2);
    expect(o2.next(1e9)).toBeUndefined();
    again.db.close();
  });

  it('batch(): rows added together are committed together, and a failed batch leaves nothing', () => {
    const { db, dir } = openDb();
    const o = new Outbox(db);
    o.batch(() => {
      o.add(msg('s/1', 'a', true), true);
      o.add(msg('ev', 'e1'));
      o.add(msg('s/1', 'b', true), true); // coalesces inside the batch too
    });
    expect(drain(o)).toEqual(['ev=e1', 's/1=b']);
    expect(o.size).toBe(2);
    expect(() =>
      o.batch(() => {
        o.add(msg('ev', 'e2'));
        o.add(msg('s/1', 'c', true), true);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    // Rolled back: the table and the counts are as before, and s/1=b still coalesces.
    expect(o.size).toBe(2);
    expect(drain(o)).toEqual(['ev=e1', 's/1=b']);
    o.add(msg('s/1', 'd', true), true);
    expect(drain(o)).toEqual(['ev=e1', 's/1=d']);
    const ids: number[] = [];
    for (let r = o.next(0); r; r = o.next(r.id)) ids.push(r.id);
    o.ackMany(ids);
    expect(o.size).toBe(0);
    db.close();
    // Committed for good: a fresh connection sees what the batches left.
    const again = openDb(dir);
    expect(new Outbox(again.db).size).toBe(0);
    again.db.close();
  });

  it('keeps events up to its bound, then drops the oldest; states coalesce and go last', () => {
    const { db } = openDb();
    const logging = new Logging({ level: 'debug' });
    let max = 5;
    let drops = 0;
    const o = new Outbox(db, {
      maxRows: () => max,
      log: logging.logger('mqtt'),
      onDrop: () => drops++,
    });
    o.add(msg('s/1', 'a', true), true);
    for (let i = 0; i < 4; i++) o.add(msg('ev', `e${i}`));
    expect(o.size).toBe(5);
    expect(o.dropped).toBe(0);
    // Full: each new event pushes out the oldest event, never the state.
    for (let i = 4; i < 10; i++) o.add(msg('ev', `e${i}`));
    o.add(msg('s/1', 'b', true), true); // coalesces: no drop
    expect(drain(o)).toEqual(['ev=e6', 'ev=e7', 'ev=e8', 'ev=e9', 's/1=b']);
    expect(o.size).toBe(5);
    expect(o.dropped).toBe(6);
    expect(drops).toBe(6);
    // One warning when the burst starts, none per message; the count once it drains (below 90 %).
    const warnings = () => logging.entries({ limit: 50 }).filter((e) => e.msg.startsWith('outbox'));
    expect(warnings().map((e) => e.msg)).toEqual([
      'outbox full: dropping the oldest events until it drains',
    ]);
    const first = o.next(0)!;
    o.ack(first.id);
    expect(warnings()).toHaveLength(2);
    expect(warnings().find((e) => e.msg.includes('while full'))).toMatchObject({
      msg: 'outbox dropped the oldest events while full',
      detail: { dropped: 6, max: 5 },
    });
    // A new state on a new topic with only states left to drop: the oldest state goes.
    max = 2;
    o.add(msg('s/2', 'x', true), true);
    expect(drain(o)).toEqual(['s/1=b', 's/2=x']);
    o.add(msg('s/3', 'y', true), true);
    expect(drain(o)).toEqual(['s/2=x', 's/3=y']);
    expect(o.dropped).toBe(6 + 3 + 1);
    // The counts follow the table.
    expect(o.recount()).toBe(2);
    db.close();
  });

  it('a lowered bound applies at the next add, and a rolled-back batch drops nothing', () => {
    const { db } = openDb();
    let max = 100;
    const o = new Outbox(db, { maxRows: () => max });
    for (let i = 0; i < 10; i++) o.add(msg('ev', `e${i}`));
    max = 3;
    o.add(msg('ev', 'e10'));
    expect(drain(o)).toEqual(['ev=e8', 'ev=e9', 'ev=e10']);
    expect(o.dropped).toBe(8);
    expect(() =>
      o.batch(() => {
        o.add(msg('ev', 'e11'));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(drain(o)).toEqual(['ev=e8', 'ev=e9', 'ev=e10']);
    expect(o.size).toBe(3);
    db.close();
  });
});
