import type { EngineStatus } from '../../shared/contract/index.js';
import { formatLastSync } from '../../shared/format.js';

/** A menu item as Electron's Menu.buildFromTemplate takes it (the subset the tray uses). */
export interface TrayMenuItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

export interface TrayActions {
  openDashboard(): void;
  syncNow(): void;
  setPaused(paused: boolean): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export interface TrayView {
  status: EngineStatus;
  startAtLogin: boolean;
  now: number;
  /** Something the user must know about the app itself (secrets kept unencrypted). */
  warning?: string;
}

/** The tray icon's name for the worst current state. */
export function trayIconName(status: EngineStatus): 'ok' | 'syncing' | 'attention' | 'paused' {
  if (status.state === 'paused') return 'paused';
  return status.health;
}

export function trayTooltip(v: TrayView): string {
  const s = v.status;
  const head =
    s.state === 'paused'
      ? 'Homebeat: syncing paused'
      : s.health === 'attention'
        ? `Homebeat: needs attention (${s.healthReasons[0] ?? 'see dashboard'})`
        : s.health === 'syncing'
          ? 'Homebeat: syncing'
          : 'Homebeat: all good';
  const tail = `${formatLastSync(v.now, s.lastSyncAt)} · ${s.deviceCount} devices`;
  return v.warning ? `${head}\n${tail}\n${v.warning}` : `${head}\n${tail}`;
}

/** The tray menu, built from engine state; pure so it is tested without Electron. */
export function buildTrayMenu(v: TrayView, a: TrayActions): TrayMenuItem[] {
  const paused = v.status.state === 'paused';
  return [
    { id: 'open', label: 'Open dashboard', click: a.openDashboard },
    { id: 'status', label: trayTooltip(v).split('\n')[0], enabled: false },
    { id: 'last-sync', label: formatLastSync(v.now, v.status.lastSyncAt), enabled: false },
    ...(v.warning
      ? [{ id: 'warning', label: `Warning: ${v.warning.split(':')[0]}`, enabled: false }]
      : []),
    { type: 'separator' },
    { id: 'sync', label: 'Sync now', enabled: !paused, click: a.syncNow },
    {
      id: 'pause',
      label: paused ? 'Resume syncing' : 'Pause syncing',
      click: () => a.setPaused(!paused),
    },
    {
      id: 'login',
      label: 'Start at login',
      type: 'checkbox',
      checked: v.startAtLogin,
      click: () => a.setStartAtLogin(!v.startAtLogin),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Homebeat', click: a.quit },
  ];
}
