/**
 * One simulated radio world heard by several gateways: each gateway's noble gets its own
 * bindings (a tap) over the same SimulatedRadio, as adapters in different rooms hear the same
 * advertisements, each at its own signal strength and a little later or sooner. Scanning is per
 * tap; a link (connect, GATT, notifications) belongs to the tap that made it.
 */
import { EventEmitter } from 'node:events';
import type { SimulatedRadio } from '../../../src/main/demo/radio/radio.js';
import { nobleRadio } from '../../../src/main/engine/ble/noble-loader.js';
import type { RadioFactory } from '../../../src/main/engine/ble/radio.js';

/** Events about one peripheral's link: delivered to the tap that owns the link. */
const LINK_EVENTS = [
  'disconnect',
  'rssiUpdate',
  'servicesDiscover',
  'includedServicesDiscover',
  'characteristicsDiscover',
  'read',
  'write',
  'broadcast',
  'notify',
  'descriptorsDiscover',
  'valueRead',
  'valueWrite',
  'handleRead',
  'handleWrite',
  'handleNotify',
];
const FORWARDED = [
  'updateRssi',
  'discoverServices',
  'discoverIncludedServices',
  'discoverCharacteristics',
  'read',
  'write',
  'broadcast',
  'notify',
  'discoverDescriptors',
  'readValue',
  'writeValue',
  'readHandle',
  'writeHandle',
] as const;

export interface TapOptions {
  /** Added to every advertisement's RSSI (dB): how far this gateway is from the devices. */
  rssiOffset?: number;
  /** Advertisements reach this tap this much later (ms), as a busier host would stamp them. */
  latencyMs?: number;
}

export class SharedAir {
  private readonly taps = new Set<RadioTap>();
  /** Who owns each peripheral's link, and who waits for a connect answer (in call order). */
  readonly links = new Map<string, RadioTap>();
  readonly connecting = new Map<string, RadioTap[]>();
  private inited = false;

  constructor(readonly radio: SimulatedRadio) {
    radio.on('stateChange', (s: string) => this.taps.forEach((t) => t.emit('stateChange', s)));
    radio.on('addressChange', (a: string) => this.taps.forEach((t) => t.emit('addressChange', a)));
    radio.on('discover', (...args: unknown[]) => this.taps.forEach((t) => t.hear(args)));
    radio.on('connect', (id: string, err: Error | null) => {
      const tap = this.connecting.get(id)?.shift();
      if (!tap) return;
      if (!err) this.links.set(id, tap);
      tap.emit('connect', id, err);
    });
    for (const ev of LINK_EVENTS)
      radio.on(ev, (id: string, ...rest: unknown[]) => {
        const tap = this.links.get(id);
        if (ev === 'disconnect') this.links.delete(id);
        tap?.emit(ev, id, ...rest);
      });
  }

  /** A gateway's radio over this air. */
  radioFor(opts: TapOptions = {}): RadioFactory {
    const tap = new RadioTap(this, opts);
    this.taps.add(tap);
    return nobleRadio({ binding: tap, simulated: true });
  }

  init(tap: RadioTap): void {
    if (!this.inited) {
      this.inited = true;
      this.radio.init();
      return;
    }
    setImmediate(() => {
      tap.emit('addressChange', '00:1a:7d:da:71:00');
      tap.emit('stateChange', 'poweredOn');
    });
  }

  /** The radio scans while any tap does. */
  scanning(): void {
    if ([...this.taps].some((t) => t.scanning)) this.radio.startScanning(undefined, true);
    else this.radio.stopScanning();
  }

  /** A tap that stops working (its gateway gone): no events any more. */
  remove(tap: RadioTap): void {
    this.taps.delete(tap);
  }
}

class RadioTap extends EventEmitter {
  scanning = false;

  constructor(
    private readonly air: SharedAir,
    private readonly o: TapOptions,
  ) {
    super();
    for (const m of FORWARDED)
      (this as unknown as Record<string, unknown>)[m] = (...args: unknown[]) =>
        (air.radio[m] as (...a: unknown[]) => void)(...args);
  }

  init(): void {
    this.air.init(this);
  }

  setScanParameters(): void {
    setImmediate(() => this.emit('scanParametersSet'));
  }

  startScanning(): void {
    this.scanning = true;
    this.air.scanning();
    setImmediate(() => this.emit('scanStart', false));
  }

  stopScanning(): void {
    this.scanning = false;
    this.air.scanning();
    setImmediate(() => this.emit('scanStop'));
  }

  reset(): void {}

  connect(id: string): void {
    const q = this.air.connecting.get(id) ?? [];
    q.push(this);
    this.air.connecting.set(id, q);
    this.air.radio.connect(id);
  }

  cancelConnect(id: string): void {
    const q = this.air.connecting.get(id)?.filter((t) => t !== this);
    if (q) this.air.connecting.set(id, q);
    this.air.radio.cancelConnect(id);
  }

  disconnect(id: string): void {
    if (this.air.links.get(id) === this) this.air.radio.disconnect(id);
  }

  /** An advertisement on the air: heard while scanning, at this gateway's signal, after its delay. */
  hear(args: unknown[]): void {
    if (!this.scanning) return;
    const out = [...args];
    out[5] = (out[5] as number) + (this.o.rssiOffset ?? 0);
    const deliver = () => this.scanning && this.emit('discover', ...out);
    if (this.o.latencyMs) setTimeout(deliver, this.o.latencyMs);
    else deliver();
  }
}
