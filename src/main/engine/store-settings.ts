import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { moveAside } from './node-ports.js';
import { settingsSchema, type Settings } from '../../shared/settings.js';
import type { SettingsStore } from './ports.js';

/** The subset of conf's API (and electron-store's, which extends conf) that settings need. */
export interface ConfLike {
  get(key: 'settings'): unknown;
  set(key: 'settings', value: unknown): void;
}

/**
 * conf's JSON Schema for the settings key, generated from the zod schema, so both hosts (conf in
 * serve, electron-store in the shell) validate against the one schema in src/shared/settings.ts.
 */
export function confSchema(): Record<string, unknown> {
  const json = z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  // Defaults belong to zod (SettingsService parses with them); ajv's strict mode rejects some.
  return { settings: stripDefaults(json) as Record<string, unknown> };
}

function stripDefaults(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDefaults);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (k !== 'default') out[k] = stripDefaults(val);
  return out;
}

export const CONF_OPTIONS = {
  configName: 'settings',
  // An invalid file is reported and kept, never cleared silently.
  clearInvalidConfig: false,
  accessPropertiesByDotNotation: false,
  // Owner-only, whatever the process umask (conf's default is 0o666).
  configFileMode: 0o600,
} as const;

export class ConfSettingsStore implements SettingsStore {
  constructor(private readonly conf: ConfLike) {}
  read(): unknown {
    return this.conf.get('settings');
  }
  write(settings: Settings): void {
    this.conf.set('settings', settings);
  }
}

/**
 * Opens the settings store; a file conf cannot read (broken JSON, schema violation) is moved
 * aside with the reason next to it and a fresh store is opened, so the app starts on defaults and
 * the user's file is kept for inspection.
 */
export function openSettingsStore<T extends ConfLike>(
  open: () => T,
  file: string,
  log: { error(msg: string, detail?: Record<string, unknown>): void },
): T {
  try {
    return open();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const aside = existsSync(file) ? moveAside(file, reason) : null;
    log.error('settings file could not be read; starting with defaults', {
      reason,
      movedTo: aside,
    });
    return open();
  }
}

/**
 * The desktop app once wrote its settings to config.json (electron-store's default name) while
 * serve wrote settings.json: the one data folder had two settings files. The app's file becomes
 * settings.json when there is none; with both, settings.json (serve's) stays and config.json is
 * left for the user to look at.
 */
export function adoptLegacySettings(dataDir: string): boolean {
  const legacy = join(dataDir, 'config.json');
  const file = join(dataDir, 'settings.json');
  if (!existsSync(legacy) || existsSync(file)) return false;
  renameSync(legacy, file);
  return true;
}
