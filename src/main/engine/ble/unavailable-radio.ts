import { CannotConnectError, type GattLink, type Radio, type RadioListener } from './radio.js';

/** No Bluetooth here (noble could not load): the adapter state says why; nothing else happens. */
export class UnavailableRadio implements Radio {
  readonly simulated = false;
  readonly canConnect = false;

  constructor(private readonly reason: string) {}

  open(l: RadioListener): void {
    // At once: the status is right from the start, not after a turn of the event loop.
    l.state('unsupported', this.reason);
  }

  startScanning(): Promise<void> {
    return Promise.reject(new Error(this.reason));
  }

  stopScanning(): void {}

  connect(): Promise<GattLink> {
    return Promise.reject(new CannotConnectError(this.reason));
  }

  dispose(): void {}
}
