import * as enc from './encode.js';
import {
  commonServices,
  SimPeripheral,
  type SimAdvertisement,
  type SimService,
} from './peripheral.js';

/**
 * The simulated devices. Each measures on radio ticks with seeded values (the same run after run),
 * keeps its own state across links, and speaks only bytes.
 */

const INFO = { manufacturer: 'Homebeat Sim', firmware: '1.0.0' };

/** Heart-rate strap: HR with RR intervals, energy and contact every tick while subscribed. */
export class HeartRateStrap extends SimPeripheral {
  bpm = 68;
  energy = 0;
  contact = true;
  private sent = 0;

  services(): SimService[] {
    return [
      {
        uuid: '180d',
        characteristics: [
          { uuid: '2a37', properties: ['notify'] },
          { uuid: '2a38', properties: ['read'], read: () => Buffer.from([1]) }, // chest
        ],
      },
      ...commonServices(this, { ...INFO, model: 'HB-Strap' }, true),
    ];
  }

  protected onTick(): void {
    this.bpm = Math.max(50, Math.min(185, Math.round(this.bpm + this.rng.range(-3, 3.4))));
    this.energy += this.rng.range(0.1, 0.4);
    if (!this.subscriptions.has('2a37')) return;
    this.sent += 1;
    const rr = Math.round(60000 / this.bpm + this.rng.range(-15, 15));
    this.send(
      '2a37',
      enc.heartRate({
        bpm: this.bpm,
        contact: this.contact,
        rrMs: this.sent % 3 === 0 ? [rr, rr + 8] : [rr],
        energyKj: this.sent % 10 === 0 ? Math.round(this.energy) : undefined,
      }),
    );
  }
}

/** Health thermometer: a timestamped FLOAT temperature every `everyTicks`. */
export class Thermometer extends SimPeripheral {
  everyTicks = 5;
  celsius = 36.6;

  services(): SimService[] {
    return [
      {
        uuid: '1809',
        characteristics: [
          { uuid: '2a1c', properties: ['indicate'] },
          { uuid: '2a1d', properties: ['read'], read: () => Buffer.from([2]) },
        ],
      },
      ...commonServices(this, { ...INFO, model: 'HB-Thermo' }, true),
    ];
  }

  protected onTick(): void {
    if (this.ticks % this.everyTicks !== 0) return;
    this.celsius = Math.round((36.4 + this.rng.range(0, 0.9)) * 100) / 100;
    this.send('2a1c', enc.temperature(this.celsius, this.now()));
  }
}

/** Weight scale: measurements taken while nobody listens are kept and indicated on the next link. */
export class Scale extends SimPeripheral {
  everyTicks = 60;
  heightM = 1.78;
  userId = 1;
  readonly pending: { kg: number; ts: number }[] = [];
  private kg = 74.2;

  services(): SimService[] {
    return [
      {
        uuid: '181d',
        characteristics: [
          { uuid: '2a9e', properties: ['read'], read: () => Buffer.from([0x06, 0, 0, 0]) },
          { uuid: '2a9d', properties: ['indicate'] },
        ],
      },
      ...commonServices(this, { ...INFO, model: 'HB-Scale' }, true),
    ];
  }

  /** Someone steps on the scale. */
  measure(kg?: number): void {
    this.kg = kg ?? Math.round((this.kg + this.rng.range(-0.4, 0.4)) * 200) / 200;
    this.pending.push({ kg: this.kg, ts: Math.floor(this.now() / 1000) * 1000 });
    this.flush();
  }

  override onSubscribe(uuid: string): void {
    if (uuid === '2a9d') this.flush();
  }

  protected onTick(): void {
    if (this.ticks % this.everyTicks === 0) this.measure();
  }

  /** One indication at a time; a measurement leaves the queue only once it went out. */
  private flush(): void {
    const m = this.pending[0];
    if (!m || !this.connected || !this.subscriptions.has('2a9d') || !this.radio) return;
    if (!this.send('2a9d', enc.weight(m.kg, m.ts, this.userId, this.heightM))) return;
    this.radio.later(this, () => {
      if (!this.connected) return;
      if (this.pending[0] === m) this.pending.shift();
      this.flush();
    });
  }
}

/** Cycling sensor: Cycling Power (with crank data) and CSC (wheel and crank). */
export class CyclingSensor extends SimPeripheral {
  cadence = 85;
  speedMs = 8;
  wheelCircumferenceM = 2.105;
  private wheelRevs = 0;
  private crankRevs = 0;
  private wheelTime = 0;
  private crankTime = 0;
  private last = 0;

  services(): SimService[] {
    return [
      {
        uuid: '1818',
        characteristics: [
          { uuid: '2a63', properties: ['notify'] },
          { uuid: '2a65', properties: ['read'], read: () => Buffer.from([0x08, 0, 0, 0]) },
        ],
      },
      {
        uuid: '1816',
        characteristics: [
          { uuid: '2a5b', properties: ['notify'] },
          { uuid: '2a5c', properties: ['read'], read: () => Buffer.from([0x03, 0]) },
        ],
      },
      ...commonServices(this, { ...INFO, model: 'HB-Cycle' }, false),
    ];
  }

  protected onTick(): void {
    const now = this.now();
    const dt = this.last ? (now - this.last) / 1000 : 1;
    this.last = now;
    this.cadence = Math.max(60, Math.min(110, this.cadence + this.rng.range(-2, 2)));
    this.speedMs = Math.max(3, Math.min(14, this.speedMs + this.rng.range(-0.3, 0.3)));
    const crank = (this.cadence / 60) * dt;
    const wheel = (this.speedMs / this.wheelCircumferenceM) * dt;
    this.crankRevs += Math.max(1, Math.round(crank));
    this.wheelRevs += Math.max(1, Math.round(wheel));
    this.crankTime = (this.crankTime + Math.round(dt * 1024)) & 0xffff;
    this.wheelTime = (this.wheelTime + Math.round(dt * 1024)) & 0xffff;
    const watts = Math.round(150 + (this.cadence - 85) * 3 + this.rng.range(-10, 10));
    this.send('2a63', enc.cyclingPower(watts, this.crankRevs, this.crankTime));
    this.send('2a5b', enc.csc(this.wheelRevs, this.wheelTime, this.crankRevs, this.crankTime));
  }
}

/** A passive BTHome v2 sensor (never connectable): climate or door, plain or encrypted. */
export class BthomeSensor extends SimPeripheral {
  everyTicks = 5;
  counter: number;
  private packetId = 0;
  private data: Buffer;

  constructor(
    address: string,
    name: string,
    readonly sort: 'climate' | 'door',
    readonly key: Buffer | null = null,
    seed = 1,
  ) {
    super(address, name, seed);
    this.connectable = false;
    this.counter = this.rng.int(1, 1000);
    this.data = this.measure();
  }

  services(): SimService[] {
    return [];
  }

  override advertisement(): SimAdvertisement {
    return {
      localName: this.name,
      serviceUuids: [],
      serviceData: [{ uuid: 'fcd2', data: this.data }],
    };
  }

  /** Replaces the next advertisement's service data with these bytes. */
  advertiseRaw(data: Buffer): void {
    this.data = data;
  }

  protected onTick(): void {
    if (this.ticks % this.everyTicks === 0) this.data = this.measure();
  }

  private measure(): Buffer {
    this.packetId = (this.packetId + 1) & 0xff;
    const objects =
      this.sort === 'climate'
        ? [
            { id: 0x00, value: this.packetId },
            { id: 0x01, value: this.battery },
            { id: 0x02, value: Math.round(this.rng.range(19, 23) * 100) / 100 },
            { id: 0x03, value: Math.round(this.rng.range(38, 55) * 100) / 100 },
          ]
        : [
            { id: 0x01, value: this.battery },
            { id: 0x2d, value: this.rng.next() < 0.3 ? 1 : 0 },
          ];
    if (!this.key) return enc.bthome(objects);
    this.counter += 1;
    return enc.bthome(objects, { mac: this.address, key: this.key, counter: this.counter });
  }
}
