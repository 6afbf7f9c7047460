import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { FileSecretStore } from '../engine/node-ports.js';
import { adoptLegacySettings } from '../engine/store-settings.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { EngineStatus } from '../../shared/contract/index.js';
import { IPC_EVENTS } from '../../shared/ipc.js';
import { registerCheckedIpc, sendEvents, trustedUrlPredicate, type IpcEventLike } from './ipc.js';
import { desktopEntry, HIDDEN_ARG, LoginItem } from './login-item.js';
import {
  devRendererUrl,
  permissionAllowed,
  QUIT_LIMIT_MS,
  quitWithin,
  startsHidden,
} from './lifecycle.js';
import { NotificationCenter } from './notifications.js';
import { chooseSecretStore, PLAIN_SECRETS_FILE, SafeStorageSecretStore } from './ports.js';
import { TrayService, type TrayLike } from './tray.js';
import { buildTrayMenu, trayIconName, trayTooltip } from './tray-menu.js';
import { WindowManager } from './window.js';

const status = (over: Partial<EngineStatus> = {}): EngineStatus => ({
  version: '0.1.0',
  gatewayId: 'hb-1',
  state: 'running',
  health: 'ok',
  healthReasons: [],
  startedAt: 0,
  lastSyncAt: null,
  deviceCount: 3,
  simulated: true,
  dataDir: '/tmp/homebeat',
  ble: { adapter: 'idle', simulated: true, connected: 0, paired: 0 },
  mqtt: { state: 'connected', outboxPending: 0 },
  jobs: [],
  ...over,
});

const noop = () => {};
const actions = () => {
  const calls: string[] = [];
  return {
    calls,
    a: {
      openDashboard: () => calls.push('open'),
      syncNow: () => calls.push('sync'),
      setPaused: (p: boolean) => calls.push(`paused:${p}`),
      setStartAtLogin: (on: boolean) => calls.push(`login:${on}`),
      quit: () => calls.push('quit'),
    },
  };
};

describe('tray menu', () => {
  it('offers open, sync, pause, start at login and quit, driven by engine state', () => {
    const { calls, a } = actions();
    const now = 10 * 60_000;
    const items = buildTrayMenu(
      { status: status({ lastSyncAt: now - 3 * 60_000 }), startAtLogin: true, now },
      a,
    );
    const byId = Object.fromEntries(items.filter((i) => i.id).map((i) => [i.id, i]));
    expect(byId['last-sync'].label).toBe('Last sync 3 min ago');
    expect(byId.pause.label).toBe('Pause syncing');
    expect(byId.login).toMatchObject({ type: 'checkbox', checked: true });
    byId.open.click!();
    byId.sync.click!();
    byId.pause.click!();
    byId.login.click!();
    byId.quit.click!();
    expect(calls).toEqual(['open', 'sync', 'paused:true', 'login:false', 'quit']);
  });

  it('shows paused and attention states in icon, menu and tooltip', () => {
    const { calls, a } = actions();
    const paused = buildTrayMenu(
      { status: status({ state: 'paused' }), startAtLogin: false, now: 0 },
      a,
    );
    const pause = paused.find((i) => i.id === 'pause')!;
    expect(pause.label).toBe('Resume syncing');
    expect(paused.find((i) => i.id === 'sync')!.enabled).toBe(false);
    pause.click!();
    expect(calls).toEqual(['paused:false']);
    const bad = status({ health: 'attention', healthReasons: ['MQTT error: refused'] });
    expect(trayIconName(bad)).toBe('attention');
    expect(trayTooltip({ status: bad, startAtLogin: false, now: 0 })).toContain(
      'MQTT error: refused',
    );
    expect(trayIconName(status({ state: 'paused', health: 'attention' }))).toBe('paused');
  });

  it('updates the tray only when what it shows changed', () => {
    let current = status();
    const listeners: ((s: EngineStatus) => void)[] = [];
    const seen = { image: 0, tooltip: 0, menu: 0 };
    const fake: TrayLike = {
      setImage: () => seen.image++,
      setToolTip: () => seen.tooltip++,
      setContextMenu: () => seen.menu++,
      onClick: noop,
      destroy: noop,
    };
    const svc = new TrayService({
      createTray: () => fake,
      iconPath: (n) => `/icons/${n}.png`,
      status: () => current,
      onStatus: (l) => {
        listeners.push(l);
        return noop;
      },
      startAtLogin: () => false,
      actions: actions().a,
      now: () => 0,
    });
    svc.start();
    expect(seen).toEqual({ image: 1, tooltip: 1, menu: 1 });
    svc.refresh();
    expect(seen).toEqual({ image: 1, tooltip: 1, menu: 1 });
    current = status({ health: 'attention', healthReasons: ['x'] });
    listeners.forEach((l) => l(current));
    expect(seen.image).toBe(2);
    expect(seen.tooltip).toBe(2);
    svc.dispose();
  });
});

describe('login item', () => {
  it('writes and removes an XDG autostart entry on Linux that starts hidden', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hb-autostart-')), 'autostart');
    const app = {
      setLoginItemSettings: () => {
        throw new Error('not on linux');
      },
      getLoginItemSettings: () => ({ openAtLogin: false }),
    };
    const li = new LoginItem({
      platform: 'linux',
      app,
      exec: '/opt/Home Beat/homebeat',
      autostartDir: dir,
    });
    expect(li.isEnabled()).toBe(false);
    li.set(true);
    const text = readFileSync(join(dir, 'homebeat.desktop'), 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain(`Exec="/opt/Home Beat/homebeat" ${HIDDEN_ARG}`);
    expect(li.isEnabled()).toBe(true);
    li.set(false);
    expect(existsSync(join(dir, 'homebeat.desktop'))).toBe(false);
  });

  it('uses the OS login item with the hidden flag on macOS and Windows', () => {
    let stored = { openAtLogin: false };
    const app = {
      setLoginItemSettings: (s: { openAtLogin: boolean; args?: string[] }) => {
        expect(s.args).toEqual([HIDDEN_ARG]);
        stored = { openAtLogin: s.openAtLogin };
      },
      getLoginItemSettings: () => stored,
    };
    const li = new LoginItem({
      platform: 'win32',
      app,
      exec: 'C:\\Homebeat.exe',
      autostartDir: 'unused',
    });
    li.set(true);
    expect(li.isEnabled()).toBe(true);
  });

  it('escapes Exec per the desktop entry spec', () => {
    expect(desktopEntry('/usr/bin/home"beat', 'Homebeat')).toContain(
      'Exec="/usr/bin/home\\"beat" --hidden',
    );
  });
});

describe('checked IPC handler', () => {
  function setup() {
    const handlers = new Map<string, (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>>();
    const requests: unknown[][] = [];
    registerCheckedIpc({
      ipcMain: {
        handle: (c, l) => void handlers.set(c, l),
        removeHandler: (c) => void handlers.delete(c),
      },
      request: async (m, i) => {
        requests.push([m, i]);
        return { ok: true, value: 'done' };
      },
      isTrustedUrl: trustedUrlPredicate('/app/out/renderer/index.html', 'http://localhost:5173'),
    });
    const [handler] = [...handlers.values()];
    return { handler, requests };
  }

  it('passes calls from our own pages to the engine', async () => {
    const { handler, requests } = setup();
    const ev = {
      senderFrame: { url: 'file:///app/out/renderer/index.html#/device/x' },
      sender: { id: 1 },
    };
    expect(await handler(ev, 'getStatus', {})).toEqual({ ok: true, value: 'done' });
    const dev = { senderFrame: { url: 'http://localhost:5173/' }, sender: { id: 1 } };
    expect(await handler(dev, 'listDevices', {})).toEqual({ ok: true, value: 'done' });
    expect(requests).toEqual([
      ['getStatus', {}],
      ['listDevices', {}],
    ]);
  });

  it('refuses any other sender before the engine sees the call', async () => {
    const { handler, requests } = setup();
    for (const url of [
      'https://evil.example/',
      'file:///tmp/other.html',
      'http://localhost:9999/',
      '',
      'not a url',
    ]) {
      const r = await handler({ senderFrame: { url }, sender: { id: 2 } }, 'updateSettings', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await handler({ senderFrame: null, sender: { id: 3 } }, 'getStatus', {})).toMatchObject({
      ok: false,
    });
    expect(requests).toEqual([]);
  });

  it('sends engine events to a live page on the events channel, and none to a closed one', () => {
    const sent: unknown[][] = [];
    let destroyed = false;
    const win = {
      webContents: { isDestroyed: () => destroyed, send: (...a: unknown[]) => void sent.push(a) },
    };
    const batch = { navigate: { route: '/rules' } };
    sendEvents(win, batch);
    destroyed = true;
    sendEvents(win, batch);
    sendEvents(null, batch);
    expect(sent).toEqual([[IPC_EVENTS, batch]]);
  });
});

describe('window manager', () => {
  class FakeWindow extends EventEmitter {
    destroyed = false;
    shown = 0;
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    restore = noop;
    show = () => void this.shown++;
    focus = noop;
    destroy = () => {
      this.destroyed = true;
      this.emit('closed');
    };
  }

  it('keeps one window, recreates it after close, and routes to a target', async () => {
    const created: FakeWindow[] = [];
    const routes: string[] = [];
    const loads: (string | undefined)[] = [];
    const wm = new WindowManager({
      create: () => {
        const w = new FakeWindow();
        created.push(w);
        return w as never;
      },
      load: async (w, route) => {
        loads.push(route);
        (w as unknown as FakeWindow).emit('ready-to-show');
      },
      navigate: (r) => routes.push(r),
    });
    await wm.show('/device/a');
    await wm.show('/device/b');
    expect(created).toHaveLength(1);
    // A new window is loaded at its route (in the URL); an open one is told to navigate.
    expect(loads).toEqual(['/device/a']);
    expect(routes).toEqual(['/device/b']);
    // Closing destroys the window; nothing here stops the engine, and the next show makes a new one.
    created[0].destroy();
    expect(wm.current).toBeNull();
    await wm.show();
    expect(created).toHaveLength(2);
  });
});

describe('safeStorage secret store', () => {
  const fakeSafe = (available: boolean) => ({
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  });

  it('stores secrets encrypted, owner-only, and reads them back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hb-secrets-')), 'secrets.json');
    const store = new SafeStorageSecretStore(file, fakeSafe(true));
    store.set('mqtt:password', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new SafeStorageSecretStore(file, fakeSafe(true)).get('mqtt:password')).toBe('hunter2');
    store.delete('mqtt:password');
    expect(store.get('mqtt:password')).toBeUndefined();
  });

  it('refuses to store a secret in clear when the keychain is unavailable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hb-secrets-')), 'secrets.json');
    const store = new SafeStorageSecretStore(file, fakeSafe(false));
    expect(() => store.set('mqtt:password', 'x')).toThrow(/keychain/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('secret files', () => {
  it('moves an unreadable secret file aside instead of failing to start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-secrets-'));
    const file = join(dir, 'secrets.json');
    writeFileSync(file, '{not json');
    const store = new FileSecretStore(file);
    expect(store.get('mqtt:password')).toBeUndefined();
    store.set('mqtt:password', 'x');
    expect(new FileSecretStore(file).get('mqtt:password')).toBe('x');
    expect(readdirSync(dir).some((f) => f.startsWith('secrets.json.broken-'))).toBe(true);
  });
});

describe('notifications', () => {
  class FakeNote extends EventEmitter {
    shown = false;
    show = () => void (this.shown = true);
  }
  const payload = (target?: string) => ({
    id: 'n',
    title: 't',
    body: 'b',
    urgency: 'normal' as const,
    target,
    ts: 0,
  });
  function center(over: { enabled?: () => boolean; holdMs?: number } = {}) {
    const notes: FakeNote[] = [];
    const clicks: (string | undefined)[] = [];
    const c = new NotificationCenter({
      create: () => {
        const n = new FakeNote();
        notes.push(n);
        return n;
      },
      isSupported: () => true,
      enabled: over.enabled ?? (() => true),
      onClick: (t) => clicks.push(t),
      holdMs: over.holdMs,
    });
    return { c, notes, clicks };
  }

  it('holds a shown notification until it is clicked, closed or fails', () => {
    const { c, notes, clicks } = center();
    c.show(payload('/device/x'));
    c.show(payload());
    c.show(payload());
    expect(notes.every((n) => n.shown)).toBe(true);
    expect(c.size).toBe(3);
    notes[0].emit('click');
    expect(clicks).toEqual(['/device/x']);
    notes[1].emit('close');
    notes[2].emit('failed');
    expect(c.size).toBe(0);
  });

  it('lets go of a notification after the hold time when no event ever comes', () => {
    vi.useFakeTimers();
    try {
      const { c } = center({ holdMs: 1000 });
      c.show(payload());
      vi.advanceTimersByTime(999);
      expect(c.size).toBe(1);
      vi.advanceTimersByTime(1);
      expect(c.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows nothing when the user turned notifications off', () => {
    const { c, notes } = center({ enabled: () => false });
    c.show(payload());
    expect(notes).toHaveLength(0);
  });
});

describe('quitting', () => {
  const log = { error: () => {} };
  it('exits 0 once the engine stopped', async () => {
    const exits: number[] = [];
    await quitWithin({ dispose: async () => {}, exit: (c) => exits.push(c), log });
    expect(exits).toEqual([0]);
  });

  it('exits 1 after the limit when the engine never stops', async () => {
    vi.useFakeTimers();
    try {
      const exits: number[] = [];
      const done = quitWithin({
        dispose: () => new Promise(() => {}),
        exit: (c) => exits.push(c),
        log,
      });
      await vi.advanceTimersByTimeAsync(QUIT_LIMIT_MS - 1);
      expect(exits).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await done).toBe(1);
      expect(exits).toEqual([1]);
      expect(QUIT_LIMIT_MS).toBe(5000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('start decisions', () => {
  it('starts hidden as the setting says, except on the very first start', () => {
    expect(startsHidden({ startHidden: true, firstRun: false })).toBe(true);
    expect(startsHidden({ startHidden: false, firstRun: false })).toBe(false);
    expect(startsHidden({ startHidden: true, firstRun: true })).toBe(false);
  });

  it('loads the dev server only in development, and only from this machine', () => {
    expect(devRendererUrl('http://localhost:5173/', false)).toBe('http://localhost:5173/');
    expect(devRendererUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(devRendererUrl('http://localhost:5173/', true)).toBeUndefined();
    expect(devRendererUrl('https://evil.example/', false)).toBeUndefined();
    expect(devRendererUrl('file:///tmp/x.html', false)).toBeUndefined();
    expect(devRendererUrl(undefined, false)).toBeUndefined();
  });

  it('allows the notifications permission only', () => {
    expect(permissionAllowed('notifications')).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'hid', 'toString'])
      expect(permissionAllowed(p)).toBe(false);
  });

  it('reconciles the OS login item with the stored setting', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hb-autostart-')), 'autostart');
    const app = {
      setLoginItemSettings: noop,
      getLoginItemSettings: () => ({ openAtLogin: false }),
    };
    const li = new LoginItem({
      platform: 'linux',
      app,
      exec: '/usr/bin/homebeat',
      autostartDir: dir,
    });
    expect(li.reconcile(true)).toBe(true);
    expect(li.isEnabled()).toBe(true);
    expect(li.reconcile(true)).toBe(false);
    expect(li.reconcile(false)).toBe(true);
    expect(li.isEnabled()).toBe(false);
  });

  it('shows a warning in the tray menu and tooltip', () => {
    const { a } = actions();
    const v = {
      status: status(),
      startAtLogin: false,
      now: 0,
      warning: 'Secrets are stored unencrypted: x',
    };
    expect(buildTrayMenu(v, a).find((i) => i.id === 'warning')).toMatchObject({
      label: 'Warning: Secrets are stored unencrypted',
      enabled: false,
    });
    expect(trayTooltip(v)).toContain('Secrets are stored unencrypted: x');
  });
});

describe('the settings file', () => {
  it("takes over the app's config.json of earlier releases as settings.json", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-settings-'));
    writeFileSync(join(dir, 'config.json'), '{"settings":{}}');
    expect(adoptLegacySettings(dir)).toBe(true);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe('{"settings":{}}');
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    // With both (serve wrote settings.json), nothing moves.
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(adoptLegacySettings(dir)).toBe(false);
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  });
});

describe('choosing the secret store', () => {
  const fake = (backend: string, available = true) => ({
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
    getSelectedStorageBackend: () => backend,
  });

  it('encrypts with a keyring, and takes over secrets kept in clear before', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hb-secrets-'));
    writeFileSync(join(dataDir, PLAIN_SECRETS_FILE), JSON.stringify({ 'mqtt:password': 'old' }));
    const c = chooseSecretStore({ platform: 'linux', safe: fake('gnome_libsecret'), dataDir });
    expect(c.warning).toBeUndefined();
    expect(c.store.encrypted).toBe(true);
    expect(c.store.get('mqtt:password')).toBe('old');
    expect(existsSync(join(dataDir, PLAIN_SECRETS_FILE))).toBe(false);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).not.toContain('old');
  });

  it('on basic_text, warns and keeps secrets in an owner-only file, moving old ones there', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hb-secrets-'));
    const safe = fake('basic_text');
    new SafeStorageSecretStore(join(dataDir, 'secrets.json'), safe).set('mqtt:password', 'was');
    const c = chooseSecretStore({ platform: 'linux', safe, dataDir });
    expect(c.warning).toMatch(/^Secrets are stored unencrypted: .*basic_text/);
    expect(c.store.encrypted).toBe(false);
    expect(c.store.get('mqtt:password')).toBe('was');
    c.store.set('bthome:aa', 'key');
    const file = join(dataDir, PLAIN_SECRETS_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'mqtt:password': 'was',
      'bthome:aa': 'key',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({});
  });

  it('on macOS and Windows the keychain decides; without encryption it falls back with a warning', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hb-secrets-'));
    expect(chooseSecretStore({ platform: 'darwin', safe: fake('unknown'), dataDir }).warning).toBe(
      undefined,
    );
    expect(
      chooseSecretStore({ platform: 'win32', safe: fake('unknown', false), dataDir }).warning,
    ).toMatch(/no OS keychain is available/);
  });
});
