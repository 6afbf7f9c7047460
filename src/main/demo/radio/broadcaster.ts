import { SimPeripheral, type SimAdvertisement, type SimService } from './peripheral.js';

/**
 * A device that only advertises (never connectable): whatever service data and manufacturer data
 * it is given, e.g. to try an advertisement format nothing else in the simulation speaks.
 */
export class Broadcaster extends SimPeripheral {
  manufacturerData: Buffer | undefined;
  serviceData: { uuid: string; data: Buffer }[] = [];

  constructor(address: string, name: string, seed = 1) {
    super(address, name, seed);
    this.connectable = false;
  }

  services(): SimService[] {
    return [];
  }

  override advertisement(): SimAdvertisement {
    const adv: SimAdvertisement = {
      localName: this.name,
      serviceUuids: [],
      serviceData: this.serviceData,
    };
    if (this.manufacturerData) adv.manufacturerData = this.manufacturerData;
    return adv;
  }

  protected onTick(): void {}
}
