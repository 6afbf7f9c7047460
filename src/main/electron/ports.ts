import { OwnerOnlyJsonFile } from '../engine/node-ports.js';
import type { PowerEvents, SecretStore } from '../engine/ports.js';

/** safeStorage's calls, injected so the store is tested in Node with a reversible fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Secrets encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet) through safeStorage,
 * kept as base64 in a file of their own. Where encryption is unavailable (a Linux session without
 * a keyring), secrets are refused rather than written in clear.
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
