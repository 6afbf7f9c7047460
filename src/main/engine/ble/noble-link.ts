import type { Characteristic, Peripheral, Service } from '@abandonware/noble';
import type { GattCharacteristic, GattLink, GattService } from './radio.js';

/**
 * A GATT link over a connected noble Peripheral. noble reuses one Peripheral object across
 * connections and calls a characteristic's listeners for every notification: the link keeps track
 * of the listeners it added, so a later link never hears an earlier one's subscribers.
 */
export class NobleLink implements GattLink {
  private readonly unsubscribers: (() => void)[] = [];
  private lost: ((reason: unknown) => void) | null = null;
  private ended = false;

  constructor(private readonly p: Peripheral) {
    p.once('disconnect', (reason: unknown) => {
      if (this.ended) return;
      this.end();
      this.lost?.(reason);
    });
  }

  get rssi(): number {
    return this.p.rssi;
  }

  async services(): Promise<GattService[]> {
    const services = await this.p.discoverServicesAsync([]);
    return services.map((s) => this.service(s));
  }

  readRssi(): Promise<number> {
    return this.p.updateRssiAsync();
  }

  onDisconnect(listener: (reason: unknown) => void): void {
    this.lost = listener;
  }

  disconnect(): void {
    if (this.ended) return;
    this.end();
    if (this.p.state === 'connecting') this.p.cancelConnect();
    else if (this.p.state === 'connected') this.p.disconnect();
  }

  private end(): void {
    this.ended = true;
    for (const off of this.unsubscribers.splice(0)) off();
  }

  private service(s: Service): GattService {
    return {
      uuid: s.uuid,
      characteristics: async () =>
        (await s.discoverCharacteristicsAsync([])).map((c) => this.characteristic(c)),
    };
  }

  private characteristic(c: Characteristic): GattCharacteristic {
    return {
      uuid: c.uuid,
      properties: c.properties,
      read: () => c.readAsync(),
      write: (data, withoutResponse) => c.writeAsync(data, withoutResponse),
      subscribe: async (onData) => {
        // Reads answered to read() arrive on 'data' too; only pushes are notifications.
        const listener = (data: Buffer, isNotification: boolean) => {
          if (isNotification && !this.ended) onData(data);
        };
        c.on('data', listener);
        this.unsubscribers.push(() => c.removeListener('data', listener));
        await c.subscribeAsync();
      },
    };
  }
}
