/**
 * The shell's start and stop decisions, apart from Electron so they run in Node tests: whether
 * the window shows at start, which renderer URL may be loaded, which permissions a page gets,
 * and quitting within a time limit.
 */

/** How long Quit waits for the engine to stop before the process exits anyway. */
export const QUIT_LIMIT_MS = 5_000;

export interface QuitOptions {
  /** Stops the engine (and whatever else must close cleanly). */
  dispose(): Promise<void>;
  exit(code: number): void;
  log: { error(msg: string, detail?: Record<string, unknown>): void };
  limitMs?: number;
}

/**
 * Disposes, then exits: 0 when everything stopped, 1 when the limit passed first. A dispose that
 * hangs must not leave an invisible process holding the single-instance and data-folder locks.
 */
export async function quitWithin(o: QuitOptions): Promise<number> {
  const limit = o.limitMs ?? QUIT_LIMIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limit);
  });
  const stopped = o.dispose().then(
    () => 'stopped' as const,
    (err: unknown) => {
      o.log.error('the engine failed to stop', { error: String(err) });
      return 'stopped' as const;
    },
  );
  const outcome = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  const code = outcome === 'stopped' ? 0 : 1;
  if (code) o.log.error(`the engine did not stop within ${limit} ms; exiting anyway`);
  o.exit(code);
  return code;
}

/**
 * Whether the window stays hidden at start: the "Start hidden in the tray" setting decides,
 * except on the very first start (nothing stored yet), which always shows the dashboard so a
 * new user sees what started. A second launch or a click on the tray shows it any time.
 */
export function startsHidden(o: { startHidden: boolean; firstRun: boolean }): boolean {
  return o.startHidden && !o.firstRun;
}

/**
 * The renderer dev server's URL (electron-vite sets ELECTRON_RENDERER_URL in development). Never
 * in a packaged app, where that variable would let whoever sets it choose a page that the IPC
 * handler then trusts; and only an http URL on this machine.
 */
export function devRendererUrl(url: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !url) return undefined;
  try {
    const u = new URL(url);
    const loopback =
      u.hostname === 'localhost' || /^127\./.test(u.hostname) || u.hostname === '[::1]';
    return u.protocol === 'http:' && loopback ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The one permission the dashboard uses; every other request or check is denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

export const permissionAllowed = (permission: string): boolean =>
  ALLOWED_PERMISSIONS.has(permission);
