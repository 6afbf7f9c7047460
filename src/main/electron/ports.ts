import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OwnerOnlyJsonFile } from '../engine/node-ports.js';
import type { PowerEvents, SecretStore } from '../engine/ports.js';

/** safeStorage's calls, injected so the store is tested in Node with a reversible fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store Chromium picked ('basic_text' means none). */
  getSelectedStorageBackend?(): string;
}

/**
 * Secrets encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet) through safeStorage,
 * kept as base64 in a file of their own.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly file: OwnerOnlyJsonFile;

  constructor(
    path: string,
    private readonly safe: SafeStorageLike,
  ) {
    this.file = new OwnerOnlyJsonFile(path);
  }

  get encrypted(): boolean {
    return this.safe.isEncryptionAvailable();
  }

  /** Names stored (encrypted or not). */
  names(): string[] {
    return this.file.names();
  }

  get(name: string): string | undefined {
    const v = this.file.get(name);
    if (v === undefined || !this.safe.isEncryptionAvailable()) return undefined;
    try {
      return this.safe.decryptString(Buffer.from(v, 'base64'));
    } catch {
      return undefined;
    }
  }

  set(name: string, value: string): void {
    if (!this.safe.isEncryptionAvailable()) {
      throw new Error('the OS keychain is not available: secrets cannot be stored safely');
    }
    this.file.set(name, this.safe.encryptString(value).toString('base64'));
  }

  delete(name: string): void {
    this.file.delete(name);
  }
}

/** Linux backends that encrypt with a key the OS keeps; basic_text uses a key built into Chromium. */
const KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

export const ENCRYPTED_SECRETS_FILE = 'secrets.json';
export const PLAIN_SECRETS_FILE = 'secrets-plain.json';

/** The secret store the app uses, and a warning for the user when it cannot encrypt. */
export interface ChosenSecretStore {
  store: SecretStore;
  /** Set when secrets are kept unencrypted (shown in the tray, logged, notified once). */
  warning?: string;
}

/**
 * Where the desktop app keeps secrets. With an OS keychain: encrypted by safeStorage. Without one
 * (encryption unavailable, or on Linux the `basic_text` backend, whose key is the same in every
 * Chromium, so "encrypted" would mean readable by anyone with the file): the fallback is the
 * owner-only file `serve` uses too, `secrets-plain.json` (0600, in the 0700 data folder), with a
 * visible warning. Secrets move between the two files when the situation changes, so a keyring
 * installed later takes them over, and none is lost either way.
 */
export function chooseSecretStore(o: {
  platform: NodeJS.Platform;
  safe: SafeStorageLike;
  dataDir: string;
}): ChosenSecretStore {
  const encryptedFile = join(o.dataDir, ENCRYPTED_SECRETS_FILE);
  const plainFile = join(o.dataDir, PLAIN_SECRETS_FILE);
  const backend = o.platform === 'linux' ? o.safe.getSelectedStorageBackend?.() : undefined;
  const keyring =
    o.safe.isEncryptionAvailable() && (backend === undefined || KEYRING_BACKENDS.has(backend));
  if (keyring) {
    const store = new SafeStorageSecretStore(encryptedFile, o.safe);
    if (existsSync(plainFile)) {
      const plain = new OwnerOnlyJsonFile(plainFile);
      for (const name of plain.names()) store.set(name, plain.get(name)!);
      rmSync(plainFile, { force: true });
    }
    return { store };
  }
  const plain = new OwnerOnlyJsonFile(plainFile);
  if (existsSync(encryptedFile)) {
    // Written earlier with a backend that can still decrypt them (basic_text can): move them.
    const old = new SafeStorageSecretStore(encryptedFile, o.safe);
    for (const name of old.names()) {
      const v = old.get(name);
      if (v !== undefined && plain.get(name) === undefined) plain.set(name, v);
      if (v !== undefined) old.delete(name);
    }
  }
  const why = !o.safe.isEncryptionAvailable()
    ? 'no OS keychain is available'
    : `the OS keychain backend is "${backend}" (no keyring such as GNOME Keyring or KWallet)`;
  return {
    store: {
      encrypted: false,
      get: (name) => plain.get(name),
      set: (name, value) => plain.set(name, value),
      delete: (name) => plain.delete(name),
    },
    warning: `Secrets are stored unencrypted: ${why}. They are kept in an owner-only file (${PLAIN_SECRETS_FILE}).`,
  };
}

/** Electron's powerMonitor, as the engine's PowerEvents port. */
export interface PowerMonitorLike {
  on(event: 'resume' | 'suspend' | 'on-ac' | 'on-battery', listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
  isOnBatteryPower(): boolean;
}

export function electronPowerEvents(pm: PowerMonitorLike): PowerEvents {
  const sub = (event: 'resume' | 'suspend' | 'on-ac' | 'on-battery', l: () => void) => {
    pm.on(event, l);
    return () => void pm.removeListener(event, l);
  };
  return {
    onResume: (l) => sub('resume', l),
    onSuspend: (l) => sub('suspend', l),
    onPowerSourceChange: (l) => {
      const offAc = sub('on-ac', () => l(false));
      const offBat = sub('on-battery', () => l(true));
      return () => {
        offAc();
        offBat();
      };
    },
    isOnBattery: () => pm.isOnBatteryPower(),
  };
}
