import type { AdapterState, ScanResult } from '../../../shared/contract/ble.js';
import type { DeviceKind } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import { own } from '../../../shared/own.js';
import { KNOWN_SERVICES } from './decoders/index.js';
import { unref } from './gatt.js';
import type { Advertisement, Radio, RadioState } from './radio.js';

/** A scan result older than this is dropped from the list. */
const STALE_MS = 5 * 60_000;
/**
 * A connection is only tried to a device heard this recently: one that stopped advertising (away,
 * asleep) would hold the controller, and with it the paused scan, for the whole connect timeout.
 */
const FRESH_MS = 10_000;

export interface ScannerOptions {
  ctx: EngineContext;
  log: Logger;
  radio: Radio;
  /** Every advertisement, after the deny list (paired devices, presence, sensor formats). */
  onAdvert(a: Advertisement): void;
  /** The kind of a device its services do not tell (a sensor in an advertisement format). */
  kindOf(a: Advertisement): DeviceKind | undefined;
  onAdapter(): void;
  isPaired(id: string): boolean;
  /** Restart a scan silent this long; read on every check so settings changes apply. */
  restartMs(): number;
  /** Some paired device should be advertising (not connected, or a passive sensor). */
  expecting(): boolean;
}

/**
 * Owns scanning: the adapter state, who wants a scan (the pairing screen, paired devices that must
 * be found), the scan list with RSSI and filters, and the watchdog that restarts a scan that went
 * silent (BlueZ gateways are known to stop reporting without saying so).
 */
export class Scanner {
  private adapterState: AdapterState = 'poweredOff';
  private why: string | undefined = 'waiting for the adapter';
  private restarts = 0;
  /** The last advertisement of each address heard. */
  private readonly adverts = new Map<string, Advertisement>();
  private readonly results = new Map<string, ScanResult>();
  private powered = false;
  private radioState: RadioState = 'unknown';
  private scanning = false;
  private starting = false;
  private want = { user: false, background: false };
  /** Connections being set up: the scan pauses meanwhile (see whileConnecting). */
  private holds = 0;
  /** When each address was last heard (every advertisement). */
  private readonly heardAt = new Map<string, number>();
  private lastAdvertAt = 0;
  private watchdog: unknown = null;
  private readonly waiters = new Set<{ id: string; resolve: (a: Advertisement) => void }>();
  private disposed = false;

  constructor(private readonly o: ScannerOptions) {}

  start(): void {
    this.o.radio.open({
      state: (s, why) => this.onState(s, why),
      scanning: (on) => (on ? this.onScanStart() : this.onScanStop()),
      advertisement: (a) => this.onDiscover(a),
    });
    this.armWatchdog();
  }

  dispose(): void {
    this.disposed = true;
    this.o.ctx.ports.clock.clearTimeout(this.watchdog);
    this.o.radio.dispose();
  }

  get adapter(): AdapterState {
    return this.adapterState;
  }

  /** Why the adapter is not scanning, in words (undefined while it is on). */
  get reason(): string | undefined {
    return this.why;
  }

  /** The adapter reported itself off (not merely "not reported yet"). */
  get off(): boolean {
    return !this.powered && this.radioState !== 'unknown';
  }

  get isScanning(): boolean {
    return this.scanning;
  }

  /** After a system resume: the adapter may have stopped reporting without saying so. */
  restart(): void {
    if (this.disposed) return;
    this.lastAdvertAt = this.o.ctx.ports.clock.now();
    if (this.scanning) this.o.radio.stopScanning(); // scanStop -> reconcile starts it again
    else this.reconcile();
  }

  setWanted(who: 'user' | 'background', on: boolean): void {
    this.want[who] = on;
    this.reconcile();
  }

  list(): ScanResult[] {
    const s = this.o.ctx.settings.get().ble;
    // Devices not heard for a while have left; the pairing screen should not offer them.
    const since = this.o.ctx.ports.clock.now() - STALE_MS;
    return [...this.results.values()]
      .filter((r) => r.lastSeen >= since && visible(r, s))
      .map((r) => ({ ...r, paired: this.o.isPaired(r.id) }))
      .sort((a, b) => b.rssi - a.rssi);
  }

  get(id: string): ScanResult | undefined {
    return this.results.get(id);
  }

  /** The last advertisement heard from an address. */
  lastAdvert(id: string): Advertisement | undefined {
    return this.adverts.get(id);
  }

  /**
   * Runs a connection set-up with the scan paused. Many controllers (Intel 316x, CSR dongles,
   * some Raspberry Pi firmware) refuse LE Create Connection while scanning with "Command
   * Disallowed (0x0c)", and BlueZ itself stops the scan to connect; every gateway that has to work
   * on all of them pauses the scan for the connect and resumes it after.
   */
  async whileConnecting<T>(id: string, connect: () => Promise<T>): Promise<T> {
    this.holds += 1;
    this.reconcile();
    try {
      const linked = await connect();
      // A connected device stops advertising: after a drop, the next try waits until it is heard.
      this.heardAt.delete(id);
      return linked;
    } finally {
      this.holds -= 1;
      this.reconcile();
    }
  }

  /**
   * The advertisement of an address, once it has been heard recently: at once if it advertised in
   * the last few seconds, else at its next advertisement.
   */
  waitFor(id: string, timeoutMs: number, signal: AbortSignal): Promise<Advertisement> {
    const known = this.adverts.get(id);
    const heard = this.heardAt.get(id) ?? -Infinity;
    if (known && this.o.ctx.ports.clock.now() - heard <= FRESH_MS) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const w = {
        id,
        resolve: (a: Advertisement) => {
          cleanup();
          resolve(a);
        },
      };
      const cleanup = () => {
        this.waiters.delete(w);
        this.o.ctx.ports.clock.clearTimeout(t);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        cleanup();
        reject(new Error('stopped'));
      };
      const t = this.o.ctx.ports.clock.setTimeout(() => {
        cleanup();
        reject(new Error(`not seen for ${Math.round(timeoutMs / 1000)} s (out of range?)`));
      }, timeoutMs);
      unref(t);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
    });
  }

  private onState(s: RadioState, why?: string): void {
    this.powered = s === 'poweredOn';
    if (!this.powered) {
      this.scanning = false;
      this.starting = false;
    }
    this.radioState = s;
    this.why = this.powered ? undefined : (why ?? `Bluetooth adapter ${s}`);
    this.update();
    this.reconcile();
  }

  private onScanStart(): void {
    this.starting = false;
    this.scanning = true;
    this.lastAdvertAt = this.o.ctx.ports.clock.now();
    this.update();
  }

  private onScanStop(): void {
    this.scanning = false;
    this.update();
    // The stack may stop a scan by itself (BlueZ does when connecting): start it again.
    setImmediate(() => this.reconcile());
  }

  private reconcile(): void {
    if (this.disposed) return;
    const want = (this.want.user || this.want.background) && this.holds === 0;
    if (want && this.powered && !this.scanning && !this.starting) {
      this.starting = true;
      this.o.radio.startScanning().catch((err: unknown) => {
        this.starting = false;
        this.o.log.warn('could not start scanning', {
          error: err instanceof Error ? err.message : String(err),
        });
      });
    } else if (!want && (this.scanning || this.starting)) {
      this.starting = false;
      this.o.radio.stopScanning();
    }
  }

  private onDiscover(a: Advertisement): void {
    const id = a.address;
    const s = this.o.ctx.settings.get().ble;
    if (s.deny.includes(id)) return;
    const now = this.o.ctx.ports.clock.now();
    this.lastAdvertAt = now;
    this.heardAt.set(id, now);
    this.adverts.set(id, a);
    for (const w of [...this.waiters]) if (w.id === id) w.resolve(a);
    const services = [...a.serviceUuids, ...a.serviceData.map((d) => d.uuid)];
    const prev = this.results.get(id);
    const r: ScanResult = {
      id,
      name: a.name || prev?.name || '',
      rssi: a.rssi,
      services: [...new Set(services)],
      connectable: a.connectable,
      lastSeen: now,
      paired: this.o.isPaired(id),
      kind: guessKind(services) ?? this.o.kindOf(a),
    };
    this.results.set(id, r);
    // The list is pushed at most once a second per device (RSSI changes with every packet).
    if ((!prev || now - prev.lastSeen >= 1000 || prev.name !== r.name) && visible(r, s))
      this.o.ctx.events.emit('scanResults', [r]);
    else if (prev) r.lastSeen = prev.lastSeen;
    this.o.onAdvert(a);
  }

  private armWatchdog(): void {
    const { clock } = this.o.ctx.ports;
    const restartMs = this.o.restartMs();
    this.watchdog = clock.setTimeout(
      () => {
        this.watchdog = null;
        if (this.disposed) return;
        const silent = clock.now() - this.lastAdvertAt;
        const expected = this.want.background && this.o.expecting();
        if (this.scanning && expected && silent >= this.o.restartMs()) {
          this.restarts += 1;
          this.o.log.warn('scan silent; restarting it', {
            silentSec: Math.round(silent / 1000),
            restarts: this.restarts,
          });
          this.lastAdvertAt = clock.now();
          this.o.radio.stopScanning(); // scanStop -> reconcile starts it again
        }
        this.armWatchdog();
      },
      Math.max(250, Math.min(5000, restartMs / 4)),
    );
    unref(this.watchdog);
  }

  private update(): void {
    const s = this.radioState;
    this.adapterState =
      s === 'unsupported' || s === 'unauthorized'
        ? 'unavailable'
        : !this.powered
          ? 'poweredOff'
          : this.scanning
            ? 'scanning'
            : 'idle';
    this.o.onAdapter();
  }
}

function visible(r: ScanResult, s: { minRssi: number; allow: string[]; deny: string[] }): boolean {
  if (s.deny.includes(r.id)) return false;
  if (s.allow.length && !s.allow.includes(r.id)) return false;
  return r.rssi >= s.minRssi;
}

function guessKind(services: string[]): DeviceKind | undefined {
  for (const u of services) {
    const k = own(KNOWN_SERVICES, u)?.kind;
    if (k && k !== 'other') return k;
  }
  return undefined;
}
