import type Database from 'better-sqlite3';

export interface OutboxRow {
  id: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
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
  private readonly addTx: (row: Omit<OutboxRow, 'id'>, coalesce: boolean) => number;
  private readonly ackTx: (ids: readonly number[]) => void;
  private readonly batchTx: (fn: () => void) => void;
  private pending = 0;
  /** Highest row id known: a `next()` past it needs no query (the drain's last look, per message). */
  private lastId = 0;
  /**
   * Unsent coalescing rows, by topic and by id, so a state whose topic has none waiting (the usual
   * case: the previous one was acked long ago) is one INSERT, without the DELETE and transaction.
   */
  private readonly coalescingByTopic = new Map<string, number>();
  private readonly coalescingById = new Map<number, string>();

  constructor(private readonly db: Database.Database) {
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
    this.addTx = db.transaction((row: Omit<OutboxRow, 'id'>, coalesce: boolean) => {
      this.pending -= this.dropCoalesced.run(row.topic).changes;
      return this.insertRow(row, coalesce);
    });
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

  /** Stores a message; with `coalesce`, older unsent rows for the same topic are dropped. */
  add(row: Omit<OutboxRow, 'id'>, coalesce = false): number {
    const older = coalesce ? this.coalescingByTopic.get(row.topic) : undefined;
    if (older === undefined) return this.insertRow(row, coalesce);
    const id = this.addTx(row, true);
    this.coalescingById.delete(older);
    return id;
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
