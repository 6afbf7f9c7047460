import { Rng, seedOf } from './rng.js';

export interface SimCharacteristic {
  uuid: string;
  properties: ('read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate')[];
  /** Answers a read. */
  read?: () => Buffer;
  /** Handles a write (after the write is acknowledged). */
  write?: (data: Buffer) => void;
}

export interface SimService {
  uuid: string;
  characteristics: SimCharacteristic[];
}

export interface SimAdvertisement {
  localName?: string;
  serviceUuids: string[];
  serviceData: { uuid: string; data: Buffer }[];
  manufacturerData?: Buffer;
  txPowerLevel?: number;
}

/** What a peripheral may ask of the radio it is on. */
export interface RadioLink {
  now(): number;
  /** Sends a notification or indication if the characteristic is subscribed; false if not sent. */
  notify(p: SimPeripheral, characteristic: string, data: Buffer): boolean;
  /** Drops the link from the peripheral's side (reason: HCI code, 0x08 supervision timeout). */
  drop(p: SimPeripheral, reason?: number): void;
  /** Runs `fn` after the peripheral's answer delay (keeps the order of answers). */
  later(p: SimPeripheral, fn: () => void): void;
}

/** What tests can script on any simulated peripheral. */
export interface LinkScript {
  /** Refuse the next N connection attempts (Infinity: always). */
  refuseConnect: number;
  /** Every answer (connect, discovery, reads, notifications) is delayed by this much. */
  latencyMs: number;
  /** Bytes to send instead of the next real notifications, per characteristic uuid. */
  malformed: Map<string, Buffer[]>;
}

/**
 * A deterministic simulated device. Subclasses describe their GATT table and what they send on
 * each radio tick; the radio turns that into noble binding events.
 */
export abstract class SimPeripheral {
  /** noble's peripheral id: the address without colons, as the HCI binding reports it. */
  readonly id: string;
  readonly rng: Rng;
  /** Radio noise (RSSI jitter) has its own stream so values stay the same however often we scan. */
  readonly noise: Rng;
  connectable = true;
  inRange = true;
  connected = false;
  rssi: number;
  readonly subscriptions = new Set<string>();
  readonly script: LinkScript = { refuseConnect: 0, latencyMs: 0, malformed: new Map() };
  protected radio: RadioLink | null = null;
  protected ticks = 0;
  battery = 100;
  /** The last Current Time (0x2A2B) the app wrote, so tests can see the clock was set. */
  timeWritten: Buffer | null = null;

  constructor(
    readonly address: string,
    public name: string,
    seed = 1,
  ) {
    this.id = address.replace(/:/g, '').toLowerCase();
    this.rng = new Rng(seedOf(address, seed));
    this.noise = new Rng(seedOf(address, seed + 7));
    this.rssi = -50 - this.rng.int(0, 25);
  }

  attach(radio: RadioLink): void {
    this.radio = radio;
  }

  abstract services(): SimService[];

  private table?: SimService[];

  /**
   * The GATT table, built once: services() makes a fresh table with its closures, and the radio
   * looks characteristics up on every notification and advertises every tick.
   */
  gatt(): SimService[] {
    return (this.table ??= this.services());
  }

  advertisement(): SimAdvertisement {
    return {
      localName: this.name,
      serviceUuids: this.gatt().map((s) => s.uuid),
      serviceData: [],
    };
  }

  /** Connected peripherals stop advertising, like most real ones. */
  get advertising(): boolean {
    return this.inRange && !this.connected;
  }

  characteristic(uuid: string): { service: SimService; char: SimCharacteristic } | undefined {
    for (const service of this.gatt())
      for (const char of service.characteristics) if (char.uuid === uuid) return { service, char };
    return undefined;
  }

  /** Called once per radio tick whatever the link state (devices measure while disconnected). */
  tick(): void {
    this.ticks += 1;
    if (this.ticks % 600 === 0 && this.battery > 5) this.battery -= 1;
    this.onTick();
  }

  protected abstract onTick(): void;
  onConnect(): void {}
  onDisconnect(): void {}
  onSubscribe(_uuid: string): void {}

  // ---- scripting, for tests and the demo ----

  /** The next `n` connection attempts fail. */
  refuseConnections(n = 1): void {
    this.script.refuseConnect = n;
  }
  /** Sends `bytes` instead of the next notification of `characteristic`. */
  sendMalformed(characteristic: string, bytes: Buffer): void {
    const list = this.script.malformed.get(characteristic) ?? [];
    list.push(bytes);
    this.script.malformed.set(characteristic, list);
  }
  answerSlowly(ms: number): void {
    this.script.latencyMs = ms;
  }
  dropLink(reason = 0x08): void {
    this.radio?.drop(this, reason);
  }
  goOutOfRange(): void {
    this.inRange = false;
    this.radio?.drop(this, 0x08);
  }
  comeBack(): void {
    this.inRange = true;
  }

  protected now(): number {
    return this.radio?.now() ?? Date.now();
  }
  protected send(characteristic: string, data: Buffer): boolean {
    return this.radio?.notify(this, characteristic, data) ?? false;
  }
}

/** The standard Battery, Device Information and (optionally) Current Time services. */
export function commonServices(
  p: SimPeripheral,
  info: { manufacturer: string; model: string; firmware: string },
  withTime: boolean,
): SimService[] {
  const str = (s: string) => () => Buffer.from(s, 'utf8');
  const out: SimService[] = [
    {
      uuid: '180f',
      characteristics: [
        { uuid: '2a19', properties: ['read', 'notify'], read: () => Buffer.from([p.battery]) },
      ],
    },
    {
      uuid: '180a',
      characteristics: [
        { uuid: '2a29', properties: ['read'], read: str(info.manufacturer) },
        { uuid: '2a24', properties: ['read'], read: str(info.model) },
        { uuid: '2a26', properties: ['read'], read: str(info.firmware) },
        { uuid: '2a25', properties: ['read'], read: str(`SN-${p.id.slice(-6).toUpperCase()}`) },
      ],
    },
  ];
  if (withTime) {
    out.push({
      uuid: '1805',
      characteristics: [
        {
          uuid: '2a2b',
          properties: ['read', 'write', 'notify'],
          read: () => p.timeWritten ?? Buffer.alloc(10),
          write: (d) => {
            p.timeWritten = Buffer.from(d);
          },
        },
      ],
    });
  }
  return out;
}
