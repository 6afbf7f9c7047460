import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { FileSecretStore } from '../engine/node-ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/contract/index.js';
import { IPC_EVENTS } from '../../shared/ipc.js';
import { registerCheckedIpc, sendEvents, trustedUrlPredicate, type IpcEventLike } from './ipc.js';
import { desktopEntry, HIDDEN_ARG, LoginItem } from './login-item.js';
import { SafeStorageSecretStore } from './ports.js';
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
    const wm = new WindowManager({
      create: () => {
        const w = new FakeWindow();
        created.push(w);
        return w as never;
      },
      load: async (w) => void (w as unknown as FakeWindow).emit('ready-to-show'),
      navigate: (r) => routes.push(r),
    });
    await wm.show('/device/a');
    await wm.show('/device/b');
    expect(created).toHaveLength(1);
    expect(routes).toEqual(['/device/a', '/device/b']);
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
