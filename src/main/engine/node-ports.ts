import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NotificationPayload } from '../../shared/contract/index.js';
import type { Settings } from '../../shared/settings.js';
import { FILE_MODE, secureDataDir } from './data-dir.js';
import type { Notifier, Paths, PowerEvents, SecretStore, SettingsStore } from './ports.js';

/**
 * Plain-Node ports: used by `homebeat serve` and by the engine's tests (real files in a temp
 * directory, never mocks of the engine's parts).
 */
export function nodePaths(dataDir: string): Paths {
  const paths = { dataDir, logsDir: join(dataDir, 'logs'), exportsDir: join(dataDir, 'exports') };
  secureDataDir(dataDir, [paths.logsDir, paths.exportsDir]);
  return paths;
}

/** Settings as a JSON file, written atomically (temp file + rename). */
export class JsonFileSettingsStore implements SettingsStore {
  constructor(private readonly file: string) {}
  read(): unknown {
    if (!existsSync(this.file)) return undefined;
    try {
      return JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return { __unreadable: true };
    }
  }
  write(settings: Settings): void {
    writeAtomically(this.file, JSON.stringify(settings, null, 2), FILE_MODE);
  }
}

/**
 * A small string map kept in a JSON file only its owner can read, written atomically. Both secret
 * stores keep their (plain or OS-encrypted) values in one. An unreadable file is moved aside, not
 * overwritten, so a damaged secret file never stops the app from starting.
 */
export class OwnerOnlyJsonFile {
  private cache: Record<string, string> = {};

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.cache[k] = v;
    } catch (err) {
      moveAside(file, `unreadable: ${(err as Error).message}`);
    }
  }

  get(name: string): string | undefined {
    return Object.hasOwn(this.cache, name) ? this.cache[name] : undefined;
  }

  names(): string[] {
    return Object.keys(this.cache);
  }

  set(name: string, value: string): void {
    this.cache = { ...this.cache, [name]: value };
    this.save();
  }

  delete(name: string): void {
    if (!Object.hasOwn(this.cache, name)) return;
    const { [name]: _gone, ...rest } = this.cache;
    this.cache = rest;
    this.save();
  }

  private save(): void {
    writeAtomically(this.file, JSON.stringify(this.cache), FILE_MODE);
  }
}

/**
 * Secrets in a JSON file readable by the owner only. Headless hosts have no OS keychain; the
 * Electron shell uses safeStorage instead, and `encrypted` tells the dashboard which one is in use.
 */
export class FileSecretStore implements SecretStore {
  readonly encrypted = false;
  private readonly file: OwnerOnlyJsonFile;
  constructor(path: string) {
    this.file = new OwnerOnlyJsonFile(path);
  }
  get(name: string): string | undefined {
    return this.file.get(name);
  }
  set(name: string, value: string): void {
    this.file.set(name, value);
  }
  delete(name: string): void {
    this.file.delete(name);
  }
}

/**
 * Whether a Linux machine runs on battery, from the kernel's power supply class: a system battery
 * (not a mouse's: scope Device) discharging, and no mains or USB adapter online. No supplies (a
 * server, a container): on AC.
 */
export function linuxOnBattery(root = '/sys/class/power_supply'): boolean {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return false;
  }
  let discharging = false;
  for (const name of names) {
    const read = (f: string): string => {
      try {
        return readFileSync(join(root, name, f), 'utf8').trim();
      } catch {
        return '';
      }
    };
    const type = read('type');
    if (type === 'Battery') {
      if (read('scope') !== 'Device' && read('status') === 'Discharging') discharging = true;
    } else if (type && read('online') === '1') return false;
  }
  return discharging;
}

/**
 * Power events for a headless host: Node has no suspend/resume signal, so a resume is inferred from
 * a timer that fires far later than asked (the machine slept), which also catches clock jumps. The
 * power source is read on the same timer when a reader is given (serve on Linux: linuxOnBattery).
 */
export class NodePowerEvents implements PowerEvents {
  private readonly resume = new Set<() => void>();
  private readonly suspend = new Set<() => void>();
  private readonly source = new Set<(b: boolean) => void>();
  private timer: NodeJS.Timeout | null = null;
  private last = Date.now();
  private onBattery = false;

  constructor(
    private readonly tickMs = 10_000,
    private readonly readOnBattery?: () => boolean,
  ) {}

  start(): void {
    if (this.timer) return;
    this.last = Date.now();
    if (this.readOnBattery) this.setOnBattery(this.readOnBattery());
    this.timer = setInterval(() => {
      const now = Date.now();
      const gap = now - this.last;
      this.last = now;
      if (this.readOnBattery) this.setOnBattery(this.readOnBattery());
      if (gap > this.tickMs * 3 || gap < 0) this.emitResume();
    }, this.tickMs);
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
  emitResume(): void {
    for (const l of this.resume) l();
  }
  emitSuspend(): void {
    for (const l of this.suspend) l();
  }
  setOnBattery(onBattery: boolean): void {
    if (onBattery === this.onBattery) return;
    this.onBattery = onBattery;
    for (const l of this.source) l(onBattery);
  }
  onResume(l: () => void): () => void {
    this.resume.add(l);
    return () => this.resume.delete(l);
  }
  onSuspend(l: () => void): () => void {
    this.suspend.add(l);
    return () => this.suspend.delete(l);
  }
  onPowerSourceChange(l: (b: boolean) => void): () => void {
    this.source.add(l);
    return () => this.source.delete(l);
  }
  isOnBattery(): boolean {
    return this.onBattery;
  }
}

/** Keeps notifications for whoever listens (serve pushes them to open dashboards). */
export class ListenerNotifier implements Notifier {
  private readonly listeners = new Set<(n: NotificationPayload) => void>();
  readonly sent: NotificationPayload[] = [];
  notify(n: NotificationPayload): void {
    this.sent.push(n);
    if (this.sent.length > 100) this.sent.shift();
    for (const l of this.listeners) l(n);
  }
  onNotify(l: (n: NotificationPayload) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/**
 * Writes a temporary file and renames it over `file`: a crash leaves the old file or the new one,
 * never half of either. With `mode`, the file has it before it takes the real name.
 */
function writeAtomically(file: string, data: string, mode?: number): void {
  const tmp = `${file}.tmp`;
  if (mode === undefined) writeFileSync(tmp, data);
  else {
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode); // an existing tmp file keeps its old mode through writeFileSync
  }
  renameSync(tmp, file);
}

export function moveAside(file: string, reason: string): string {
  const aside = `${file}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  writeFileSync(`${aside}.why.txt`, `${reason}\n`, { mode: FILE_MODE });
  return aside;
}
