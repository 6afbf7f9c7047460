import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Homebeat keeps its data when no --data-dir is given: the same folder Electron's
 * app.getPath('userData') gives the desktop app, so desktop and serve share one history.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.HOMEBEAT_DATA_DIR) return env.HOMEBEAT_DATA_DIR;
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Homebeat');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Homebeat');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Homebeat');
}

/**
 * HOMEBEAT_SIMULATE: '1' always simulates, 'auto' simulates while nothing is configured (no
 * settings yet, or no MQTT broker set), anything else never.
 */
export function wantsSimulation(env: string | undefined, dataDir: string): boolean {
  if (env === '1' || env === 'true') return true;
  if (env !== 'auto') return false;
  const file = join(dataDir, 'settings.json');
  if (!existsSync(file)) return true;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      settings?: { mqtt?: { host?: string } };
    };
    return !stored.settings?.mqtt?.host;
  } catch {
    return false;
  }
}

/** Owner only: the folder holds the history, the settings, the secrets and the logs. */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** The umask the hosts run with, so every file they create (SQLite's included) is owner-only. */
export const HOST_UMASK = 0o077;

/**
 * Creates the data folder (and the given subfolders) owner-only, and takes group and other access
 * away from what an earlier release left readable there (files written under a umask of 022).
 * Only the folder's own files and the subfolders' files are touched, never what symlinks point to.
 */
export function secureDataDir(dataDir: string, subdirs: string[] = []): void {
  for (const dir of [dataDir, ...subdirs]) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    tighten(dir, DIR_MODE);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        const st = lstatSync(file);
        if (st.isFile()) tighten(file, FILE_MODE, st.mode);
      } catch {
        // Gone meanwhile, or not ours to change: nothing to tighten.
      }
    }
  }
}

function tighten(path: string, mode: number, current?: number): void {
  try {
    const m = current ?? lstatSync(path).mode;
    if ((m & 0o077) !== 0) chmodSync(path, m & mode & 0o777);
  } catch {
    // A folder we cannot chmod (another owner, a read-only mount) is used as it is.
  }
}
