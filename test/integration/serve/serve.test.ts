import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runServe, type RunningServe } from '../../../src/main/serve/host.js';
import { nodePaths } from '../../../src/main/engine/node-ports.js';

let running: RunningServe | undefined;
let dir: string;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function staticDir(): string {
  const d = join(dir, 'www');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'index.html'), '<!doctype html><title>Homebeat</title>');
  return d;
}

async function start(extra: { host?: string; token?: string } = {}): Promise<RunningServe> {
  dir = mkdtempSync(join(tmpdir(), 'hb-serve-'));
  running = await runServe({
    port: 0,
    host: extra.host ?? '127.0.0.1',
    token: extra.token,
    dataDir: join(dir, 'data'),
    simulate: false,
    staticDir: staticDir(),
    logLevel: 'error',
  });
  return running;
}

const post = (url: string, method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(`api/${method}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('homebeat serve', () => {
  it('answers every contract method over POST /api/<method>', async () => {
    const s = await start();
    const res = await post(s.url, 'getStatus', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; value: { state: string } };
    expect(body).toMatchObject({ ok: true, value: { state: 'running' } });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await post(s.url, 'noSuchMethod', {})).status).toBe(404);
    expect((await post(s.url, 'getStatus', '{not json')).status).toBe(400);
    const wrongType = await fetch(new URL('api/getStatus', s.url), { method: 'POST', body: '{}' });
    expect(wrongType.status).toBe(415);
    const huge = await post(
      s.url,
      'updateSettings',
      JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }),
    ).catch(() => null);
    expect(huge === null || huge.status === 400).toBe(true);
  });

  it('offers finished exports for download, and nothing else from the data folder', async () => {
    const s = await start();
    const exportsDir = nodePaths(join(dir, 'data')).exportsDir;
    writeFileSync(join(exportsDir, 'strap-heart_rate.csv'), 'ts,value\n1,60\n');
    writeFileSync(join(dir, 'data', 'secrets.json'), '{"mqtt:password":"x"}');
    const ok = await fetch(new URL('exports/strap-heart_rate.csv', s.url));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toContain('attachment');
    expect(await ok.text()).toBe('ts,value\n1,60\n');
    for (const bad of [
      'exports/..%2Fsecrets.json',
      'exports/%2E%2E%2Fsettings.json',
      'exports/nope.csv',
      'exports/.hidden.csv',
    ]) {
      const r = await fetch(new URL(bad, s.url));
      expect([400, 404]).toContain(r.status);
    }
  });

  it('refuses invalid settings with 400 naming the field, and keeps what was stored', async () => {
    const s = await start();
    const okRes = await post(s.url, 'updateSettings', { mqtt: { port: 8883 } });
    expect(okRes.status).toBe(200);
    const file = join(dir, 'data', 'settings.json');
    const before = readFileSync(file, 'utf8');
    const bad = await post(s.url, 'updateSettings', {
      mqtt: { port: 'eighty' },
      general: { theme: 'dark' },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { ok: false; error: { field: string; message: string } };
    expect(body.error.field).toBe('mqtt.port');
    expect(body.error.message).toMatch(/expected number/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const now = (await (await post(s.url, 'getSettings', {})).json()) as {
      value: { mqtt: { port: number }; general: { theme: string } };
    };
    expect(now.value.mqtt.port).toBe(8883);
    expect(now.value.general.theme).toBe('system');
  });

  it('starts on defaults when the settings file is broken, keeping the broken file aside', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hb-serve-'));
    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'settings.json'), '{"settings": {"mqtt": {"port": "oops"');
    running = await runServe({
      port: 0,
      host: '127.0.0.1',
      dataDir: data,
      simulate: false,
      staticDir: staticDir(),
      logLevel: 'error',
    });
    const res = (await (await post(running.url, 'getSettings', {})).json()) as {
      value: { mqtt: { port: number } };
    };
    expect(res.value.mqtt.port).toBe(1883);
    const aside = readdirSync(data).find(
      (f) => f.startsWith('settings.json.broken-') && !f.endsWith('.why.txt'),
    );
    expect(aside).toBeDefined();
    expect(readFileSync(join(data, aside!), 'utf8')).toContain('"oops"');
    const log = (await (await post(running.url, 'getLog', { level: 'error' })).json()) as {
      value: { msg: string }[];
    };
    expect(log.value.map((e) => e.msg)).toContain(
      'settings file could not be read; starting with defaults',
    );
  });

  it('refuses a non-loopback bind without a token', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hb-serve-'));
    await expect(
      runServe({
        port: 0,
        host: '0.0.0.0',
        dataDir: join(dir, 'data'),
        simulate: false,
        staticDir: staticDir(),
        logLevel: 'error',
      }),
    ).rejects.toThrow(/without a token/);
    // The refused start released its lock: a correct start in the same folder works.
    running = await runServe({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      simulate: false,
      staticDir: staticDir(),
      logLevel: 'error',
    });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('with a token, refuses every request without it and trades ?token= for a cookie', async () => {
    const s = await start({ token: 'correct-horse' });
    expect((await fetch(s.url)).status).toBe(401);
    expect((await post(s.url, 'getStatus', {})).status).toBe(401);
    expect((await post(s.url, 'getStatus', {}, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    expect(
      (await post(s.url, 'getStatus', {}, { authorization: 'Bearer correct-horse' })).status,
    ).toBe(200);
    const redirect = await fetch(`${s.url}?token=correct-horse`, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const cookie = redirect.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(s.url, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}ws`);
    const err = await new Promise<string>((r) =>
      ws.on('unexpected-response', (_q, res) => r(String(res.statusCode))),
    );
    expect(err).toBe('401');
  });

  it('refuses a foreign Host header (DNS rebinding) and a cross-site WebSocket', async () => {
    const s = await start();
    const port = new URL(s.url).port;
    const rebinding = await new Promise<number>((resolve) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/', headers: { host: `attacker.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.end();
    });
    expect(rebinding).toBe(403);
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}ws`, {
      origin: 'https://evil.example',
    });
    const code = await new Promise<number>((r) =>
      ws.on('unexpected-response', (_q, res) => r(res.statusCode!)),
    );
    expect(code).toBe(403);
  });

  it('carries the contract over the WebSocket: status first, then request and reply', async () => {
    const s = await start();
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}ws`);
    const messages: {
      id?: number;
      result?: { ok: boolean; error?: { code: string } };
      events?: Record<string, unknown>;
    }[] = [];
    const next = (pred: (m: (typeof messages)[number]) => boolean) =>
      new Promise<(typeof messages)[number]>((resolve) => {
        const found = messages.find(pred);
        if (found) return resolve(found);
        ws.on('message', (d) => {
          const m = JSON.parse(String(d));
          if (pred(m)) resolve(m);
        });
      });
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    const first = await next((m) => !!m.events);
    expect(first.events).toHaveProperty('status');
    ws.send(JSON.stringify({ id: 7, method: 'setPaused', input: { paused: true } }));
    expect((await next((m) => m.id === 7)).result).toEqual({ ok: true, value: { paused: true } });
    ws.send(JSON.stringify({ id: 8, method: 'setPaused', input: { paused: 'no' } }));
    expect((await next((m) => m.id === 8)).result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    ws.send('garbage');
    expect((await next((m) => m.id === null)).result).toMatchObject({ ok: false });
    const paused = await next(
      (m) => (m.events?.status as { state?: string } | undefined)?.state === 'paused',
    );
    expect(paused).toBeTruthy();
    ws.close();
  });

  it('shuts down cleanly on SIGTERM: engine disposed, lock released', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hb-serve-'));
    const data = join(dir, 'data');
    const child = spawn(
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
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 30_000;
    while (
      !out.includes('Homebeat dashboard:') &&
      Date.now() < deadline &&
      child.exitCode === null
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain('Homebeat dashboard: http://127.0.0.1:');
    expect(existsSync(join(data, 'homebeat.lock'))).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(data, 'homebeat.lock'))).toBe(false);
  });
});
