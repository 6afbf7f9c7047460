import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema } from '../../shared/settings.js';
import { firstIssue, migrateSettings } from '../engine/settings-service.js';
import { CONF_OPTIONS, type ConfLike } from '../engine/store-settings.js';

/**
 * serve's settings file: `settings.json` in the data folder, `{ "settings": { ... } }` written the
 * way conf writes it (tab-indented, replaced atomically), so a data folder moves between the
 * desktop app (electron-store, which is conf) and serve unchanged.
 *
 * Why not conf here: conf brings ajv and compiles the settings' JSON Schema into code at start,
 * about 11 MB of resident memory in an idle `homebeat serve` (measured: 93-96 MB with conf,
 * 83-85 MB without). The checks stay: a file that is not JSON, or whose settings do not match the
 * schema, throws when opened (openSettingsStore then moves it aside with the reason), and a value
 * that does not match is refused before anything is written.
 */
export class SettingsFile implements ConfLike {
  readonly path: string;
  private data: Record<string, unknown>;

  constructor(dir: string, name: string = CONF_OPTIONS.configName) {
    this.path = join(dir, `${name}.json`);
    this.data = existsSync(this.path) ? parseStore(readFileSync(this.path, 'utf8')) : {};
  }

  get(key: 'settings'): unknown {
    return this.data[key];
  }

  set(key: 'settings', value: unknown): void {
    check(value);
    const next = { ...this.data, [key]: value };
    mkdirSync(join(this.path, '..'), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, undefined, '\t'));
    renameSync(tmp, this.path);
    this.data = next;
  }
}

function parseStore(text: string): Record<string, unknown> {
  const store = JSON.parse(text) as unknown;
  if (typeof store !== 'object' || store === null || Array.isArray(store))
    throw new Error('the settings file does not hold a JSON object');
  const s = store as Record<string, unknown>;
  if (s.settings !== undefined) check(s.settings);
  return s;
}

function check(value: unknown): void {
  const parsed = settingsSchema.safeParse(migrateSettings(value));
  if (parsed.success) return;
  const { field, message } = firstIssue(parsed.error);
  throw new Error(`settings${field ? `.${field}` : ''}: ${message}`);
}
