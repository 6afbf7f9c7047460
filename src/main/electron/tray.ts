import type { EngineStatus } from '../../shared/contract/index.js';
import {
  buildTrayMenu,
  trayIconName,
  trayTooltip,
  type TrayActions,
  type TrayMenuItem,
} from './tray-menu.js';

/** What the tray service needs of Electron's Tray (a small fake in tests). */
export interface TrayLike {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  setContextMenu(items: TrayMenuItem[]): void;
  onClick(listener: () => void): void;
  destroy(): void;
}

export interface TrayServiceOptions {
  createTray(iconPath: string): TrayLike;
  iconPath(name: ReturnType<typeof trayIconName>): string;
  status(): EngineStatus;
  onStatus(listener: (s: EngineStatus) => void): () => void;
  startAtLogin(): boolean;
  /** A warning shown in the menu and tooltip while it is set. */
  warning?(): string | undefined;
  actions: TrayActions;
  now(): number;
  /** Refresh period for "Last sync N min ago". */
  refreshMs?: number;
}

/**
 * The tray icon, tooltip and menu, rebuilt from engine state only when what they show changes.
 */
export class TrayService {
  private tray: TrayLike | null = null;
  private off: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private shown = { icon: '', tooltip: '', menu: '' };
  /** The items last given to the tray (tests read them). */
  lastMenu: TrayMenuItem[] = [];

  constructor(private readonly o: TrayServiceOptions) {}

  start(): void {
    const status = this.o.status();
    this.tray = this.o.createTray(this.o.iconPath(trayIconName(status)));
    this.tray.onClick(() => this.o.actions.openDashboard());
    this.off = this.o.onStatus(() => this.refresh());
    this.timer = setInterval(() => this.refresh(), this.o.refreshMs ?? 30_000);
    this.timer.unref();
    this.refresh();
  }

  refresh(): void {
    const tray = this.tray;
    if (!tray) return;
    const status = this.o.status();
    const view = {
      status,
      startAtLogin: this.o.startAtLogin(),
      now: this.o.now(),
      warning: this.o.warning?.(),
    };
    const icon = this.o.iconPath(trayIconName(status));
    if (icon !== this.shown.icon) tray.setImage(icon);
    const tooltip = trayTooltip(view);
    if (tooltip !== this.shown.tooltip) tray.setToolTip(tooltip);
    const items = buildTrayMenu(view, this.o.actions);
    const menuKey = JSON.stringify(items.map(({ click: _c, ...rest }) => rest));
    if (menuKey !== this.shown.menu) {
      tray.setContextMenu(items);
      this.lastMenu = items;
    }
    this.shown = { icon, tooltip, menu: menuKey };
  }

  dispose(): void {
    this.off?.();
    if (this.timer) clearInterval(this.timer);
    this.tray?.destroy();
    this.tray = null;
  }
}
