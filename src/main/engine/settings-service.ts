import type { z } from 'zod';
import {
  defaultSettings,
  mergeSettings,
  settingsSchema,
  SETTINGS_VERSION,
  type Settings,
} from '../../shared/settings.js';
import { EngineError } from '../../shared/result.js';
import type { SettingsStore } from './ports.js';
import type { Logger } from './logging.js';

/** Takes validated settings about to replace `prev`, returns them (changed or not). */
export type SettingsRule = (next: Settings, prev: Settings) => Settings;

/** Formats the first zod issue as "field: reason" parts for results and 400s. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  return { field, message: issue ? issue.message : 'invalid' };
}

/**
 * Settings: loaded once (invalid stored settings fall back to defaults, loudly), updated only by a
 * patch that validates as a whole, written through the host's store, and pushed to listeners.
 */
export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(next: Settings, prev: Settings) => void>();
  private readonly rules = new Set<SettingsRule>();

  constructor(
    private readonly store: SettingsStore,
    private readonly log: Logger,
  ) {
    this.current = this.load();
  }

  get(): Settings {
    return this.current;
  }

  /** Validates a deep-partial patch merged over the current settings; throws EngineError if bad. */
  update(patch: unknown): Settings {
    const merged = mergeSettings(this.current, patch);
    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      throw new EngineError('invalid_input', `${field || 'settings'}: ${message}`, field);
    }
    let next = parsed.data;
    for (const rule of this.rules) next = rule(next, this.current);
    return this.replace(next);
  }

  /**
   * A rule that keeps a field derived from others true, applied to every update before it is
   * stored, so the derived value changes in the same update (one write, one change event).
   */
  addRule(rule: SettingsRule): () => void {
    this.rules.add(rule);
    return () => this.rules.delete(rule);
  }

  /** Sets validated settings; every change goes through update(). */
  private replace(next: Settings): Settings {
    const prev = this.current;
    if (JSON.stringify(prev) === JSON.stringify(next)) return prev;
    this.store.write(next);
    this.current = next;
    for (const l of this.listeners) l(next, prev);
    return next;
  }

  onChange(listener: (next: Settings, prev: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private load(): Settings {
    const raw = this.store.read();
    if (raw === undefined || raw === null) return defaultSettings();
    const parsed = settingsSchema.safeParse(migrateSettings(raw));
    if (parsed.success) return parsed.data;
    const { field, message } = firstIssue(parsed.error);
    this.log.error('stored settings are invalid; using defaults until they are saved again', {
      field,
      reason: message,
    });
    return defaultSettings();
  }
}

/** Migrations by version number; each takes the previous shape to the next. */
const MIGRATIONS: Record<number, (s: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrateSettings(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  let s = raw as Record<string, unknown>;
  let v = typeof s.version === 'number' ? s.version : 1;
  while (v < SETTINGS_VERSION) {
    const m = MIGRATIONS[v];
    if (m) s = m(s);
    v += 1;
    s = { ...s, version: v };
  }
  return s;
}
