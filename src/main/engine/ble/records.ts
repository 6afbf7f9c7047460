import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { HistoryApi } from '../services.js';
import { decodeCharacteristic, DecodeError, type DecodedValue } from './decoders/index.js';
import { guarded, unref } from './gatt.js';
import { toReadings } from './readings.js';
import { formatCursor, isNew, parseCursor, restarted, type RecordCursor } from './record-cursor.js';
import type { GattCharacteristic } from './radio.js';

export const RACP = '2a52';
export const GLUCOSE_MEASUREMENT = '2a18';
const CURSOR_KEY = 'racp_seq';

/** RACP response codes (Glucose Profile / GATT Specification Supplement). */
const RESPONSE: Record<number, string> = {
  1: 'success',
  2: 'op code not supported',
  3: 'invalid operator',
  4: 'operator not supported',
  5: 'invalid operand',
  6: 'no records found',
  7: 'abort unsuccessful',
  8: 'procedure not completed',
  9: 'operand not supported',
};

/** A stored record as it arrived: its values and its time (the device's, where it gave one). */
interface StoredRecord {
  values: DecodedValue[];
  ts?: number;
}

interface Transfer {
  records: Map<number, StoredRecord>;
  /** The device answered "no records found". */
  none: boolean;
  finish: (err?: Error) => void;
  touch: () => void;
}

/** What one RACP request brought: the records, whether there were none, or why it stopped. */
interface Outcome {
  records: Map<number, StoredRecord>;
  none: boolean;
  failure: unknown;
}

/** Report stored records: all; the last; or those with sequence number >= n (filter type 1). */
const REPORT_ALL = Buffer.from([0x01, 0x01]);
const REPORT_LAST = Buffer.from([0x01, 0x06]);
const reportFrom = (n: number) => Buffer.from([0x01, 0x03, 0x01, n & 0xff, (n >> 8) & 0xff]);

export interface RecordSyncOptions {
  ctx: EngineContext;
  /** Where records and their cursor are committed; without it, only this run remembers. */
  history?: HistoryApi | undefined;
  log: Logger;
  deviceId: string;
  /** Longest silence between two records before the transfer is given up. */
  idleMs: number;
}

/**
 * Stored-record sync over a Record Access Control Point: asks for records with a sequence number
 * after the last committed one, deduplicates by sequence number, commits readings and the cursor
 * in one history transaction, and only then publishes. A transfer cut short commits what arrived
 * (records come in sequence order), so the next one resumes right after it: nothing lost, nothing
 * twice.
 *
 * A device whose sequence restarts (battery change, reset) would have nothing "after the cursor"
 * for ever: when it reports no records there, its last record is asked for, and a lower number,
 * or the cursor's number with another time, is a restart (record-cursor.ts). Then all its records
 * are fetched and those newer than anything imported before are imported, once.
 */
export class RecordSync {
  private transfer: Transfer | null = null;
  private running: Promise<number> | null = null;
  /** Without a history service nothing is persisted; this only avoids re-publishing in-process. */
  private memCursor: RecordCursor | undefined;
  /** Set when the device announced a new record outside a transfer. */
  pending = false;

  constructor(private readonly o: RecordSyncOptions) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Routes a notification or indication of 0x2A18 / 0x2A52. */
  onData(uuid: string, data: Buffer): void {
    if (uuid === RACP) return this.onRacp(data);
    let values: DecodedValue[];
    let seq: number | undefined;
    try {
      const res = decodeCharacteristic(uuid, data);
      values = res.values;
      const s = res.extra?.sequence;
      seq = typeof s === 'number' ? s : undefined;
    } catch (err) {
      this.o.log.warn('stored record failed to decode', {
        device: this.o.deviceId,
        characteristic: uuid,
        hex: err instanceof DecodeError ? err.hex : data.toString('hex'),
        error: err instanceof Error ? err.message : String(err),
      });
      this.transfer?.touch();
      return;
    }
    if (seq === undefined) return;
    const ts = values.find((v) => v.ts !== undefined)?.ts;
    if (this.transfer) {
      this.transfer.records.set(seq, { values, ts });
      this.transfer.touch();
      return;
    }
    // A live measurement: fetched through the RACP like any other, so the cursor stays exact. A
    // newer one with a number not after the cursor's says the sequence restarted.
    const c = this.cursor();
    const newest = c?.max ?? c?.ts;
    if (!c || seq > c.seq || (ts !== undefined && newest !== undefined && ts > newest))
      this.pending = true;
  }

  cursor(): RecordCursor | undefined {
    const history = this.o.history;
    if (!history) return this.memCursor;
    return parseCursor(history.getCursor(this.o.deviceId, CURSOR_KEY));
  }

  /** Runs one sync (or joins the running one); resolves with the records committed. */
  sync(racp: GattCharacteristic, signal: AbortSignal): Promise<number> {
    if (this.running) return this.running;
    this.pending = false;
    this.running = this.run(racp, signal).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(racp: GattCharacteristic, signal: AbortSignal): Promise<number> {
    const cursor = this.cursor();
    const got = await this.request(racp, cursor ? reportFrom(cursor.seq + 1) : REPORT_ALL, signal);
    if (got.failure || !got.none || !cursor || cursor.seq === 0) return this.settle(got, cursor);
    // Nothing after the cursor: nothing new, or a sequence that started again below it.
    const last = await this.request(racp, REPORT_LAST, signal);
    if (last.failure) return this.settle(last, cursor);
    const [seq, rec] = [...last.records][0] ?? [];
    const empty = last.none || seq === undefined;
    if (!empty && !restarted(cursor, { seq, ts: rec?.ts })) return 0;
    const before = cursor.max ?? cursor.ts;
    const epoch: RecordCursor = { seq: 0, max: before, floor: before };
    this.o.log.info('stored record sequence restarted', {
      device: this.o.deviceId,
      cursor: cursor.seq,
      last: empty ? null : seq,
    });
    if (empty) {
      // Nothing stored yet since the restart: remember it, so the next record (number 1) counts.
      this.save([], epoch);
      return 0;
    }
    return this.settle(await this.request(racp, REPORT_ALL, signal), epoch);
  }

  /** Commits what arrived; a transfer cut short is logged and rethrown after the commit. */
  private settle(got: Outcome, cursor: RecordCursor | undefined): number {
    const committed = this.commit(got.records, cursor);
    if (got.failure) {
      this.o.log.info('record transfer cut short; resumes from the last committed record', {
        device: this.o.deviceId,
        committed,
        error: got.failure instanceof Error ? got.failure.message : String(got.failure),
      });
      throw got.failure;
    }
    return committed;
  }

  /** One RACP request and the records it brings, until the device's response code. */
  private async request(
    racp: GattCharacteristic,
    request: Buffer,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const { clock } = this.o.ctx.ports;
    const records = new Map<number, StoredRecord>();
    let t!: Transfer;
    const done = new Promise<void>((resolve, reject) => {
      let timer: unknown = null;
      const finish = (err?: Error) => {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.transfer = null;
        if (err) reject(err);
        else resolve();
      };
      const touch = () => {
        clock.clearTimeout(timer);
        timer = clock.setTimeout(() => finish(new Error('record transfer stalled')), this.o.idleMs);
        unref(timer);
      };
      const onAbort = () => finish(new Error('link lost during record transfer'));
      signal.addEventListener('abort', onAbort, { once: true });
      t = { records, none: false, finish, touch };
      this.transfer = t;
      touch();
    });
    // Awaited below; this only keeps a rejection before that point from counting as unhandled.
    done.catch(() => undefined);
    let failure: unknown = null;
    try {
      await guarded(racp.write(request, false), 'RACP write', this.o.idleMs, signal, clock);
      await done;
    } catch (err) {
      this.transfer?.finish();
      failure = err;
    }
    return { records, none: t.none, failure };
  }

  private onRacp(data: Buffer): void {
    const t = this.transfer;
    if (!t) return;
    if (data[0] === 0x06 && data[2] === 0x01) {
      const code = data[3] ?? 0;
      t.none = code === 6;
      if (code === 1 || code === 6) t.finish();
      else t.finish(new Error(`RACP: ${RESPONSE[code] ?? `response code ${code}`}`));
    } else {
      this.o.log.warn('unexpected RACP indication', {
        device: this.o.deviceId,
        characteristic: RACP,
        hex: data.toString('hex'),
      });
    }
  }

  /** Stores the new records, then moves the cursor (one transaction), then publishes. */
  private commit(records: Map<number, StoredRecord>, cursor: RecordCursor | undefined): number {
    const seqs = [...records.keys()].filter((s) => isNew(cursor, s, records.get(s)!.ts));
    const older = [...records.keys()].filter((s) => s > (cursor?.seq ?? -1)).length - seqs.length;
    if (older > 0)
      this.o.log.info('stored records dated before a sequence restart were not imported again', {
        device: this.o.deviceId,
        records: older,
      });
    if (seqs.length === 0) return 0;
    seqs.sort((a, b) => a - b);
    const { ctx, deviceId } = this.o;
    const now = ctx.ports.clock.now();
    const gateway = ctx.gatewayId();
    const readings = seqs.flatMap((seq) =>
      toReadings(records.get(seq)!.values, { deviceId, source: 'ble', gateway, now }),
    );
    const last = seqs[seqs.length - 1]!;
    const times = seqs.map((s) => records.get(s)!.ts).filter((x) => x !== undefined);
    const max = Math.max(cursor?.max ?? -Infinity, ...times);
    const next: RecordCursor = { seq: last, ts: records.get(last)!.ts, floor: cursor?.floor };
    if (Number.isFinite(max)) next.max = max;
    if (!this.save(readings, next)) return 0;
    ctx.readings.publish(readings);
    this.o.log.info('stored records synced', {
      device: deviceId,
      records: seqs.length,
      cursor: last,
    });
    return seqs.length;
  }

  /** Readings and cursor in one history transaction; false when nothing could be committed. */
  private save(readings: ReturnType<typeof toReadings>, cursor: RecordCursor): boolean {
    const history = this.o.history;
    if (!history) {
      this.memCursor = cursor;
      return true;
    }
    const { deviceId } = this.o;
    try {
      history.commitRecords(readings, { deviceId, key: CURSOR_KEY, value: formatCursor(cursor) });
      return true;
    } catch (err) {
      // Nothing moved: the next sync asks for the same records again.
      this.o.log.error('could not commit stored records', { device: deviceId, error: String(err) });
      return false;
    }
  }
}
