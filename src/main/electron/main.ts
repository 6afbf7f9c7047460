import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import {
  app,
  BrowserWindow,
  dialog,
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
import { HOST_UMASK, wantsSimulation } from '../engine/data-dir.js';
import { defaultComposition } from '../engine/compose.js';
import { Engine } from '../engine/engine.js';
import { demoComposition } from '../demo/compose.js';
import { installGlobalHandlers } from '../engine/global-handlers.js';
import { InstanceLock } from '../engine/instance-lock.js';
import { Logging } from '../engine/logging.js';
import { nodePaths } from '../engine/node-ports.js';
import { systemClock } from '../engine/ports.js';
import {
  adoptLegacySettings,
  CONF_OPTIONS,
  ConfSettingsStore,
  confSchema,
  openSettingsStore,
} from '../engine/store-settings.js';
import { registerCheckedIpc, sendEvents, trustedUrlPredicate } from './ipc.js';
import { devRendererUrl, permissionAllowed, quitWithin, startsHidden } from './lifecycle.js';
import { LoginItem } from './login-item.js';
import { NotificationCenter } from './notifications.js';
import { chooseSecretStore, electronPowerEvents } from './ports.js';
import { TrayService } from './tray.js';
import { WindowManager } from './window.js';

/**
 * The Electron shell: lifecycle, single instance, tray, window, notifications, login item. All
 * syncing happens in the engine; this file only connects it to the desktop.
 */
/** out/main, where this file is built to. */
const here = dirname(fileURLToPath(import.meta.url));
// Everything the app creates in its data folder (database, WAL, settings, logs) is owner-only.
process.umask(HOST_UMASK);

// Tests and portable setups point the app at another data folder (before anything reads it).
if (process.env.HOMEBEAT_USER_DATA) app.setPath('userData', process.env.HOMEBEAT_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void boot();
}

async function boot(): Promise<void> {
  const paths = nodePaths(app.getPath('userData'));
  // One engine per data folder: `homebeat serve` on the same folder would fight over the
  // database and the broker client id. The second one says who holds the folder, and stops.
  let lock: InstanceLock;
  try {
    lock = InstanceLock.acquire(join(paths.dataDir, 'homebeat.lock'), 'desktop app');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`Homebeat: ${message}`);
    dialog.showErrorBox('Homebeat cannot start', message);
    app.exit(1);
    return;
  }
  // Earlier releases of the app wrote config.json (electron-store's default name).
  adoptLegacySettings(paths.dataDir);
  const firstRun = !existsSync(join(paths.dataDir, 'settings.json'));
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
  // Notifications are the one permission the dashboard uses; every other request, check and
  // device (HID, serial, USB) access is denied.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) =>
    cb(permissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) =>
    permissionAllowed(permission),
  );
  session.defaultSession.setDevicePermissionHandler(() => false);

  const store = openSettingsStore(
    () =>
      new ElectronStore({
        cwd: paths.dataDir,
        ...CONF_OPTIONS,
        // electron-store names the file by `name` (default "config"), not conf's configName.
        name: CONF_OPTIONS.configName,
        schema: confSchema() as never,
      }),
    join(paths.dataDir, 'settings.json'),
    logging.logger('settings'),
  );
  const secrets = chooseSecretStore({ platform: process.platform, safe: safeStorage, ...paths });
  if (secrets.warning) log.warn(secrets.warning);
  const engine = new Engine({
    ports: {
      notifier: { notify: (n) => notifications.show(n) },
      settings: new ConfSettingsStore(store as never),
      secrets: secrets.store,
      paths,
      power: electronPowerEvents(powerMonitor),
      clock: systemClock,
    },
    compose: simulate ? demoComposition() : defaultComposition(),
    logging,
  });

  const rendererFile = join(here, '../renderer/index.html');
  // Never in a packaged app: the IPC handler trusts this origin.
  const devUrl = devRendererUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged);
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
    // A route rides in the hash: the page's router reads it as it starts, nothing to miss.
    load: (win, route) =>
      devUrl
        ? win.loadURL(route ? `${devUrl}#${route}` : devUrl)
        : win.loadFile(rendererFile, route ? { hash: route } : undefined),
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

  const notifications = new NotificationCenter({
    create: (n) =>
      new Notification({
        title: n.title,
        body: n.body,
        urgency: n.urgency,
        icon: join(here, '../../assets/icon.png'),
      }),
    isSupported: () => Notification.isSupported(),
    enabled: () => engine.settings.get().general.notifications,
    onClick: (target) => void windows.show(target),
  });

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
    // The checkbox shows the stored setting, which the OS entry follows (see below).
    startAtLogin: () => engine.settings.get().general.startAtLogin,
    warning: () => secrets.warning,
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
    notifications.dispose();
    offEvents?.();
    // Bounded: a hung engine must not leave an invisible process holding both locks.
    void quitWithin({
      dispose: () => engine.dispose(),
      exit: (code) => {
        lock.release();
        app.exit(code);
      },
      log,
    });
  });
  app.on('activate', () => void windows.show());

  // The stored setting decides; the OS entry follows it (written if it went missing).
  try {
    if (loginItem.reconcile(engine.settings.get().general.startAtLogin))
      log.info('start at login set to follow the setting');
  } catch (err) {
    log.error('start at login could not be changed', { error: String(err) });
  }
  await engine.start();
  tray.start();
  if (secrets.warning)
    notifications.show({
      id: 'secrets',
      title: 'Homebeat',
      body: secrets.warning,
      urgency: 'normal',
      target: '/settings',
      ts: Date.now(),
    });
  if (process.env.HOMEBEAT_TEST_HOOKS === '1') {
    // Lets the Playwright _electron tests look at the tray and engine from the main process.
    Object.assign(globalThis, { __homebeat: { engine, windows, tray, loginItem, notifications } });
  }
  const hidden = startsHidden({ startHidden: engine.settings.get().general.startHidden, firstRun });
  if (!hidden || focusRequested) await windows.show();
}
