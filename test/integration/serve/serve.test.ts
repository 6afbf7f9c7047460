import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import Database from 'better-sqlite3';
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
    // Over the 1 MB limit: the documented JSON error (413), not a reset connection.
    const huge = await post(
      s.url,
      'updateSettings',
      JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('answers 413 in JSON to a chunked body that grows past the limit', async () => {
    const s = await start();
    const u = new URL('api/updateSettings', s.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = 'a'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
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
    const s = await start({ token: 'correct-horse-battery' });
    expect((await fetch(s.url)).status).toBe(401);
    expect((await post(s.url, 'getStatus', {})).status).toBe(401);
    expect((await post(s.url, 'getStatus', {}, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    expect(
      (await post(s.url, 'getStatus', {}, { authorization: 'Bearer correct-horse-battery' }))
        .status,
    ).toBe(200);
    const redirect = await fetch(`${s.url}?token=correct-horse-battery`, { redirect: 'manual' });
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

  it('refuses a token shorter than 16 characters, suggesting a generated one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hb-serve-'));
    const flags = {
      port: 0,
      host: '0.0.0.0',
      dataDir: join(dir, 'data'),
      simulate: false,
      staticDir: staticDir(),
      logLevel: 'error' as const,
    };
    const err = await runServe({ ...flags, token: 'short-token' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/at least 16 characters .*--token [\w-]{40,}/);
    // On loopback too: a token given is a token that must hold.
    await expect(runServe({ ...flags, host: '127.0.0.1', token: 'x'.repeat(15) })).rejects.toThrow(
      /at least 16/,
    );
    running = await runServe({ ...flags, host: '127.0.0.1', token: 'x'.repeat(16) });
    expect(running.url).toMatch(/^http:/);
  });

  it('takes the Bearer scheme in any case, and never redirects a POST with ?token=', async () => {
    const token = 'a-token-of-24-characters';
    const s = await start({ token });
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await post(s.url, 'getStatus', {}, { authorization: `${scheme} ${token}` });
      expect(r.status).toBe(200);
    }
    const viaQuery = await fetch(new URL(`api/setPaused?token=${token}`, s.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paused: true }),
      redirect: 'manual',
    });
    expect(viaQuery.status).toBe(200);
    expect(await viaQuery.json()).toEqual({ ok: true, value: { paused: true } });
    // A page load still trades the query for a cookie.
    expect((await fetch(`${s.url}?token=${token}`, { redirect: 'manual' })).status).toBe(303);
  });

  it('treats all of 127.0.0.0/8 and ::1 as loopback, in the bind and in the Host header', async () => {
    const hostOk = (port: string, host: string, bind = '127.0.0.1') =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: bind, port, path: '/', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    // 127.0.0.2 is loopback: no token needed, and its own Host header is accepted.
    const s = await start({ host: '127.0.0.2' });
    const port = new URL(s.url).port;
    expect(s.url).toBe(`http://127.0.0.2:${port}/`);
    for (const host of [`127.0.0.2:${port}`, `127.1.2.3:${port}`, `localhost:${port}`])
      expect(await hostOk(port, host, '127.0.0.2')).toBe(200);
    for (const host of [`[::1]:${port}`, `[0:0:0:0:0:0:0:1]:${port}`])
      expect(await hostOk(port, host, '127.0.0.2')).toBe(200);
    for (const host of [`128.0.0.1:${port}`, `attacker.example:${port}`, `127.0.0.1.nip.io`])
      expect(await hostOk(port, host, '127.0.0.2')).toBe(403);
  });

  it('disposes the engine and releases the lock when it cannot listen', async () => {
    const first = await start();
    const taken = Number(new URL(first.url).port);
    const data = join(dir, 'second');
    const err = await runServe({
      port: taken,
      host: '127.0.0.1',
      dataDir: data,
      simulate: false,
      staticDir: staticDir(),
      logLevel: 'error',
    }).catch((e: Error) => e);
    expect(String(err)).toMatch(/EADDRINUSE/);
    expect(existsSync(join(data, 'homebeat.lock'))).toBe(false);
    // The history was closed as on a normal shutdown.
    const db = new Database(join(data, 'homebeat.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'clean_shutdown'").pluck().get()).toBe(
        '1',
      );
    } finally {
      db.close();
    }
  });

  it('says who holds the data folder when a second serve starts on it', async () => {
    await start();
    const err = await runServe({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      simulate: false,
      staticDir: staticDir(),
      logLevel: 'error',
    }).catch((e: Error) => e);
    expect(String(err)).toMatch(
      new RegExp(`in use by another Homebeat: the serve \\(pid ${process.pid}, since `),
    );
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
    // Under the common umask 022, which would leave new files world-readable.
    const child = spawn(
      'sh',
      [
        '-c',
        'umask 022; exec "$@"',
        'sh',
        process.execPath,
        '--import',
        'tsx',
        'test/fixtures/serve/run-cli.ts',
        'serve',
        '--port',
        '0',
        '--data-dir',
        data,
        '--log-level',
        'info',
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
    // The folder and everything in it are the owner's only: settings, database, logs, exports.
    const url = /Homebeat dashboard: (\S+)/.exec(out)![1];
    expect((await post(url, 'updateSettings', { general: { theme: 'dark' } })).status).toBe(200);
    const exported = await post(url, 'exportReadings', {
      deviceId: 'nobody',
      from: 0,
      to: Date.now(),
      format: 'csv',
    });
    expect(exported.status).toBe(200);
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(data)).toBe(0o700);
    for (const sub of ['logs', 'exports']) expect(mode(join(data, sub))).toBe(0o700);
    const files = [
      ...readdirSync(data).map((f) => join(data, f)),
      ...readdirSync(join(data, 'logs')).map((f) => join(data, 'logs', f)),
      ...readdirSync(join(data, 'exports')).map((f) => join(data, 'exports', f)),
    ].filter((f) => statSync(f).isFile());
    for (const f of ['settings.json', 'homebeat.db', 'homebeat.lock'])
      expect(files).toContain(join(data, f));
    expect(files.some((f) => f.includes(`${join('data', 'exports')}`))).toBe(true);
    expect(files.some((f) => f.includes(`${join('data', 'logs')}`))).toBe(true);
    expect(Object.fromEntries(files.map((f) => [f, mode(f).toString(8)]))).toEqual(
      Object.fromEntries(files.map((f) => [f, '600'])),
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(data, 'homebeat.lock'))).toBe(false);
  });
});
