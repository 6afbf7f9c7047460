import type { Settings } from '../../shared/settings.js';
import type { NotificationPayload } from '../../shared/contract/index.js';

/**
 * What a host (the Electron shell or `homebeat serve`) gives the engine. The engine never reaches
 * the OS any other way, so the same engine runs in both hosts and in tests with real Node ports.
 */
export interface Notifier {
  notify(n: NotificationPayload): void;
}

export interface SettingsStore {
  /** The stored settings, already migrated to the current schema (may be partial or invalid). */
  read(): unknown;
  write(settings: Settings): void;
}

/** Secrets (MQTT password, BTHome bind keys). Electron: safeStorage; serve: a 0600 file. */
export interface SecretStore {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** Whether secrets are encrypted at rest by the OS (false: plain file with owner-only mode). */
  readonly encrypted: boolean;
}

export interface Paths {
  /** Where the database, logs and exports live. */
  dataDir: string;
  logsDir: string;
  exportsDir: string;
}

export interface PowerEvents {
  onResume(listener: () => void): () => void;
  onSuspend(listener: () => void): () => void;
  onPowerSourceChange(listener: (onBattery: boolean) => void): () => void;
  isOnBattery(): boolean;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LogSink {
  write(entry: import('../../shared/contract/index.js').LogEntry): void;
}

export interface Ports {
  notifier: Notifier;
  settings: SettingsStore;
  secrets: SecretStore;
  paths: Paths;
  power: PowerEvents;
  clock: Clock;
  /** Where log lines go besides the engine's in-memory ring (a daily file in both hosts). */
  logSink?: LogSink;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
