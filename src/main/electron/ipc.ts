import type { EventBatch } from '../../shared/contract/index.js';
import type { Result } from '../../shared/result.js';
import { IPC_EVENTS, IPC_REQUEST } from '../../shared/ipc.js';

/** The parts of Electron's ipcMain and event the checked handler needs (faked in tests). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}
export interface IpcEventLike {
  senderFrame: { url: string } | null;
  sender: { id: number };
}

export interface CheckedIpcOptions {
  ipcMain: IpcMainLike;
  /** The engine's validating dispatcher: checks the method name and the input's zod schema. */
  request(method: unknown, input: unknown): Promise<Result<unknown>>;
  /** URLs our own windows load (file:// of the built renderer, or the dev server). */
  isTrustedUrl(url: string): boolean;
  onRejected?(reason: string, url: string): void;
}

/**
 * The one IPC entry point: every renderer call passes through here. The sender's frame must be one
 * of our own pages before anything else happens; the engine then validates method and input.
 */
export function registerCheckedIpc(o: CheckedIpcOptions): () => void {
  o.ipcMain.handle(IPC_REQUEST, async (event, method, input) => {
    const url = event.senderFrame?.url ?? '';
    if (!o.isTrustedUrl(url)) {
      o.onRejected?.('untrusted sender', url);
      return { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } };
    }
    return o.request(method, input);
  });
  return () => o.ipcMain.removeHandler(IPC_REQUEST);
}

/** The part of a BrowserWindow that events are sent through (faked in tests). */
export interface EventTargetWindow {
  webContents: { isDestroyed(): boolean; send(channel: string, ...args: unknown[]): void };
}

/** Sends one batch of engine events to the window's page; a closed page gets nothing. */
export function sendEvents(win: EventTargetWindow | null, batch: EventBatch): void {
  if (win && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENTS, batch);
}

/** Trusted: the packaged renderer's index.html, or the dev server's origin in development. */
export function trustedUrlPredicate(
  rendererFile: string,
  devServerUrl?: string,
): (url: string) => boolean {
  const fileUrl = new URL(
    `file://${rendererFile.startsWith('/') ? '' : '/'}${rendererFile.replace(/\\/g, '/')}`,
  );
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
  return (raw) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return false;
    }
    if (u.protocol === 'file:') return u.pathname === fileUrl.pathname;
    return devOrigin !== null && u.origin === devOrigin;
  };
}
