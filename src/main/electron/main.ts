import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  safeStorage,
  session,
  Tray,
} from 'electron';
import ElectronStore from 'electron-store';
import { CSP } from '../serve/static.js';
import type { NotificationPayload } from '../../shared/contract/index.js';
import { wantsSimulation } from '../engine/data-dir.js';
import { defaultComposition } from '../engine/compose.js';
import { Engine } from '../engine/engine.js';
import { demoComposition } from '../demo/compose.js';
import { installGlobalHandlers } from '../engine/global-handlers.js';
import { Logging } from '../engine/logging.js';
import { nodePaths } from '../engine/node-ports.js';
import { systemClock } from '../engine/ports.js';
import {
  CONF_OPTIONS,
  ConfSettingsStore,
  confSchema,
  openSettingsStore,
} from '../engine/store-settings.js';
import { registerCheckedIpc, sendEvents, trustedUrlPredicate } from './ipc.js';
import { HIDDEN_ARG, LoginItem } from './login-item.js';
import { electronPowerEvents, SafeStorageSecretStore } from './ports.js';
import { TrayService } from './tray.js';
import { WindowManager } from './window.js';

/**
 * The Electron shell: lifecycle, single instance, tray, window, notifications, login item. All
 * syncing happens in the engine; this file only connects it to the desktop.
 */
/** out/main, where this file is built to. */
const here = dirname(fileURLToPath(import.meta.url));
const startHidden = process.argv.includes(HIDDEN_ARG);

// Tests and portable setups point the app at another data folder (before anything reads it).
if (process.env.HOMEBEAT_USER_DATA) app.setPath('userData', process.env.HOMEBEAT_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void boot();
}

async function boot(): Promise<void> {
  const paths = nodePaths(app.getPath('userData'));
  const simulate =
    process.argv.includes('--simulate') ||
    wantsSimulation(process.env.HOMEBEAT_SIMULATE, paths.dataDir);
  const logging = new Logging({ dir: paths.logsDir });
  const log = logging.logger('shell');
  installGlobalHandlers(logging.logger('process'));

  // A second launch focuses this one; it may arrive before the window manager exists.
  let focusRequested = false;
  app.on('second-instance', () => {
    if (windowManager) void windowManager.show();
    else focusRequested = true;
  });
  let windowManager: WindowManager | null = null;
  // Closing the last window leaves the engine syncing in the tray; only Quit stops it.
  app.on('window-all-closed', () => {});
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev) => ev.preventDefault());
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    // The dashboard links nowhere outside itself: no new windows, no external handlers.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('render-process-gone', (_e, _wc, details) =>
    log.error('dashboard renderer gone', { reason: details.reason, exitCode: details.exitCode }),
  );
  app.on('child-process-gone', (_e, details) =>
    log.error('child process gone', { type: details.type, reason: details.reason }),
  );

  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, cb) =>
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) =>
    cb(permission === 'notifications'),
  );

  const store = openSettingsStore(
    () => new ElectronStore({ cwd: paths.dataDir, ...CONF_OPTIONS, schema: confSchema() as never }),
    join(paths.dataDir, 'settings.json'),
    logging.logger('settings'),
  );
  const engine = new Engine({
    ports: {
      notifier: { notify: (n) => showNotification(n) },
      settings: new ConfSettingsStore(store as never),
      secrets: new SafeStorageSecretStore(join(paths.dataDir, 'secrets.json'), safeStorage),
      paths,
      power: electronPowerEvents(powerMonitor),
      clock: systemClock,
    },
    compose: simulate ? demoComposition() : defaultComposition(),
    logging,
  });

  const rendererFile = join(here, '../renderer/index.html');
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const windows = (windowManager = new WindowManager({
    // Written out here, not spread from elsewhere, so Electronegativity can check every option.
    create: (o) =>
      new BrowserWindow({
        ...o,
        icon: join(here, '../../assets/icon.png'),
        webPreferences: {
          // Electronegativity PRELOAD_JS_CHECK (reviewed): the preload is bundled, runs sandboxed and
          // exposes only the contract's named functions via contextBridge, never ipcRenderer.
          preload: join(here, '../preload/index.cjs'),
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          experimentalFeatures: false,
          webviewTag: false,
          navigateOnDragDrop: false,
          disableBlinkFeatures: 'Auxclick',
          spellcheck: false,
        },
      }),
    load: (win) => (devUrl ? win.loadURL(devUrl) : win.loadFile(rendererFile)),
    navigate: (route) => engine.navigate(route),
  }));

  let offEvents: (() => void) | null = null;
  registerCheckedIpc({
    ipcMain,
    request: (m, i) => engine.handle(m, i),
    isTrustedUrl: trustedUrlPredicate(rendererFile, devUrl),
    onRejected: (reason, url) => log.warn('IPC call refused', { reason, url }),
  });
  offEvents = engine.subscribe((batch) => sendEvents(windows.current, batch));

  const loginItem = new LoginItem({
    platform: process.platform,
    app,
    exec: process.env.APPIMAGE ?? process.execPath,
    autostartDir: join(
      process.env.XDG_CONFIG_HOME ?? join(app.getPath('home'), '.config'),
      'autostart',
    ),
  });

  const shown = new Set<Notification>();
  function showNotification(n: NotificationPayload): void {
    if (!engine.settings.get().general.notifications || !Notification.isSupported()) return;
    const note = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.urgency,
      icon: join(here, '../../assets/icon.png'),
    });
    // Held until it is clicked or closed: a collected Notification loses its click handler.
    shown.add(note);
    note.on('click', () => {
      shown.delete(note);
      void windows.show(n.target);
    });
    note.on('close', () => shown.delete(note));
    note.show();
  }

  const tray = new TrayService({
    createTray: (icon) => {
      const t = new Tray(nativeImage.createFromPath(icon));
      return {
        setImage: (p) => t.setImage(nativeImage.createFromPath(p)),
        setToolTip: (s) => t.setToolTip(s),
        setContextMenu: (items) => t.setContextMenu(Menu.buildFromTemplate(items)),
        onClick: (l) => void t.on('click', l),
        destroy: () => t.destroy(),
      };
    },
    iconPath: (name) => join(here, `../../assets/tray-${name}.png`),
    status: () => engine.status(),
    onStatus: (l) => engine.subscribe((b) => b.status && l(b.status)),
    startAtLogin: () => loginItem.isEnabled(),
    now: () => Date.now(),
    actions: {
      openDashboard: () => void windows.show(),
      syncNow: () => void engine.syncNow(),
      setPaused: (p) => engine.setPaused(p),
      setStartAtLogin: (on) =>
        void engine.request('updateSettings', { general: { startAtLogin: on } }),
      quit: () => app.quit(),
    },
  });

  // The dashboard's "Start at login" and the tray's checkbox are one setting; the OS follows it.
  engine.settings.onChange((next, prev) => {
    if (next.general.startAtLogin === prev.general.startAtLogin) return;
    try {
      loginItem.set(next.general.startAtLogin);
    } catch (err) {
      log.error('start at login could not be changed', { error: String(err) });
    }
    tray.refresh();
  });

  let quitting = false;
  app.on('before-quit', (ev) => {
    if (quitting) return;
    ev.preventDefault();
    quitting = true;
    tray.dispose();
    offEvents?.();
    void engine.dispose().finally(() => app.exit(0));
  });
  app.on('activate', () => void windows.show());

  await engine.start();
  tray.start();
  if (process.env.HOMEBEAT_TEST_HOOKS === '1') {
    // Lets the Playwright _electron tests look at the tray and engine from the main process.
    Object.assign(globalThis, { __homebeat: { engine, windows, tray, loginItem } });
  }
  if (!startHidden || focusRequested) await windows.show();
}
