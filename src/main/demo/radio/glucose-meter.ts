import * as enc from './encode.js';
import { commonServices, SimPeripheral, type SimService } from './peripheral.js';

const INFO = { manufacturer: 'Homebeat Sim', firmware: '1.0.0' };

export interface GlucoseRecord {
  seq: number;
  ts: number;
  mmol: number;
}

/**
 * Glucose meter with stored records behind a Record Access Control Point (0x2A52): reports
 * records by sequence number (all, >=, <=, range, first, last), counts them, aborts.
 */
export class GlucoseMeter extends SimPeripheral {
  everyTicks = 120;
  readonly records: GlucoseRecord[] = [];
  /** Script: drop the link after sending this many records of the next transfer. */
  dropAfterRecords: number | null = null;
  /** Script: how many transfers in a row drop after `dropAfterRecords` (default one). */
  dropTimes = 1;
  /** How many records were sent over the air in all (a test counts re-sends). */
  recordsSent = 0;
  private transferring = false;
  private nextSeq = 1;

  /** Starts with `initialRecords` hourly records up to `nowMs` (the world's clock). */
  constructor(address: string, name: string, seed = 1, initialRecords = 12, nowMs = Date.now()) {
    super(address, name, seed);
    const start = nowMs - initialRecords * 3_600_000;
    for (let i = 0; i < initialRecords; i++) this.addRecord(undefined, start + i * 3_600_000);
  }

  services(): SimService[] {
    return [
      {
        uuid: '1808',
        characteristics: [
          { uuid: '2a18', properties: ['notify'] },
          { uuid: '2a51', properties: ['read'], read: () => Buffer.from([0, 0]) },
          { uuid: '2a52', properties: ['write', 'indicate'], write: (d) => this.racp(d) },
        ],
      },
      ...commonServices(this, { ...INFO, model: 'HB-Gluco' }, true),
    ];
  }

  addRecord(mmol?: number, ts?: number): GlucoseRecord {
    const r = {
      seq: this.nextSeq++,
      ts: Math.floor((ts ?? this.now()) / 1000) * 1000,
      mmol: mmol ?? Math.round(this.rng.range(4.2, 8.8) * 10) / 10,
    };
    this.records.push(r);
    // A connected meter also sends a new measurement at once.
    if (!this.transferring && this.send('2a18', enc.glucose(r.seq, r.ts, r.mmol)))
      this.recordsSent += 1;
    return r;
  }

  /**
   * A battery change or a reset: numbering starts again at 1, and the stored records are gone
   * (as most meters lose them), unless `keepRecords`.
   */
  restartSequence(keepRecords = false): void {
    this.nextSeq = 1;
    if (!keepRecords) this.records.splice(0);
  }

  override onDisconnect(): void {
    this.transferring = false;
  }

  protected onTick(): void {
    if (this.ticks % this.everyTicks === 0) this.addRecord();
  }

  private racp(d: Buffer): void {
    const op = d[0] ?? 0;
    const operator = d[1] ?? 0;
    const reply = (code: number) => this.send('2a52', enc.racpResponse(op, code));
    if (op === 3) {
      this.transferring = false;
      return void reply(1);
    }
    if (op !== 1 && op !== 4) return void reply(2);
    if (this.transferring) return void reply(8);
    const picked = this.select(operator, d.subarray(2));
    if (typeof picked === 'number') return void reply(picked);
    if (op === 4) return void this.send('2a52', enc.racpCount(picked.length));
    if (picked.length === 0) return void reply(6);
    this.transferring = true;
    this.sendRecords(picked, 0);
  }

  /** Records chosen by an operator and a sequence-number operand, or a response code. */
  private select(operator: number, operand: Buffer): GlucoseRecord[] | number {
    const seqAt = (i: number) => operand.readUInt16LE(i);
    const needs = (n: number) => operand.length >= n && operand[0] === 1;
    switch (operator) {
      case 1:
        return [...this.records];
      case 5:
        return this.records.slice(0, 1);
      case 6:
        return this.records.slice(-1);
      case 2:
        return needs(3) ? this.records.filter((r) => r.seq <= seqAt(1)) : 5;
      case 3:
        return needs(3) ? this.records.filter((r) => r.seq >= seqAt(1)) : 5;
      case 4:
        return needs(5) ? this.records.filter((r) => r.seq >= seqAt(1) && r.seq <= seqAt(3)) : 5;
      case 0:
        return 3;
      default:
        return 4;
    }
  }

  private sendRecords(list: GlucoseRecord[], i: number): void {
    if (!this.transferring || !this.connected || !this.radio) return;
    if (i >= list.length) {
      this.transferring = false;
      this.send('2a52', enc.racpResponse(1, 1));
      return;
    }
    const r = list[i];
    if (this.send('2a18', enc.glucose(r.seq, r.ts, r.mmol))) this.recordsSent += 1;
    if (this.dropAfterRecords !== null && i + 1 >= this.dropAfterRecords) {
      this.dropTimes -= 1;
      if (this.dropTimes <= 0) {
        this.dropAfterRecords = null;
        this.dropTimes = 1;
      }
      // Let the record that was just sent reach the host, then lose the link.
      this.radio.later(this, () => this.dropLink());
      return;
    }
    this.radio.later(this, () => this.sendRecords(list, i + 1));
  }
}
