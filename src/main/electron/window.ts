import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export interface WindowManagerOptions {
  /** Creates the window; the caller sets the secure webPreferences (see main.ts). */
  create(opts: BrowserWindowConstructorOptions): BrowserWindow;
  /**
   * Loads the dashboard into a new window, at `route` when given (in the URL's hash, which the
   * page's router reads as it starts: nothing is sent before the page listens).
   */
  load(win: BrowserWindow, route?: string): Promise<void>;
  /** Tells an open dashboard to show a route (notification clicks). */
  navigate(route: string): void;
  onCreated?(win: BrowserWindow): void;
}

/**
 * At most one dashboard window. Closing it destroys it (freeing the renderer's memory); the
 * engine lives in the main process and keeps syncing.
 */
export class WindowManager {
  private win: BrowserWindow | null = null;

  constructor(private readonly o: WindowManagerOptions) {}

  get current(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  /** Shows the dashboard, creating the window when there is none; optionally at a route. */
  async show(route?: string): Promise<void> {
    const existing = this.current;
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      if (route) this.o.navigate(route);
      return;
    }
    const win = this.o.create({
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Homebeat',
      backgroundColor: '#00000000',
    });
    this.win = win;
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    this.o.onCreated?.(win);
    await this.o.load(win, route);
  }

  destroy(): void {
    this.current?.destroy();
    this.win = null;
  }
}
