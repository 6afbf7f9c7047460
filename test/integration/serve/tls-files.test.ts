import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttStatus } from '../../../src/shared/contract/index.js';

/**
 * A TLS file setting that names a FIFO or a device. Read synchronously on the engine's thread,
 * a FIFO hung the engine for good (every request timed out, SIGTERM ignored) and /dev/zero grew
 * the process by gigabytes; the setting is stored, so it came back after a restart. Run in a
 * child process: the bug this guards against blocks the whole thread it runs on.
 */
let child: ChildProcess | undefined;
let dir: string;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serveWith(mqtt: Record<string, unknown>): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'hb-tlsfiles-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'settings.json'), JSON.stringify({ settings: { mqtt } }));
  const c = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/serve/run-cli.ts',
      'serve',
      '--port',
      '0',
      '--data-dir',
      data,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = c;
  let out = '';
  c.stdout!.on('data', (d) => (out += d));
  c.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 40_000;
  while (!/Homebeat dashboard: \S+/.test(out) && Date.now() < deadline && c.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  const m = /Homebeat dashboard: (\S+)/.exec(out);
  if (!m) throw new Error(`serve did not start:\n${out}`);
  return m[1];
}

async function call<T>(url: string, method: string, body: unknown = {}): Promise<T> {
  const res = await fetch(new URL(`api/${method}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return ((await res.json()) as { value: T }).value;
}

async function mqttStatus(url: string, pred: (m: MqttStatus) => boolean): Promise<MqttStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = (await call<{ mqtt: MqttStatus }>(url, 'getStatus')).mqtt;
    if (pred(s) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('TLS file settings that are not certificate files', () => {
  it('a FIFO is refused with its path in the status, and the engine goes on answering', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'hb-fifo-')), 'ca.pem');
    execFileSync('mkfifo', [fifo]);
    try {
      const url = await serveWith({ host: '127.0.0.1', port: 1, tls: true, caFile: fifo });
      const s = await mqttStatus(url, (m) => m.state === 'error');
      expect(s.state).toBe('error');
      expect(s.reason).toBe(`Cannot read the CA certificate file ${fifo} (not a regular file)`);
      // Still answering, and a changed setting is taken at once.
      const next = await call<{ mqtt: { caFile: string } }>(url, 'updateSettings', {
        mqtt: { caFile: '/dev/zero' },
      });
      expect(next.mqtt.caFile).toBe('/dev/zero');
      const z = await mqttStatus(url, (m) => !!m.reason?.includes('/dev/zero'));
      expect(z.reason).toBe('Cannot read the CA certificate file /dev/zero (not a regular file)');
      // The process did not read the device into memory.
      const rssKb = Number(
        /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child!.pid}/status`, 'utf8'))?.[1],
      );
      expect(rssKb).toBeLessThan(400 * 1024);
      // SIGTERM is still heard.
      const exited = new Promise<number | null>((r) => child!.once('exit', r));
      child!.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(join(fifo, '..'), { recursive: true, force: true });
    }
  }, 90_000);
});
