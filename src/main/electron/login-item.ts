import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Electron's app login-item calls (macOS and Windows), injected so the logic runs in Node tests. */
export interface LoginItemApp {
  setLoginItemSettings(s: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  getLoginItemSettings(o?: { args?: string[] }): { openAtLogin: boolean };
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: LoginItemApp;
  /** The command that starts the app (process.execPath, or the AppImage path when set). */
  exec: string;
  /** ~/.config/autostart on Linux (XDG_CONFIG_HOME respected by the caller). */
  autostartDir: string;
  name?: string;
}

export const HIDDEN_ARG = '--hidden';

/**
 * Start at login: the OS's own mechanism on macOS and Windows, an XDG autostart entry on Linux.
 * Either way the app starts hidden in the tray.
 */
export class LoginItem {
  constructor(private readonly o: LoginItemOptions) {}

  private get desktopFile(): string {
    return join(this.o.autostartDir, 'homebeat.desktop');
  }

  isEnabled(): boolean {
    if (this.o.platform === 'linux') return existsSync(this.desktopFile);
    return this.o.app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
  }

  /**
   * Makes the OS follow the stored setting; at start the setting wins over whatever the OS has
   * (an entry removed by hand, a setting restored from another machine). True if it changed.
   */
  reconcile(wanted: boolean): boolean {
    if (this.isEnabled() === wanted) return false;
    this.set(wanted);
    return true;
  }

  set(enabled: boolean): void {
    if (this.o.platform === 'linux') {
      if (!enabled) {
        rmSync(this.desktopFile, { force: true });
        return;
      }
      mkdirSync(this.o.autostartDir, { recursive: true });
      writeFileSync(this.desktopFile, desktopEntry(this.o.exec, this.o.name ?? 'Homebeat'));
      return;
    }
    this.o.app.setLoginItemSettings({
      openAtLogin: enabled,
      openAsHidden: true,
      args: [HIDDEN_ARG],
    });
  }
}

/** Quotes an Exec argument per the Desktop Entry specification. */
function quoteExec(arg: string): string {
  if (!/[\s"'\\$`]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function desktopEntry(exec: string, name: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=Keeps wearables and the smart home in sync',
    `Exec=${quoteExec(exec)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
