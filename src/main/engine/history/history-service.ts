import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Device, Reading } from '../../../shared/model.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { HistoryApi, JobSpec, SyncCursor } from '../services.js';
import { openDatabase } from './db.js';
import { exportReadings } from './export.js';
import { HistoryQueries } from './queries.js';
import { housekeeping, type HousekeepingResult } from './retention.js';
import { ReadingStore } from './store.js';

export interface HistoryServiceOptions {
  /** Longest a live reading waits before its batch is written. */
  batchMs?: number;
  /** A batch this large is written at once, without waiting for the timer. */
  batchRows?: number;
  /** Readings kept queued while writes fail (full disk); the oldest go beyond this. */
  maxPending?: number;
  /** Run PRAGMA quick_check at open (default true). */
  quickCheck?: boolean;
  /**
   * Longest a device snapshot waits before it is written (default 5 s). Devices change with every
   * reading (latest values, last seen); the readings themselves are in the readings table, so the
   * snapshot only needs to keep up loosely. flush(), queries and dispose() write it at once.
   */
  deviceSnapshotMs?: number;
  /**
   * Run retention on a daily timer of its own (default true). The composition root turns this off
   * when it registers `housekeepingJob()` with the scheduler instead.
   */
  ownHousekeeping?: boolean;
}

export const DB_FILE = 'homebeat.db';
export const HOUSEKEEPING_JOB = 'housekeeping';
const DAY = 86_400_000;

interface Open {
  db: Database.Database;
  store: ReadingStore;
  queries: HistoryQueries;
}

/**
 * The local history: live readings from the bus are queued and written in batches (one
 * transaction per `batchMs` or `batchRows`, whichever comes first); sync pulls commit their
 * records together with their cursor. Device snapshots are kept so the device list survives a
 * restart. Other services keep their own tables in `db` (the MQTT outbox).
 */
export class HistoryService implements HistoryApi {
  readonly name = 'history';
  readonly handlers: Partial<Handlers>;
  private readonly log: Logger;
  private readonly batchMs: number;
  private readonly batchRows: number;
  private readonly maxPending: number;
  private open?: Open;
  private pending: Reading[] = [];
  private readonly pendingDevices = new Map<string, Device | null>();
  private timer: unknown;
  private deviceTimer: unknown;
  private readonly deviceSnapshotMs: number;
  private housekeepingTimer: unknown;
  private readonly unsubscribers: (() => void)[] = [];
  private lastWriteError = '';

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: HistoryServiceOptions = {},
  ) {
    this.log = ctx.log('history');
    this.batchMs = opts.batchMs ?? 100;
    this.batchRows = opts.batchRows ?? 5000;
    this.maxPending = opts.maxPending ?? 200_000;
    this.deviceSnapshotMs = opts.deviceSnapshotMs ?? 5000;
    this.handlers = {
      querySeries: (q) => this.read().queries.series(q),
      queryStats: (q) => this.read().queries.stats(q),
      queryLatest: ({ deviceId }) => this.read().queries.latest(deviceId),
      exportReadings: (q) => {
        this.read();
        return exportReadings(q, {
          dbFile: this.file,
          exportsDir: this.ctx.ports.paths.exportsDir,
          now: this.ctx.ports.clock.now(),
        });
      },
    };
  }

  get file(): string {
    return join(this.ctx.ports.paths.dataDir, DB_FILE);
  }

  /**
   * The open database; undefined until started and when the file could not be opened: callers
   * fall back (the MQTT outbox then keeps a file of its own) rather than fail their own start.
   */
  get db(): Database.Database | undefined {
    return this.open?.db;
  }

  start(): void {
    mkdirSync(this.ctx.ports.paths.dataDir, { recursive: true });
    const { db } = openDatabase({
      file: this.file,
      log: this.log,
      now: () => this.ctx.ports.clock.now(),
      check: this.opts.quickCheck,
    });
    const store = new ReadingStore(db);
    this.open = { db, store, queries: new HistoryQueries(db, store) };
    if (!store.cleanShutdown) {
      // The last run ended without writing its open rollup buckets (a crash, a kill): rebuild
      // them from the raw rows, which every committed transaction holds.
      const rebuilt = store.rollups.recover();
      if (rebuilt) this.log.warn('history was not closed cleanly; rollups rebuilt', { rebuilt });
    }
    store.cleanShutdown = false;

    // Known devices come back offline until a transport sees them again.
    const known = store.devices();
    for (const d of known) this.ctx.devices.upsert({ ...d, online: false });
    this.log.info('history opened', { file: this.file, devices: known.length });

    this.unsubscribers.push(
      this.ctx.readings.subscribe((r) => this.enqueue(r)),
      this.ctx.devices.onChange((delta) => {
        for (const d of delta.upserted) this.pendingDevices.set(d.id, d);
        for (const id of delta.removed) this.pendingDevices.set(id, null);
        this.armDevices();
      }),
    );
    if (this.opts.ownHousekeeping !== false) this.startOwnHousekeeping();
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.disarm();
    this.disarmDevices();
    if (this.housekeepingTimer !== undefined)
      this.ctx.ports.clock.clearTimeout(this.housekeepingTimer);
    this.housekeepingTimer = undefined;
    if (!this.open) return;
    this.flush();
    const { db, store } = this.open;
    try {
      db.transaction(() => {
        store.rollups.writeAll();
        // Only when every rollup is stored and none awaits a rebuild: otherwise the next start
        // rebuilds them.
        if (store.rollups.retry()) store.cleanShutdown = true;
      })();
    } catch (err) {
      this.log.error('history could not close cleanly', { error: errorText(err) });
    }
    db.close();
    this.open = undefined;
  }

  /** Writes the queued readings and device snapshots in one transaction now. */
  flush(): void {
    this.writeQueued(true);
  }

  /** One transaction: the queued readings, and the device snapshots too when `devices`. */
  private writeQueued(withDevices: boolean): void {
    this.disarm();
    if (withDevices) this.disarmDevices();
    const devicesDue = withDevices && this.pendingDevices.size > 0;
    if (!this.open || (this.pending.length === 0 && !devicesDue)) return;
    const { db, store } = this.open;
    const batch = this.pending;
    const devices = devicesDue ? [...this.pendingDevices] : [];
    this.pending = [];
    if (devicesDue) this.pendingDevices.clear();
    try {
      const now = this.ctx.ports.clock.now();
      db.transaction(() => {
        store.insert(batch);
        for (const [id, d] of devices) {
          if (d) store.putDevice(d, now);
          else store.deleteDevice(id);
        }
      })();
      this.lastWriteError = '';
      store.rollups.retry();
    } catch (err) {
      store.resetCaches();
      if (isTransient(err)) this.requeue(batch, devices, err);
      else {
        // Not the disk's fault: retrying the same batch would fail forever and block the queue.
        this.log.error('history batch could not be stored; dropped', {
          error: errorText(err),
          rows: batch.length,
        });
      }
    }
    this.reportSkipped();
  }

  private reportSkipped(): void {
    const store = this.open?.store;
    if (!store?.skipped) return;
    this.log.warn('malformed readings were not stored', { count: store.skipped });
    store.skipped = 0;
  }

  commitRecords(readings: Reading[], cursor?: SyncCursor): number {
    const { db, store } = this.write();
    try {
      const added = db.transaction(() => {
        const added = store.insert(readings);
        if (cursor) store.setCursor(cursor, this.ctx.ports.clock.now());
        return added;
      })();
      store.rollups.retry();
      return added;
    } catch (err) {
      // Nothing was committed, the cursor included: the caller fetches the records again.
      store.resetCaches();
      throw err;
    } finally {
      this.reportSkipped();
    }
  }

  getCursor(deviceId: string, key: string): string | undefined {
    return this.write().store.getCursor(deviceId, key);
  }

  /** Retention, incremental vacuum and WAL checkpoint (the daily job; callable directly). */
  async housekeeping(signal?: AbortSignal): Promise<HousekeepingResult> {
    const { db } = this.read();
    return housekeeping(
      db,
      this.ctx.settings.get().history,
      this.ctx.ports.clock.now(),
      this.log,
      signal,
    );
  }

  private enqueue(readings: Reading[]): void {
    if (!this.open) return;
    for (const r of readings) this.pending.push(r);
    if (this.pending.length >= this.batchRows) this.flush();
    else this.arm();
  }

  private requeue(batch: Reading[], devices: [string, Device | null][], err: unknown): void {
    const msg = errorText(err);
    if (msg !== this.lastWriteError) {
      this.log.error('history write failed; will retry', { error: msg, rows: batch.length });
      this.lastWriteError = msg;
    }
    this.pending = batch.concat(this.pending);
    for (const [id, d] of devices) if (!this.pendingDevices.has(id)) this.pendingDevices.set(id, d);
    if (devices.length) this.armDevices();
    const excess = this.pending.length - this.maxPending;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.log.warn('history queue full: oldest readings dropped', { dropped: excess });
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined || !this.open) return;
    this.timer = this.ctx.ports.clock.setTimeout(() => {
      this.timer = undefined;
      this.writeQueued(false);
    }, this.batchMs);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private armDevices(): void {
    if (this.deviceTimer !== undefined || !this.open) return;
    this.deviceTimer = this.ctx.ports.clock.setTimeout(() => {
      this.deviceTimer = undefined;
      this.writeQueued(true);
    }, this.deviceSnapshotMs);
  }

  private disarmDevices(): void {
    if (this.deviceTimer === undefined) return;
    this.ctx.ports.clock.clearTimeout(this.deviceTimer);
    this.deviceTimer = undefined;
  }

  private read(): Open {
    // Queries see what the dashboard already showed live: write the pending batch and the open
    // rollup buckets first.
    this.flush();
    const open = this.write();
    open.store.rollups.retry();
    if (open.store.rollups.pending) {
      try {
        open.db.transaction(() => open.store.rollups.writeAll())();
      } catch (err) {
        // The raw rows are safe; the rollups are rebuilt from them (now or on a later write).
        open.store.rollups.reset();
        this.log.warn('history could not store rollups before a query', { error: errorText(err) });
      }
    }
    return open;
  }

  private write(): Open {
    if (!this.open) throw new EngineError('unavailable', 'history database is not open');
    return this.open;
  }

  /** The daily retention job, for the scheduler (the composition root registers it). */
  housekeepingJob(): JobSpec {
    return {
      name: HOUSEKEEPING_JOB,
      kind: 'periodic',
      everyMs: DAY,
      initialDelayMs: 10 * 60_000,
      timeoutMs: 30 * 60_000,
      run: async (signal) => {
        await this.housekeeping(signal);
      },
    };
  }

  /** Without a scheduler (tests, tools) the retention promise is kept on a plain timer. */
  private startOwnHousekeeping(): void {
    const tick = () => {
      this.housekeeping().catch((err: unknown) =>
        this.log.error('housekeeping failed', { error: String(err) }),
      );
      this.housekeepingTimer = this.ctx.ports.clock.setTimeout(tick, DAY);
    };
    this.housekeepingTimer = this.ctx.ports.clock.setTimeout(tick, DAY);
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Failures worth retrying the same batch for: a full or busy disk, an I/O hiccup. */
function isTransient(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|READONLY|CANTOPEN|PROTOCOL)/.test(code);
}
