import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countRows, historyEngine, reading, T0 } from './support.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/history/crash-writer.ts');
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has reported `commits` commits, then SIGKILLs it mid-write. */
function runAndKill(commits: number): Promise<{ live: number; sync: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, '60000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    let live = -1;
    let sync = -1;
    let lines = 0;
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const line of parts) {
        const [kind, n] = line.split(' ');
        if (kind === 'live') live = Number(n);
        else if (kind === 'sync') sync = Number(n);
        else continue;
        lines++;
      }
      if (!killed && lines >= commits) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended on its own (${code ?? signal})`));
      else resolve({ live, sync, lines });
    });
  });
}

describe('history: a process killed mid-write', () => {
  it('keeps everything it reported committed, no duplicates, no corruption', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homebeat-crash-'));
    const reported = await runAndKill(40);
    expect(reported.live).toBeGreaterThan(0);

    const t = await historyEngine({ dir });
    try {
      const { history } = t;
      expect(history.db!.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = (dev: string) =>
        history
          .db!.prepare('SELECT count(*) FROM readings_v WHERE device_id = ?')
          .pluck()
          .get(dev) as number;
      // live <n> means readings 0..n-1 were committed; at most the unreported batch is lost.
      const live = count('aa:bb:cc:dd:ee:01');
      expect(live).toBeGreaterThanOrEqual(reported.live);
      expect(live % 5000).toBe(0); // whole batches only: a transaction landed entirely or not at all
      const sync = count('scale');
      expect(sync).toBeGreaterThanOrEqual(reported.sync + 1);
      expect(sync % 2000).toBe(0);

      // The cursor never runs ahead of the data: the record it names is stored.
      const cursor = Number(history.getCursor('scale', 'seq'));
      expect(cursor).toBeGreaterThanOrEqual(reported.sync);
      expect(cursor).toBe(sync - 1);

      // The rollups lost with the killed process (its open buckets) were rebuilt at start: stats
      // and charts, which read them, agree with the raw rows.
      for (const [dev, metric] of [
        ['aa:bb:cc:dd:ee:01', 'heart_rate'],
        ['scale', 'weight'],
      ] as const) {
        const raw = history
          .db!.prepare(
            'SELECT count(value) AS count, min(value) AS min, max(value) AS max, avg(value) AS avg FROM readings_v WHERE device_id = ? AND metric = ?',
          )
          .get(dev, metric) as { count: number; min: number; max: number; avg: number };
        const res = await t.engine.request('queryStats', {
          deviceId: dev,
          metric,
          from: 0,
          to: 4e12,
        });
        expect(res).toMatchObject({
          ok: true,
          value: { count: raw.count, min: raw.min, max: raw.max },
        });
        if (res.ok) expect((res.value as { avg: number }).avg).toBeCloseTo(raw.avg, 6);
      }
      const warned = t.engine.logging.entries({ limit: 50, level: 'warn', module: 'history' });
      expect(warned.map((e) => e.msg)).toContain('history was not closed cleanly; rollups rebuilt');

      // A restart that replays everything (BLE fetching records again, gateways resending) adds nothing.
      const replay = [];
      for (let i = 0; i <= cursor; i++)
        replay.push(
          reading(T0 + i * 60_000, 70 + (i % 7), {
            deviceId: 'scale',
            metric: 'weight',
            unit: 'kg',
          }),
        );
      expect(history.commitRecords(replay)).toBe(0);
      const before = countRows(history);
      for (let i = 0; i < live; i += 5000) {
        const batch = [];
        for (let k = i; k < i + 5000; k++) batch.push(reading(T0 + k * 1000, 60 + (k % 90)));
        t.engine.readings.publish(batch);
      }
      history.flush();
      expect(countRows(history)).toBe(before);
      expect(
        history
          .db!.prepare(
            'SELECT count(*) FROM (SELECT 1 FROM readings_v GROUP BY device_id, metric, ts HAVING count(*) > 1)',
          )
          .pluck()
          .get(),
      ).toBe(0);
      console.log(
        `crash test: reported live ${reported.live}, sync ${reported.sync + 1}; found live ${live}, sync ${sync}`,
      );
    } finally {
      await t.engine.dispose();
    }
  }, 120_000);
});
