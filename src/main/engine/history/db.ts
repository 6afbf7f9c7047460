import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from '../logging.js';
import { MIGRATIONS } from './migrations.js';

export interface OpenOptions {
  /** Full path of the database file. */
  file: string;
  log: Logger;
  /** Used in the name a corrupt file is moved aside to. */
  now: () => number;
  /** Run PRAGMA quick_check at open (default true): a damaged file is found at start, not mid-sync. */
  check?: boolean;
}

export interface OpenResult {
  db: Database.Database;
  /** Set when a corrupt file was found and moved aside (the path it was moved to). */
  movedAside?: string;
}

/** SQLite result codes that mean the file itself is damaged or not a database. */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX']);

class CorruptDatabase extends Error {}

/**
 * Opens (creating if needed) a Homebeat database, the one way any file gets its schema (see
 * migrations.ts): WAL, synchronous=NORMAL (a process crash loses nothing committed; a power cut
 * may lose the last transactions but never corrupts), incremental auto-vacuum, then the
 * migrations. A corrupt file is moved aside with its WAL/SHM and a fresh one created: the user's
 * data is kept for recovery, never silently deleted.
 */
export function openDatabase(opts: OpenOptions): OpenResult {
  try {
    return { db: openChecked(opts) };
  } catch (err) {
    if (!(err instanceof CorruptDatabase) && !CORRUPT_CODES.has(codeOf(err))) throw err;
    const movedAside = moveAside(opts.file, opts.now());
    opts.log.error('history database is corrupt: moved aside, starting a fresh one', {
      file: opts.file,
      movedTo: movedAside,
      reason: err instanceof Error ? err.message : String(err),
    });
    return { db: openChecked(opts), movedAside };
  }
}

function openChecked(opts: OpenOptions): Database.Database {
  if (opts.check !== false && existsSync(opts.file)) checkReadOnly(opts.file);
  const db = new Database(opts.file);
  try {
    // auto_vacuum only takes effect before the first table exists, so set it before anything else.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, opts.log);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Checks an existing file through a read-only connection first: a read-write connection that
 * fails may checkpoint or delete the WAL on close, and the WAL of a damaged database may hold the
 * newest data worth recovering, so nothing writes to it before it is known to be sound.
 */
function checkReadOnly(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length) throw new CorruptDatabase(problems.slice(0, 5).join('; '));
  } finally {
    db.close();
  }
}

/** Applies every migration past PRAGMA user_version, each in its own transaction. */
export function migrate(db: Database.Database, log: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    // Written by a newer Homebeat: refuse rather than guess at a schema we do not know.
    throw new Error(
      `history database schema v${current} is newer than this build supports (v${MIGRATIONS.length})`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
    log.info('history schema migrated', { to: v + 1 });
  }
}

function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}
