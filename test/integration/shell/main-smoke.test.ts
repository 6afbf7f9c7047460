import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs a drive script on the built shell in a fresh folder; `prepare` fills it first. */
function drive(
  script: string,
  env: Record<string, string> = {},
  prepare: (userData: string) => void = () => {},
): Record<string, unknown> {
  if (!existsSync('out/main/index.js') || !existsSync('out/renderer/index.html')) {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'ignore' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'hb-shell-'));
  try {
    const userData = join(dir, 'userData');
    mkdirSync(userData, { recursive: true });
    prepare(userData);
    const r = spawnSync(
      process.execPath,
      ['--import', './test/fixtures/shell/register.mjs', `test/fixtures/shell/${script}`],
      {
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          HOMEBEAT_USER_DATA: userData,
          XDG_CONFIG_HOME: join(dir, 'config'),
          HOMEBEAT_SIMULATE: '1',
          ...env,
        },
      },
    );
    const line = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{"'))
      .pop();
    if (!line)
      throw new Error(`the shell did not report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(() => {
  // A packaged app ignores the dev server variable: the window still loads the built file.
  report = drive('drive.mjs', {
    HOMEBEAT_STUB_PACKAGED: '1',
    ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/',
  });
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
    // Its own origin only: no WebSocket to any host.
    expect(report.csp).toMatch(/connect-src 'self';/);
    expect(report.csp).not.toMatch(/ws:|wss:/);
  });

  it('allows notifications and denies every other permission, asked or checked', () => {
    expect(report.permissions).toEqual({
      requestNotifications: true,
      requestMedia: false,
      requestGeolocation: false,
      checkNotifications: true,
      checkMedia: false,
      checkClipboard: false,
      device: false,
    });
  });

  it('takes the data folder lock as the desktop app, and releases it when it quits', () => {
    expect(report.lockOwner).toMatchObject({ app: 'desktop app', pid: report.myPid });
    expect(report.lockReleased).toBe(true);
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

describe('the Electron shell, started again with settings stored', () => {
  let r: Record<string, unknown>;
  beforeAll(() => {
    r = drive(
      'drive-hidden.mjs',
      { HOMEBEAT_TEST_HOOKS: '1', HOMEBEAT_STUB_BACKEND: 'basic_text' },
      (userData) =>
        writeFileSync(
          join(userData, 'settings.json'),
          JSON.stringify({ settings: { general: { startHidden: true, startAtLogin: true } } }),
        ),
    );
  }, 120_000);

  it('starts hidden in the tray when the setting says so', () => {
    expect(r.windowsAtStart).toBe(0);
  });

  it('makes the OS follow the stored start-at-login setting, and the tray toggles the setting', () => {
    expect(r.autostartWritten).toBe(true);
    expect(r.loginChecked).toBe(true);
    expect(r.settingAfterToggle).toBe(false);
    expect(r.loginCheckedAfterToggle).toBe(false);
  });

  it('warns where secrets cannot be encrypted, and keeps them in an owner-only file', () => {
    expect(r.warningItem).toBe('Warning: Secrets are stored unencrypted');
    expect(String(r.tooltip)).toContain('basic_text');
    expect(r.warningNotified).toBe(true);
    expect(r.passwordStored).toBe(true);
    expect(r.plainSecrets).toMatchObject({ 'mqtt:password': 'pw-123' });
    expect(r.plainMode).toBe('600');
  });

  it('a notification clicked with no window opens one at its target, in the page URL', () => {
    expect(String(r.loaded)).toMatch(/out[\\/]renderer[\\/]index\.html$/);
    expect(r.loadOptions).toEqual({ hash: '/settings' });
    expect(r.navigateSentEarly).toBe(false);
    expect(r.heldAfterClick).toBe(0);
  });

  it('quits within the time limit even when the engine never stops, releasing the lock', () => {
    expect(r.exit).toBe(1);
    expect(r.quitMs).toBeGreaterThanOrEqual(4_500);
    expect(r.quitMs).toBeLessThan(9_000);
    expect(r.lockReleased).toBe(true);
  });
});

describe('the Electron shell on a data folder another Homebeat holds', () => {
  it('says who holds it and exits without starting an engine', () => {
    const r = drive('drive-locked.mjs', {}, (userData) =>
      writeFileSync(
        join(userData, 'homebeat.lock'),
        JSON.stringify({ pid: process.pid, app: 'serve', since: '2026-01-01T00:00:00.000Z' }),
      ),
    );
    expect(r.exit).toBe(1);
    expect(r.trays).toBe(0);
    expect(r.windows).toBe(0);
    expect(r.errorBoxes).toEqual([
      {
        title: 'Homebeat cannot start',
        content: expect.stringMatching(
          new RegExp(
            `in use by another Homebeat: the serve \\(pid ${process.pid}, since 2026-01-01`,
          ),
        ),
      },
    ]);
  }, 120_000);
});
