import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../../../test/helpers/clock.js';
import { openDatabase } from '../history/db.js';
import { Logging } from '../logging.js';
import { Outbox } from './outbox.js';
import { OutboxSender, type PublishTarget } from './sender.js';

/** A connection whose PUBACKs the test releases by hand. */
class FakeLink implements PublishTarget {
  sent: { topic: string; body: string; cb: (err?: Error) => void }[] = [];
  publish(topic: string, payload: Buffer, _o: unknown, cb: (err?: Error) => void): void {
    this.sent.push({ topic, body: payload.toString(), cb });
  }
  ackAll(): void {
    for (const s of this.sent.splice(0)) s.cb();
  }
}

let dir: string;
let db: Database.Database;
let outbox: Outbox;
let clock: ManualClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homebeat-sender-'));
  db = openDatabase({
    file: join(dir, 'o.sqlite'),
    log: new Logging().logger('test'),
    now: Date.now,
  }).db;
  outbox = new Outbox(db);
  clock = new ManualClock();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const make = (rate: number, window: number) =>
  new OutboxSender({ outbox, clock, ratePerSec: () => rate, window, onProgress: () => {} });
const add = (n: number) => {
  for (let i = 0; i < n; i++)
    outbox.add({ topic: 't', payload: Buffer.from(String(i)), qos: 1, retain: false });
};

describe('OutboxSender', () => {
  it('keeps at most `window` messages unacknowledged and deletes rows only on PUBACK', async () => {
    add(10);
    const s = make(1000, 3);
    const link = new FakeLink();
    s.attach(link);
    await settle();
    expect(link.sent.map((m) => m.body)).toEqual(['0', '1', '2']);
    expect(outbox.size).toBe(10);
    link.ackAll();
    await settle();
    expect(outbox.size).toBe(7);
    expect(link.sent.map((m) => m.body)).toEqual(['3', '4', '5']);
    s.dispose();
  });

  it('sends again, in order, only what was not acknowledged when the link dropped', async () => {
    add(5);
    const s = make(1000, 4);
    const first = new FakeLink();
    s.attach(first);
    await settle();
    first.sent[0]!.cb();
    first.sent[1]!.cb();
    s.detach();
    // A PUBACK that arrives for the dead link proves nothing for the next one.
    first.sent[2]!.cb();
    const second = new FakeLink();
    s.attach(second);
    await settle();
    expect(second.sent.map((m) => m.body)).toEqual(['2', '3', '4']);
    expect(outbox.size).toBe(3);
    s.dispose();
  });

  it('paces the drain with the configured rate', async () => {
    add(100);
    const s = make(20, 1000);
    const link = new FakeLink();
    s.attach(link);
    await settle();
    const initial = link.sent.length; // a tenth of a second's worth to start
    expect(initial).toBe(2);
    await clock.advance(1000);
    // One second later: about 20 more, never the whole backlog.
    expect(link.sent.length - initial).toBeGreaterThanOrEqual(19);
    expect(link.sent.length - initial).toBeLessThanOrEqual(21);
    expect(link.sent.map((m) => Number(m.body))).toEqual(link.sent.map((_m, i) => i));
    s.dispose();
  });
});
