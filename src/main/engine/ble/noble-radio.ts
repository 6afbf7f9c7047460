import type * as nobleModule from '@abandonware/noble';
import type { Peripheral } from '@abandonware/noble';
import type { Logger } from '../logging.js';
import { NobleLink } from './noble-link.js';
import type { Advertisement, GattLink, Radio, RadioListener, RadioState } from './radio.js';

/** A Noble instance, as the module exports it or as with-bindings builds it. */
export type Noble = typeof nobleModule;

export interface NobleRadioOptions {
  /** A Noble instance: the platform's own, or one over custom bindings (the demo's radio). */
  noble: Noble;
  log: Logger;
  /** Set by whoever built the bindings: their devices are simulated. */
  simulated?: boolean;
}

const STATES = new Set<string>([
  'unknown',
  'resetting',
  'unsupported',
  'unauthorized',
  'poweredOff',
  'poweredOn',
]);

/** The stable device id: the BLE address, lower-case with colons (noble's id where none). */
function addressOf(p: Peripheral): string {
  const a = p.address && p.address !== 'unknown' ? p.address : p.id;
  return a.toLowerCase();
}

/**
 * The local adapter through noble: noble's events become the radio's, its peripherals GATT links.
 * noble keeps one Peripheral per device; the radio remembers them by address so a connect needs
 * only the address the scanner reported.
 */
export class NobleRadio implements Radio {
  readonly simulated: boolean;
  readonly canConnect = true;
  private readonly noble: Noble;
  private readonly peripherals = new Map<string, Peripheral>();
  private scanning = false;

  constructor(private readonly o: NobleRadioOptions) {
    this.noble = o.noble;
    this.simulated = o.simulated ?? false;
  }

  open(l: RadioListener): void {
    const { noble } = this;
    // Adding the first stateChange listener is what makes noble initialise its bindings.
    noble.on('stateChange', (s: string) => l.state(STATES.has(s) ? (s as RadioState) : 'unknown'));
    noble.on('scanStart', () => {
      this.scanning = true;
      l.scanning(true);
    });
    noble.on('scanStop', () => {
      this.scanning = false;
      l.scanning(false);
    });
    noble.on('discover', (p: Peripheral) => l.advertisement(this.advertisement(p)));
    noble.on('warning', (m: string) => {
      this.o.log.debug('noble warning', { message: m });
      // The HCI binding failing to open (no permission, no adapter) only shows up as a warning.
      if (/^Initialization of USB device failed/.test(m)) l.state('unsupported', m);
    });
  }

  startScanning(): Promise<void> {
    return new Promise((resolve, reject) => {
      // allowDuplicates: every advertisement counts (RSSI, presence, sensor values).
      this.noble.startScanning([], true, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  stopScanning(): void {
    this.noble.stopScanning();
  }

  connect(address: string, signal: AbortSignal): Promise<GattLink> {
    const p = this.peripherals.get(address);
    if (!p) return Promise.reject(new Error(`${address} has not been heard on this radio`));
    return new Promise<GattLink>((resolve, reject) => {
      const onAbort = () => {
        if (p.state === 'connecting') p.cancelConnect();
        reject(new Error('connect called off'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      p.connectAsync().then(
        () => {
          signal.removeEventListener('abort', onAbort);
          if (!signal.aborted) resolve(new NobleLink(p));
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  dispose(): void {
    if (this.scanning) this.noble.stopScanning();
    this.noble.removeAllListeners();
  }

  private advertisement(p: Peripheral): Advertisement {
    const adv = p.advertisement ?? {};
    const a: Advertisement = {
      address: addressOf(p),
      rssi: p.rssi,
      serviceUuids: (adv.serviceUuids ?? []).map((u) => u.toLowerCase()),
      serviceData: (adv.serviceData ?? []).map((d) => ({
        uuid: d.uuid.toLowerCase(),
        data: d.data,
      })),
      connectable: p.connectable !== false,
    };
    if (adv.localName) a.name = adv.localName;
    if (adv.manufacturerData) a.manufacturerData = adv.manufacturerData;
    this.peripherals.set(a.address, p);
    return a;
  }
}
