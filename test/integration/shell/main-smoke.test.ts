import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The built Electron shell, booted in plain Node on a stand-in for Electron's module: the real
 * main.ts composition (engine, tray, window, checked IPC, CSP, login item, quit) runs; only the
 * native pieces are recorded instead of drawn. The Playwright _electron tests cover the rest where
 * the binary exists.
 */
let report: Record<string, unknown>;

beforeAll(() => {
  if (!existsSync('out/main/index.js') || !existsSync('out/renderer/index.html')) {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'ignore' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'hb-shell-'));
  try {
    const r = spawnSync(
      process.execPath,
      ['--import', './test/fixtures/shell/register.mjs', 'test/fixtures/shell/drive.mjs'],
      {
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          HOMEBEAT_USER_DATA: join(dir, 'userData'),
          XDG_CONFIG_HOME: join(dir, 'config'),
          HOMEBEAT_SIMULATE: '1',
        },
      },
    );
    const line = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{"singleInstance"'))
      .pop();
    if (!line)
      throw new Error(`the shell did not report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    report = JSON.parse(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

describe('the Electron shell, booted on a stand-in', () => {
  it('takes the single-instance lock and opens a locked-down window on the built dashboard', () => {
    expect(report.singleInstance).toBe(true);
    expect(report.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(report.preloadExists).toBe(true);
    expect(report.loadedExists).toBe(true);
    expect(String(report.loaded)).toMatch(/out[\\/]renderer[\\/]index\.html$/);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.navigationPrevented).toBe(true);
    expect(report.csp).toContain("script-src 'self'");
  });

  it('answers the dashboard through the checked IPC handler only', () => {
    expect(report.status).toBe('running');
    expect(report.untrusted).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.invalid).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'paused' },
    });
  });

  it('shows a tray with status and the menu', () => {
    expect(report.trayIconExists).toBe(true);
    expect(String(report.tooltip)).toMatch(/^Homebeat: /);
    expect(report.menu).toEqual(
      expect.arrayContaining([
        'Open dashboard',
        'Sync now',
        'Pause syncing',
        'Start at login',
        'Quit Homebeat',
      ]),
    );
  });

  it('keeps syncing after the window closes, and the tray or a second launch brings it back', () => {
    expect(report.quitOnClose).toBe(0);
    expect(report.syncingAfterClose).toBe(true);
    expect(report.statusAfterClose).toBe('running');
    expect(report.reopened).toBe(true);
    expect(report.windowsAfterSecondLaunch).toBe(2);
  });

  it('a rule raises an OS notification; a click opens the dashboard at its target page', () => {
    expect(report.ruleSaved).toBe(true);
    expect(report.notification).toMatchObject({ title: 'Heart rate above 1 bpm' });
    expect(report.clickNavigated).toBe(true);
    expect(report.clickWindowShown).toBe(true);
  });

  it('starts at login through an XDG autostart entry that starts hidden, and pauses from the tray', () => {
    expect(String(report.autostart)).toContain('[Desktop Entry]');
    expect(String(report.autostart)).toMatch(/Exec=.* --hidden/);
    expect(report.startAtLoginSetting).toBe(true);
    expect(report.pausedMenu).toBe('Resume syncing');
  });

  it('quits cleanly: the engine stops and the app exits 0', () => {
    expect(report.exit).toBe(0);
  });
});
