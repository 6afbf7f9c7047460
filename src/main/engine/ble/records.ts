import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { HistoryApi } from '../services.js';
import { decodeCharacteristic, DecodeError, type DecodedValue } from './decoders/index.js';
import { guarded, unref } from './gatt.js';
import { toReadings } from './readings.js';
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

interface Transfer {
  records: Map<number, DecodedValue[]>;
  finish: (err?: Error) => void;
  touch: () => void;
}

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
 */
export class RecordSync {
  private transfer: Transfer | null = null;
  private running: Promise<number> | null = null;
  /** Without a history service nothing is persisted; this only avoids re-publishing in-process. */
  private memCursor: number | undefined;
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
    if (this.transfer) {
      this.transfer.records.set(seq, values);
      this.transfer.touch();
    } else if (seq > (this.cursor() ?? -1)) {
      // A live measurement: fetched through the RACP like any other, so the cursor stays exact.
      this.pending = true;
    }
  }

  cursor(): number | undefined {
    const history = this.o.history;
    if (!history) return this.memCursor;
    const v = history.getCursor(this.o.deviceId, CURSOR_KEY);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Runs one transfer (or joins the running one); resolves with the records committed. */
  sync(racp: GattCharacteristic, signal: AbortSignal): Promise<number> {
    if (this.running) return this.running;
    this.pending = false;
    this.running = this.run(racp, signal).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(racp: GattCharacteristic, signal: AbortSignal): Promise<number> {
    const { clock } = this.o.ctx.ports;
    const cursor = this.cursor();
    const records = new Map<number, DecodedValue[]>();
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
      this.transfer = { records, finish, touch };
      touch();
    });
    // Awaited below; this only keeps a rejection before that point from counting as unhandled.
    done.catch(() => undefined);
    // Report stored records: all, or those with sequence number >= cursor + 1 (filter type 1).
    const next = cursor === undefined ? undefined : cursor + 1;
    const request =
      next === undefined
        ? Buffer.from([0x01, 0x01])
        : Buffer.from([0x01, 0x03, 0x01, next & 0xff, (next >> 8) & 0xff]);
    let failure: unknown = null;
    try {
      await guarded(racp.write(request, false), 'RACP write', this.o.idleMs, signal, clock);
      await done;
    } catch (err) {
      this.transfer?.finish();
      failure = err;
    }
    const committed = this.commit(records, cursor);
    if (failure) {
      this.o.log.info('record transfer cut short; resumes from the last committed record', {
        device: this.o.deviceId,
        committed,
        error: failure instanceof Error ? failure.message : String(failure),
      });
      throw failure;
    }
    return committed;
  }

  private onRacp(data: Buffer): void {
    const t = this.transfer;
    if (!t) return;
    if (data[0] === 0x06 && data[2] === 0x01) {
      const code = data[3] ?? 0;
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

  /** Stores records newer than the cursor, then moves the cursor, then publishes. */
  private commit(records: Map<number, DecodedValue[]>, cursor: number | undefined): number {
    const seqs = [...records.keys()].filter((s) => cursor === undefined || s > cursor);
    if (seqs.length === 0) return 0;
    seqs.sort((a, b) => a - b);
    const { ctx, deviceId } = this.o;
    const now = ctx.ports.clock.now();
    const gateway = ctx.gatewayId();
    const readings = seqs.flatMap((seq) =>
      toReadings(records.get(seq)!, { deviceId, source: 'ble', gateway, now }),
    );
    const last = seqs[seqs.length - 1];
    const history = this.o.history;
    if (history) {
      try {
        history.commitRecords(readings, { deviceId, key: CURSOR_KEY, value: String(last) });
      } catch (err) {
        // Nothing moved: the next sync asks for the same records again.
        this.o.log.error('could not commit stored records', {
          device: deviceId,
          error: String(err),
        });
        return 0;
      }
    } else this.memCursor = last;
    ctx.readings.publish(readings);
    this.o.log.info('stored records synced', {
      device: deviceId,
      records: seqs.length,
      cursor: last,
    });
    return seqs.length;
  }
}
