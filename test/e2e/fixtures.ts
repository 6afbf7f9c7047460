import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { defaultSettings, mergeSettings, type Settings } from '../../src/shared/settings';
import { Mosquitto } from '../helpers/mosquitto';
import { freePort } from '../helpers/ports';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `homebeat serve --simulate` on a free port with its own data dir. Builds nothing: the test
 * script runs `npx electron-vite build` first. Restartable, so a test can close and reopen it.
 */
export class Serve {
  url = '';
  output = '';
  /** The broker serve was pointed at, when the test asked for one. */
  mosquitto?: Mosquitto;
  private proc: ChildProcess | null = null;
  readonly dataDir: string;

  constructor(
    readonly port: number,
    settings: Settings,
    private readonly simulate = true,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'homebeat-e2e-'));
    mkdirSync(this.dataDir, { recursive: true });
    // Pre-seeded settings: a free port for the embedded broker (1883 may be taken by another
    // test run), or the test's Mosquitto.
    writeFileSync(join(this.dataDir, 'settings.json'), JSON.stringify({ settings }, null, 2));
  }

  async start(timeoutMs = 30_000): Promise<this> {
    const proc = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/homebeat.js'),
        'serve',
        ...(this.simulate ? ['--simulate'] : []),
        '--port',
        String(this.port),
        '--data-dir',
        this.dataDir,
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOMEBEAT_DATA_DIR: this.dataDir },
      },
    );
    this.proc = proc;
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`serve printed no URL within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
      const onData = (d: Buffer) => {
        this.output += d;
        const m = /Homebeat dashboard: (http:\/\/\S+)/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d) => (this.output += d));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`serve exited (${code}) before printing its URL:\n${this.output}`));
      });
    });
    this.url = url;
    return this;
  }

  /** A contract call over `POST /api/<method>`, as curl would. */
  async call<T = unknown>(
    method: string,
    input: unknown = {},
  ): Promise<{
    ok: boolean;
    value?: T;
    error?: { code: string; message: string; field?: string };
  }> {
    const r = await fetch(new URL(`/api/${method}`, this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(this.url).origin },
      body: JSON.stringify(input),
    });
    return (await r.json()) as never;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface Fixtures {
  /** A deep-partial settings patch written before serve starts (test.use({ seed: {...} })). */
  seed: Record<string, unknown>;
  /** A real Mosquitto, started only for tests that ask for it (serve then uses it as its broker). */
  mosquitto: Mosquitto;
  useMosquitto: boolean;
  /** serve --simulate (default); false runs the real radio (none on a CI machine). */
  simulate: boolean;
  serve: Serve;
  /** The dashboard opened on the serve's URL (the first status arrived). */
  dashboard: Page;
}

export const test = base.extend<Fixtures>({
  seed: [{}, { option: true }],
  useMosquitto: [false, { option: true }],
  simulate: [true, { option: true }],
  mosquitto: async ({ serve }, use) => {
    if (!serve.mosquitto) throw new Error('test.use({ useMosquitto: true }) to get a Mosquitto');
    await use(serve.mosquitto);
  },
  serve: async ({ seed, useMosquitto, simulate }, use) => {
    const settings = defaultSettings();
    settings.mqtt.embedded.port = await freePort();
    let mosquitto: Mosquitto | undefined;
    if (useMosquitto) {
      mosquitto = await new Mosquitto({ persistence: false }).start();
      settings.mqtt.host = '127.0.0.1';
      settings.mqtt.port = mosquitto.port;
    }
    const s = new Serve(await freePort(), mergeSettings(settings, seed) as Settings, simulate);
    s.mosquitto = mosquitto;
    try {
      await s.start();
      await use(s);
    } finally {
      // Also when serve failed to start: no broker or server outlives its test.
      await s.stop();
      await mosquitto?.stop();
      s.cleanup();
    }
  },
  dashboard: async ({ page, serve }, use) => {
    await page.goto(serve.url);
    await expect(page.locator('.health')).not.toContainText('Connecting', { timeout: 20_000 });
    await use(page);
  },
});

export { expect };

/** Saves a full-page screenshot under test-results/screenshots/<name>-<scheme>.png. */
export async function shot(page: Page, name: string, scheme: 'light' | 'dark'): Promise<string> {
  const path = join(ROOT, 'test-results', 'screenshots', `${name}-${scheme}.png`);
  // From the top, so the sticky sidebar sits where a user sees it.
  await page.evaluate(() =>
    (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
  );
  // Cards draw their values only on (or near) the screen: a window as tall as the page shows
  // every card drawn, as a user scrolling down would see them.
  const size = page.viewportSize();
  const height = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } })
        .document.documentElement.scrollHeight,
  );
  if (size && height > size.height) {
    await page.setViewportSize({ width: size.width, height: Math.min(height, 6000) });
    await expect(page.locator('.card:not(.full)')).toHaveCount(0, { timeout: 10_000 });
  }
  await page.screenshot({ path, fullPage: true });
  if (size) await page.setViewportSize(size);
  return path;
}
