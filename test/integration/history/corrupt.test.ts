import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../../src/main/engine/history/history-service.js';
import { countRows, historyEngine, reading, T0 } from './support.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function startAndCheck(): Promise<string> {
  const t = await historyEngine({ dir });
  try {
    // A fresh, working database took its place.
    expect(countRows(t.history)).toBe(0);
    expect(t.history.commitRecords([reading(T0, 60)])).toBe(1);
    const aside = readdirSync(dir).filter((f) => f.startsWith(`${DB_FILE}.corrupt-`));
    expect(aside.length).toBeGreaterThanOrEqual(1);
    const logged = t.engine.logging.entries({ limit: 100, level: 'error', module: 'history' });
    expect(logged.map((e) => e.msg)).toContain(
      'history database is corrupt: moved aside, starting a fresh one',
    );
    expect(logged[0]?.detail?.movedTo).toBe(
      join(
        dir,
        aside.find((f) => !/-(wal|shm)$/.test(f))!,
      ),
    );
    return aside.find((f) => !/-(wal|shm)$/.test(f))!;
  } finally {
    await t.engine.dispose();
  }
}

describe('history: a corrupt database at start', () => {
  it('moves a file that is not a database aside, keeping its bytes, and starts fresh', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homebeat-corrupt-'));
    const garbage = Buffer.from('this is not an SQLite database, just some bytes '.repeat(200));
    writeFileSync(join(dir, DB_FILE), garbage);
    writeFileSync(join(dir, `${DB_FILE}-wal`), 'stale wal');
    const aside = await startAndCheck();
    expect(readFileSync(join(dir, aside)).equals(garbage)).toBe(true);
    expect(readFileSync(join(dir, `${aside}-wal`), 'utf8')).toBe('stale wal');
  });

  it('moves aside a database whose pages are damaged (found by quick_check)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homebeat-corrupt-'));
    const t = await historyEngine({ dir });
    const rows = Array.from({ length: 20_000 }, (_, i) => reading(T0 + i * 1000, i % 100));
    t.history.commitRecords(rows);
    await t.engine.dispose();
    // Scribble over the middle of the file (B-tree pages), leaving the header intact.
    const file = join(dir, DB_FILE);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096 * 3);
    closeSync(fd);
    const aside = await startAndCheck();
    expect(existsSync(join(dir, aside))).toBe(true);
  });
});

describe('history: a database from a newer Homebeat', () => {
  it('is left untouched; the engine runs on and history requests say unavailable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'homebeat-newer-'));
    const file = join(dir, DB_FILE);
    const db = new Database(file);
    db.exec('CREATE TABLE future (x)');
    db.pragma('user_version = 99');
    db.close();
    const t = await historyEngine({ dir });
    try {
      expect(t.engine.status().state).toBe('running');
      const errors = t.engine.logging.entries({ limit: 20, level: 'error' });
      expect(
        errors.find((e) => e.msg === 'service history failed to start')?.detail?.error,
      ).toMatch(/schema v99 is newer/);
      expect(t.history.db).toBeUndefined();
      const res = await t.engine.request('queryLatest', { deviceId: 'x' });
      expect(res).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    } finally {
      await t.engine.dispose();
    }
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(99);
    again.close();
  });
});
