import { existsSync, readFileSync } from 'node:fs';
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
