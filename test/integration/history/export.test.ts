import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../../src/main/engine/history/export.js';
import { historyEngine, reading, T0, type HistoryEngine } from './support.js';

let t: HistoryEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const DEV = 'sensor "living, room"';

async function exportOk(input: Record<string, unknown>): Promise<{ path: string; rows: number }> {
  const res = await t!.engine.handle('exportReadings', input);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as { path: string; rows: number };
}

describe('exportReadings', () => {
  it('writes CSV with escaping, a metric filter and an inclusive range', async () => {
    t = await historyEngine();
    t.history.commitRecords([
      reading(T0, 21.5, { deviceId: DEV, metric: 'temperature', unit: '°C', source: 'mqtt' }),
      reading(T0 + 1000, 22, {
        deviceId: DEV,
        metric: 'temperature',
        unit: '°C',
        gateway: '=cmd|x',
      }),
      reading(T0 + 2000, null, {
        deviceId: DEV,
        metric: 'temperature',
        unit: '°C',
        status: 'nres',
      }),
      reading(T0 + 3000, 23, { deviceId: DEV, metric: 'temperature', unit: '°C' }),
      reading(T0 + 1000, 45, { deviceId: DEV, metric: 'humidity', unit: '%' }),
      reading(T0 + 1000, 99, { deviceId: 'other', metric: 'temperature', unit: '°C' }),
    ]);
    const { path, rows } = await exportOk({
      deviceId: DEV,
      metric: 'temperature',
      from: T0,
      to: T0 + 2000,
      format: 'csv',
    });
    expect(rows).toBe(3);
    expect(dirname(path)).toBe(t.ports.paths.exportsDir);
    expect(readFileSync(path, 'utf8')).toBe(
      [
        CSV_HEADER,
        `"sensor ""living, room""",temperature,${T0},2026-01-01T00:00:00.000Z,21.5,°C,ok,mqtt,`,
        `"sensor ""living, room""",temperature,${T0 + 1000},2026-01-01T00:00:01.000Z,22,°C,ok,ble,'=cmd|x`,
        `"sensor ""living, room""",temperature,${T0 + 2000},2026-01-01T00:00:02.000Z,,°C,nres,ble,`,
        '',
      ].join('\n'),
    );
  });

  it('writes a JSON array of every metric of the device, and an empty array for nothing', async () => {
    t = await historyEngine();
    // Live readings still in the batch window are included: the export flushes first.
    t.engine.readings.publish([
      reading(T0, 60, { deviceId: DEV }),
      reading(T0 + 5, 3.5, { deviceId: DEV, metric: 'speed', unit: 'm/s', gateway: 'gw-1' }),
    ]);
    const { path, rows } = await exportOk({ deviceId: DEV, from: 0, to: T0 + 10, format: 'json' });
    expect(rows).toBe(2);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([
      {
        deviceId: DEV,
        metric: 'heart_rate',
        ts: T0,
        value: 60,
        unit: 'bpm',
        status: 'ok',
        source: 'ble',
        gateway: null,
      },
      {
        deviceId: DEV,
        metric: 'speed',
        ts: T0 + 5,
        value: 3.5,
        unit: 'm/s',
        status: 'ok',
        source: 'ble',
        gateway: 'gw-1',
      },
    ]);
    const empty = await exportOk({ deviceId: 'nobody', from: 0, to: T0, format: 'json' });
    expect(empty.rows).toBe(0);
    expect(JSON.parse(readFileSync(empty.path, 'utf8'))).toEqual([]);
    expect(empty.path).not.toBe(path);
  });

  it('refuses a bad format or range before touching the database', async () => {
    t = await historyEngine();
    const res = await t.engine.handle('exportReadings', {
      deviceId: DEV,
      from: 5,
      to: 1,
      format: 'xml',
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('exportReadings: 1,000,000 rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homebeat-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const FIXTURE = join(import.meta.dirname, '../../fixtures/history/export-rss.ts');
  const N = 1_000_000;

  it('streams to disk with a peak RSS under 150 MB (measured in a child process)', async () => {
    const w = await historyEngine({ dir });
    for (let i = 0; i < N; i += 50_000) {
      const chunk = [];
      for (let k = i; k < i + 50_000; k++)
        chunk.push(reading(T0 + k * 1000, 50 + (k % 120), { deviceId: 'strap' }));
      w.history.commitRecords(chunk);
    }
    await w.engine.dispose();

    // The child runs the fixture bundled to plain JS, as the app ships, not under tsx: tsx's
    // loader thread is a second V8 isolate that alone adds about 40 MB of RSS.
    const bundle = join(
      import.meta.dirname,
      '../../../node_modules/.cache/homebeat-test/export-rss.mjs',
    );
    await build({
      entryPoints: [FIXTURE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      target: 'node20',
      outfile: bundle,
      logLevel: 'warning',
    });
    for (const format of ['csv', 'json'] as const) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bundle, dir, 'strap', format],
        { timeout: 120_000 },
      );
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
        res: { ok: boolean; value: { path: string; rows: number } };
        ms: number;
        rssBeforeMB: number;
        peakRssMB: number;
      };
      console.log(
        `export ${N} rows as ${format}: ${out.ms} ms, RSS before ${out.rssBeforeMB} MB, peak ${out.peakRssMB} MB`,
      );
      expect(out.res.ok).toBe(true);
      expect(out.res.value.rows).toBe(N);
      expect(out.peakRssMB).toBeLessThan(150);

      // The file holds every row, in order, and nothing else.
      let lines = 0;
      let last = '';
      for await (const line of createInterface({ input: createReadStream(out.res.value.path) })) {
        if (lines === 1) {
          expect(line).toMatch(
            format === 'csv' ? new RegExp(`^strap,heart_rate,${T0},`) : /^\{"deviceId":"strap"/,
          );
        }
        lines++;
        if (line) last = line;
      }
      if (format === 'csv') {
        expect(lines).toBe(N + 1);
        expect(last.split(',')[2]).toBe(String(T0 + (N - 1) * 1000));
      } else {
        expect(lines).toBe(N + 2);
        expect(last).toBe(']');
      }
    }
  }, 300_000);
});
