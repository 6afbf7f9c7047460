import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Who holds a data folder's lock, as written in the lock file. */
export interface LockOwner {
  pid: number;
  /** 'desktop app' or 'serve'. */
  app: string;
  /** When it took the lock (ISO time). */
  since?: string;
  host?: string;
}

/** Thrown when another live process holds the lock; `owner` says which. */
export class LockHeldError extends Error {
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    super(
      `this data folder is in use by another Homebeat: the ${owner.app} (pid ${owner.pid}` +
        `${owner.since ? `, since ${owner.since}` : ''}). Quit it first, or use another ` +
        `data folder. (lock: ${file})`,
    );
  }
}

/**
 * One engine per data folder: the desktop app and `serve` would otherwise write the same database
 * and connect with one MQTT client id, kicking each other off the broker. The lock file says who
 * holds it (pid, which host, since when), so a second process can tell the user; a stale one (its
 * process gone) is taken over.
 */
export class InstanceLock {
  /** Locks this process holds: its own pid in a lock file is stale only when not among them. */
  private static readonly held = new Set<string>();

  private constructor(private readonly file: string) {
    InstanceLock.held.add(file);
  }

  static acquire(path: string, app = 'serve'): InstanceLock {
    const file = resolve(path);
    const me: LockOwner = {
      pid: process.pid,
      app,
      since: new Date().toISOString(),
      host: hostname(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return new InstanceLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = readOwner(file);
        const mine = owner?.pid === process.pid;
        if (owner && (mine ? InstanceLock.held.has(file) : isAlive(owner.pid))) {
          throw new LockHeldError(file, owner);
        }
        rmSync(file, { force: true });
      }
    }
    throw new Error(`could not take the lock ${file}`);
  }

  release(): void {
    if (!InstanceLock.held.delete(this.file)) return;
    rmSync(this.file, { force: true });
  }
}

/** The lock's owner; earlier releases wrote the pid alone. Null when unreadable (stale). */
export function readOwner(file: string): LockOwner | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text), app: 'serve' };
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return null;
    return {
      pid: o.pid,
      app: typeof o.app === 'string' ? o.app.slice(0, 40) : 'serve',
      since: typeof o.since === 'string' ? o.since.slice(0, 40) : undefined,
      host: typeof o.host === 'string' ? o.host.slice(0, 255) : undefined,
    };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
