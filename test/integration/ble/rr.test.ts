import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { heartRate } from '../../../src/main/demo/radio/encode.js';
import { SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import type { Reading } from '../../../src/shared/model.js';
import { logOf, startBle, type BleTest } from './helpers.js';

let b: BleTest | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

/** What a strap's 1/1024 s units make of an interval in ms, as the decoder gives it. */
const asSent = (ms: number) => Number(((Math.round((ms * 1024) / 1000) * 1000) / 1024).toFixed(3));

describe('RR intervals through real noble over the simulated radio', () => {
  it('each RR of a notification is its own reading, timed back from the notification; all stored', async () => {
    b = await startBle({ settings: { paired: [{ id: A.strap, name: '', mode: 'keep' }] } });
    await b.waitLog(logOf('connected', A.strap));
    await b.waitReading((r) => r.deviceId === A.strap && r.metric === 'heart_rate');
    // Eight beats at 240 bpm: shorter than any the strap makes of its own, so they stand out.
    const sent = [251, 247, 262, 244, 255, 249, 258, 250];
    const batches: Reading[][] = [];
    const off = b.t.engine.readings.subscribe((rs) => batches.push(rs));
    b.world.strap.sendMalformed('2a37', heartRate({ bpm: 240, rrMs: sent }));
    const hr = await b.waitReading(
      (r) => r.deviceId === A.strap && r.metric === 'heart_rate' && r.value === 240,
    );
    off();
    const rr = batches.find((rs) => rs.includes(hr))!.filter((r) => r.metric === 'rr_interval');

    // None dropped, in the order sent, each its own entity's reading.
    expect(rr.map((r) => r.value)).toEqual(sent.map(asSent));
    expect(new Set(rr.map((r) => r.entity))).toEqual(new Set(['rr_interval']));
    // The last beat at the notification's time; each earlier one earlier by the next interval.
    expect(rr.at(-1)!.ts).toBe(hr.ts);
    for (let i = 1; i < rr.length; i++) {
      expect(rr[i]!.ts).toBeGreaterThan(rr[i - 1]!.ts);
      expect(Math.abs(rr[i]!.ts - rr[i - 1]!.ts - rr[i]!.value!)).toBeLessThanOrEqual(1);
    }

    // Every one of them is in the history, at its own time.
    const { path } = await b.request<{ path: string }>('exportReadings', {
      deviceId: A.strap,
      metric: 'rr_interval',
      from: rr[0]!.ts,
      to: hr.ts,
      format: 'json',
    });
    const rows = JSON.parse(readFileSync(path, 'utf8')) as { ts: number; value: number }[];
    const stored = rr.filter((r) => rows.some((x) => x.ts === r.ts && x.value === r.value));
    expect(stored).toHaveLength(sent.length);
    console.info(
      `RR: ${sent.length} intervals in one notification, ${rr.length} readings published, ` +
        `${stored.length} stored; spacing ${rr
          .slice(1)
          .map((r, i) => r.ts - rr[i]!.ts)
          .join(', ')} ms`,
    );
  });
});
