import type Database from 'better-sqlite3';
import type { Logger } from '../logging.js';

export interface OutboxRow {
  id: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

export interface OutboxOptions {
  /** Rows kept at most, read on every add (a settings change applies at once); none: unbounded. */
  maxRows?: () => number;
  /** Where drop bursts are reported. */
  log?: Logger;
  /** After rows were dropped to keep the bound. */
  onDrop?: () => void;
}

/**
 * The persistent outbox: every outgoing QoS1 message is a row before it is sent, and the row goes
 * only when the broker's PUBACK for it arrives.
 *
 * Why our own table and not mqtt.js's `outgoingStore` (the Store interface): that store is keyed by
 * packet ids that are only meaningful inside one client's session, replays everything at once on
 * reconnect (no rate limit), cannot coalesce retained states, and mqtt.js keeps publishes made while
 * offline in an in-memory queue before they ever reach the store. With our own table the order is
 * the row id, coalescing is one DELETE, the drain is paced by the sender, and nothing depends on a
 * packet id surviving a restart.
 *
 * Bounded (`maxRows`), because a broker away for weeks must not fill the disk. Retained states
 * coalesce, so they number at most one per topic; events are kept up to the bound, and past it the
 * oldest events go first (states only when no event is left: a device's current state outlives
 * any event). A drop burst is logged twice, not per message: when it starts, and with its count
 * when it ends (the outbox drained to 90 % of the bound, or the service stops); `dropped` counts
 * every drop for the status.
 *
 * The table is part of the database schema (history/migrations.ts): open the file with
 * openDatabase() first.
 */
export class Outbox {
  private readonly insert: Database.Statement;
  private readonly dropCoalesced: Database.Statement;
  private readonly nextAfter: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly countAll: Database.Statement;
  private readonly coalescingRows: Database.Statement;
  private readonly maxId: Database.Statement;
  private readonly oldestEvents: Database.Statement;
  private readonly oldestStates: Database.Statement;
  private readonly addTx: (
    row: Omit<OutboxRow, 'id'>,
    coalesce: boolean,
    replaces: boolean,
    max: number,
  ) => number;
  private readonly ackTx: (ids: readonly number[]) => void;
  private readonly batchTx: (fn: () => void) => void;
  private pending = 0;
  /** Rows dropped to keep the bound since this outbox was opened (shown in the MQTT status). */
  dropped = 0;
  /** Rows dropped in the current burst (0: not full). */
  private burst = 0;
  /** Highest row id known: a `next()` past it needs no query (the drain's last look, per message). */
  private lastId = 0;
  /**
   * Unsent coalescing rows, by topic and by id, so a state whose topic has none waiting (the usual
   * case: the previous one was acked long ago) is one INSERT, without the DELETE and transaction.
   */
  private readonly coalescingByTopic = new Map<string, number>();
  private readonly coalescingById = new Map<number, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly opts: OutboxOptions = {},
  ) {
    this.insert = db.prepare(
      'INSERT INTO mqtt_outbox (topic, payload, qos, retain, coalesce, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.dropCoalesced = db.prepare('DELETE FROM mqtt_outbox WHERE topic = ? AND coalesce = 1');
    this.nextAfter = db.prepare(
      'SELECT id, topic, payload, qos, retain FROM mqtt_outbox WHERE id > ? ORDER BY id LIMIT 1',
    );
    this.remove = db.prepare('DELETE FROM mqtt_outbox WHERE id = ?');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM mqtt_outbox');
    this.coalescingRows = db.prepare('SELECT id, topic FROM mqtt_outbox WHERE coalesce = 1');
    this.maxId = db.prepare('SELECT max(id) FROM mqtt_outbox').pluck();
    this.oldestEvents = db
      .prepare('SELECT id FROM mqtt_outbox WHERE coalesce = 0 ORDER BY id LIMIT ?')
      .pluck();
    this.oldestStates = db
      .prepare('SELECT id FROM mqtt_outbox WHERE coalesce = 1 ORDER BY id LIMIT ?')
      .pluck();
    this.addTx = db.transaction(
      (row: Omit<OutboxRow, 'id'>, coalesce: boolean, replaces: boolean, max: number) => {
        if (replaces) this.pending -= this.dropCoalesced.run(row.topic).changes;
        const id = this.insertRow(row, coalesce);
        if (this.pending > max) this.evict(this.pending - max);
        return id;
      },
    );
    this.ackTx = db.transaction((ids: readonly number[]) => {
      for (const id of ids) this.ack(id);
    });
    this.batchTx = db.transaction((fn: () => void) => fn());
    this.recount();
  }

  /**
   * Runs `fn`, whose add()s then share one transaction: one WAL commit for the lot instead of one
   * per row (each commit also rewrites the AUTOINCREMENT counter's page). Every row is still
   * committed before batch() returns, so before anything can send it.
   */
  batch(fn: () => void): void {
    try {
      this.batchTx(fn);
    } catch (err) {
      this.recount(); // rolled back: the in-memory counts and coalescing maps follow the table
      throw err;
    }
  }

  /** Several PUBACKs that arrived together: their rows go in one transaction. */
  ackMany(ids: readonly number[]): void {
    if (ids.length === 1) this.ack(ids[0]!);
    else if (ids.length) this.ackTx(ids);
  }

  /**
   * Stores a message; with `coalesce`, older unsent rows for the same topic are dropped. At the
   * bound, the oldest rows go in the same transaction (see the class comment for which).
   */
  add(row: Omit<OutboxRow, 'id'>, coalesce = false): number {
    const older = coalesce ? this.coalescingByTopic.get(row.topic) : undefined;
    const max = this.opts.maxRows?.() ?? Infinity;
    // The usual case, one INSERT: nothing to coalesce and room left.
    if (older === undefined && this.pending < max) return this.insertRow(row, coalesce);
    try {
      const id = this.addTx(row, coalesce, older !== undefined, max);
      if (older !== undefined) this.coalescingById.delete(older);
      return id;
    } catch (err) {
      this.recount(); // rolled back: the counts and maps follow the table again
      throw err;
    }
  }

  /** Drops the `n` oldest rows, events first; counted and reported as one burst. */
  private evict(n: number): void {
    const ids = this.oldestEvents.all(n) as number[];
    if (ids.length < n) ids.push(...(this.oldestStates.all(n - ids.length) as number[]));
    for (const id of ids) this.ack(id);
    if (!ids.length) return;
    if (this.burst === 0)
      this.opts.log?.warn('outbox full: dropping the oldest events until it drains', {
        max: this.opts.maxRows?.(),
      });
    this.burst += ids.length;
    this.dropped += ids.length;
    this.opts.onDrop?.();
  }

  /** Logs the count of the current drop burst, if any, and starts counting afresh. */
  endBurst(): void {
    if (this.burst === 0) return;
    this.opts.log?.warn('outbox dropped the oldest events while full', {
      dropped: this.burst,
      max: this.opts.maxRows?.(),
    });
    this.burst = 0;
  }

  private insertRow(row: Omit<OutboxRow, 'id'>, coalesce: boolean): number {
    const info = this.insert.run(
      row.topic,
      row.payload,
      row.qos,
      row.retain ? 1 : 0,
      coalesce ? 1 : 0,
      Date.now(),
    );
    this.pending += 1;
    const id = Number(info.lastInsertRowid);
    if (id > this.lastId) this.lastId = id;
    if (coalesce) {
      this.coalescingByTopic.set(row.topic, id);
      this.coalescingById.set(id, row.topic);
    }
    return id;
  }

  /** The oldest row after `id` (rows are sent in id order). */
  next(afterId: number): OutboxRow | undefined {
    if (afterId >= this.lastId) return undefined;
    const r = this.nextAfter.get(afterId) as
      { id: number; topic: string; payload: Buffer; qos: number; retain: number } | undefined;
    if (!r) return undefined;
    return { id: r.id, topic: r.topic, payload: r.payload, qos: r.qos ? 1 : 0, retain: !!r.retain };
  }

  /** The broker acknowledged the row: it is delivered and goes. */
  ack(id: number): void {
    this.pending -= this.remove.run(id).changes;
    // Drained a tenth below the bound: the burst is over. Not at the first free row, or a steady
    // overload would start and end a burst per message.
    if (this.burst > 0 && this.pending < 0.9 * (this.opts.maxRows?.() ?? Infinity)) this.endBurst();
    const topic = this.coalescingById.get(id);
    if (topic === undefined) return;
    this.coalescingById.delete(id);
    if (this.coalescingByTopic.get(topic) === id) this.coalescingByTopic.delete(topic);
  }

  get size(): number {
    return this.pending;
  }

  /** Re-reads the count (another process or a test may have written to the table). */
  recount(): number {
    this.pending = (this.countAll.get() as { n: number }).n;
    this.lastId = Math.max(this.lastId, Number(this.maxId.get() ?? 0));
    this.coalescingByTopic.clear();
    this.coalescingById.clear();
    for (const r of this.coalescingRows.all() as { id: number; topic: string }[]) {
      this.coalescingByTopic.set(r.topic, r.id);
      this.coalescingById.set(r.id, r.topic);
    }
    return this.pending;
  }

  get database(): Database.Database {
    return this.db;
  }
}
