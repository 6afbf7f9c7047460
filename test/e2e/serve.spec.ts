import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';

/** Issue 2's promises about the headless host, checked through a real browser and real HTTP. */

test('the dashboard loads from serve and shows the engine status', async ({ dashboard, serve }) => {
  await expect(dashboard).toHaveTitle(/Homebeat/);
  const status = await serve.call<{ state: string; gatewayId: string }>('getStatus');
  expect(status.ok).toBe(true);
  await expect(dashboard.locator('.health')).toBeVisible();
  await expect(dashboard.locator('.health')).not.toHaveText('');
  // The page is held to the same CSP the Electron shell sets.
  const res = await dashboard.request.get(serve.url);
  expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
});

test('an invalid updateSettings gets 400 naming the field and the reason; nothing stored changes', async ({
  serve,
  dashboard,
}) => {
  const file = join(serve.dataDir, 'settings.json');
  const before = readFileSync(file, 'utf8');
  const res = await dashboard.request.post(new URL('/api/updateSettings', serve.url).href, {
    data: { ble: { minRssi: 40 } },
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status()).toBe(400);
  const body = (await res.json()) as {
    ok: boolean;
    error: { code: string; field: string; message: string };
  };
  expect(body.ok).toBe(false);
  expect(body.error.field).toBe('ble.minRssi');
  expect(body.error.message).toMatch(/ble\.minRssi: .*(0|small|big|less|greater)/i);
  expect(readFileSync(file, 'utf8')).toBe(before);
  const after = await serve.call<{ ble: { minRssi: number } }>('getSettings');
  expect(after.value!.ble.minRssi).not.toBe(40);
});

test('a non-loopback bind without a token refuses to start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hb-e2e-nobind-'));
  try {
    const child = spawn(
      process.execPath,
      ['bin/homebeat.js', 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOMEBEAT_TOKEN: '' },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(out).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
    expect(out).not.toContain('Homebeat dashboard:');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
