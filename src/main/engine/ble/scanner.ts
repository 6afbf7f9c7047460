import type { AdapterState, ScanResult } from '../../../shared/contract/ble.js';
import type { DeviceKind } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import { KNOWN_SERVICES } from './decoders/index.js';
import { unref } from './gatt.js';
import type { Noble, Peripheral } from './noble-loader.js';

export const BTHOME_UUID = 'fcd2';
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
  noble: Noble;
  /** Every advertisement, after the deny list (paired devices, presence, BTHome). */
  onAdvert(id: string, p: Peripheral): void;
  onAdapter(): void;
  isPaired(id: string): boolean;
  /** Restart a scan silent this long; read on every check so settings changes apply. */
  restartMs(): number;
  /** Some paired device should be advertising (not connected, or a passive sensor). */
  expecting(): boolean;
}

/** The stable device id: the BLE address, lower-case with colons (noble's id where none). */
export function deviceIdOf(p: Peripheral): string {
  const a = p.address && p.address !== 'unknown' ? p.address : p.id;
  return a.toLowerCase();
}

/**
 * Owns scanning: the adapter state, who wants a scan (the pairing screen, paired devices that must
 * be found), the scan list with RSSI and filters, and the watchdog that restarts a scan that went
 * silent (BlueZ gateways are known to stop reporting without saying so).
 */
export class Scanner {
  adapter: AdapterState = 'poweredOff';
  reason: string | undefined = 'waiting for the adapter';
  restarts = 0;
  readonly peripherals = new Map<string, Peripheral>();
  private readonly results = new Map<string, ScanResult>();
  private powered = false;
  private nobleState = 'unknown';
  private scanning = false;
  private starting = false;
  private want = { user: false, background: false };
  /** Connections being set up: the scan pauses meanwhile (see whileConnecting). */
  private holds = 0;
  /** When each address was last heard (every advertisement). */
  private readonly heardAt = new Map<string, number>();
  private lastAdvertAt = 0;
  private watchdog: unknown = null;
  private readonly waiters = new Set<{ id: string; resolve: (p: Peripheral) => void }>();
  private disposed = false;

  constructor(private readonly o: ScannerOptions) {}

  start(): void {
    const { noble } = this.o;
    noble.on('stateChange', (s: string) => this.onState(s));
    noble.on('scanStart', () => {
      this.starting = false;
      this.scanning = true;
      this.lastAdvertAt = this.o.ctx.ports.clock.now();
      this.update();
    });
    noble.on('scanStop', () => {
      this.scanning = false;
      this.update();
      // The stack may stop a scan by itself (BlueZ does when connecting): start it again.
      setImmediate(() => this.reconcile());
    });
    noble.on('discover', (p: Peripheral) => this.onDiscover(p));
    noble.on('warning', (m: string) => {
      this.o.log.debug('noble warning', { message: m });
      // The HCI binding failing to open (no permission, no adapter) only shows up as a warning.
      if (/^Initialization of USB device failed/.test(m)) this.onState('unsupported', m);
    });
    this.armWatchdog();
  }

  dispose(): void {
    this.disposed = true;
    this.o.ctx.ports.clock.clearTimeout(this.watchdog);
    if (this.scanning) this.o.noble.stopScanning();
    this.o.noble.removeAllListeners();
  }

  /** The adapter reported itself off (not merely "not reported yet"). */
  get off(): boolean {
    return !this.powered && this.nobleState !== 'unknown';
  }

  get isScanning(): boolean {
    return this.scanning;
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
   * The noble peripheral for an address, once it has been heard recently: at once if it advertised
   * in the last few seconds, else at its next advertisement.
   */
  waitFor(id: string, timeoutMs: number, signal: AbortSignal): Promise<Peripheral> {
    const known = this.peripherals.get(id);
    const heard = this.heardAt.get(id) ?? -Infinity;
    if (known && this.o.ctx.ports.clock.now() - heard <= FRESH_MS) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const w = {
        id,
        resolve: (p: Peripheral) => {
          cleanup();
          resolve(p);
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

  private onState(s: string, why?: string): void {
    this.powered = s === 'poweredOn';
    if (!this.powered) {
      this.scanning = false;
      this.starting = false;
    }
    this.nobleState = s;
    this.reason = this.powered ? undefined : (why ?? `Bluetooth adapter ${s}`);
    this.update();
    this.reconcile();
  }

  private reconcile(): void {
    if (this.disposed) return;
    const want = (this.want.user || this.want.background) && this.holds === 0;
    if (want && this.powered && !this.scanning && !this.starting) {
      this.starting = true;
      // allowDuplicates: every advertisement counts (RSSI, presence, BTHome values).
      this.o.noble.startScanning([], true, (err?: Error | null) => {
        if (!err) return;
        this.starting = false;
        this.o.log.warn('could not start scanning', { error: err.message });
      });
    } else if (!want && (this.scanning || this.starting)) {
      this.starting = false;
      this.o.noble.stopScanning();
    }
  }

  private onDiscover(p: Peripheral): void {
    const id = deviceIdOf(p);
    const s = this.o.ctx.settings.get().ble;
    if (s.deny.includes(id)) return;
    const now = this.o.ctx.ports.clock.now();
    this.lastAdvertAt = now;
    this.heardAt.set(id, now);
    this.peripherals.set(id, p);
    for (const w of [...this.waiters]) if (w.id === id) w.resolve(p);
    const adv = p.advertisement ?? {};
    const services = [
      ...(adv.serviceUuids ?? []),
      ...(adv.serviceData ?? []).map((d) => d.uuid),
    ].map((u) => u.toLowerCase());
    const prev = this.results.get(id);
    const r: ScanResult = {
      id,
      name: adv.localName || prev?.name || '',
      rssi: p.rssi,
      services: [...new Set(services)],
      connectable: p.connectable !== false,
      lastSeen: now,
      paired: this.o.isPaired(id),
      kind: guessKind(services),
    };
    this.results.set(id, r);
    // The list is pushed at most once a second per device (RSSI changes with every packet).
    if ((!prev || now - prev.lastSeen >= 1000 || prev.name !== r.name) && visible(r, s))
      this.o.ctx.events.emit('scanResults', [r]);
    else if (prev) r.lastSeen = prev.lastSeen;
    this.o.onAdvert(id, p);
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
          this.o.noble.stopScanning(); // scanStop -> reconcile starts it again
        }
        this.armWatchdog();
      },
      Math.max(250, Math.min(5000, restartMs / 4)),
    );
    unref(this.watchdog);
  }

  private update(): void {
    const s = this.nobleState;
    this.adapter =
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
    const k = KNOWN_SERVICES[u]?.kind;
    if (k && k !== 'other') return k;
  }
  return services.includes(BTHOME_UUID) ? 'sensor' : undefined;
}
