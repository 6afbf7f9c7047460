import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../../engine/ports.js';
import type { SimPeripheral } from './peripheral.js';

export interface SimulatedRadioOptions {
  clock?: Clock;
  /** How often peripherals measure and advertise. */
  tickMs?: number;
  /** Connecting to a device that is out of range fails after this long. */
  connectTimeoutMs?: number;
  /** Start powered off (tests of the adapter state). */
  poweredOff?: boolean;
}

/**
 * A simulated Bluetooth radio implementing noble's bindings interface: plugged in with
 * `require('@abandonware/noble/with-bindings')(radio)`, so the app talks to a real Noble instance
 * and noble's own bookkeeping (peripherals, services, characteristics, events) is exercised.
 * Method names, event names and argument orders follow noble/lib/noble.js.
 */
export class SimulatedRadio extends EventEmitter {
  readonly peripherals = new Map<string, SimPeripheral>();
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly connectTimeoutMs: number;
  private powered: boolean;
  private scanning = false;
  /** A scan that is on but reports nothing (a known BlueZ failure), until it is restarted. */
  private stalled = false;
  private timer: unknown = null;
  private disposed = false;
  /** Connection attempts in flight, so cancelConnect can call them off. */
  private readonly connecting = new Set<string>();
  /** Counts of binding calls, for tests and the benchmark. */
  readonly calls = new Map<string, number>();
  /**
   * Behave like the controllers that cannot connect while scanning: LE Create Connection during a
   * scan is answered "Command Disallowed (0x0c)". Every connect made during a scan is counted in
   * calls as 'connectWhileScanning' either way.
   */
  disallowConnectWhileScanning = false;

  constructor(opts: SimulatedRadioOptions = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.tickMs = opts.tickMs ?? 1000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 1500;
    this.powered = !opts.poweredOff;
  }

  add(...ps: SimPeripheral[]): this {
    for (const p of ps) {
      this.peripherals.set(p.id, p);
      p.attach({
        now: () => this.clock.now(),
        notify: (q, c, d) => this.sendNotification(q, c, d),
        drop: (q, reason) => this.dropLink(q, reason),
        later: (q, fn) => this.later(q, fn),
      });
    }
    return this;
  }

  byAddress(address: string): SimPeripheral | undefined {
    return this.peripherals.get(address.replace(/:/g, '').toLowerCase());
  }

  /** Turns the adapter on or off, as a user or rfkill would. */
  setPowered(on: boolean): void {
    if (this.powered === on) return;
    this.powered = on;
    if (!on) {
      for (const p of this.peripherals.values()) if (p.connected) this.dropLink(p, 0x16);
      if (this.scanning) {
        this.scanning = false;
        this.emit('scanStop');
      }
    }
    this.emit('stateChange', on ? 'poweredOn' : 'poweredOff');
  }

  /** The scan goes silent while still "on", as BlueZ sometimes does; a restart cures it. */
  stallScan(): void {
    this.stalled = true;
  }

  /** Stops the tick timer; the radio is dead afterwards. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- noble bindings interface ----

  init(): void {
    this.count('init');
    this.schedule();
    setImmediate(() => {
      this.emit('addressChange', '00:1a:7d:da:71:00');
      this.emit('stateChange', this.powered ? 'poweredOn' : 'poweredOff');
    });
  }

  setScanParameters(): void {
    setImmediate(() => this.emit('scanParametersSet'));
  }

  startScanning(_serviceUuids?: string[], allowDuplicates?: boolean): void {
    this.count('startScanning');
    if (!this.powered) return;
    this.scanning = true;
    this.stalled = false;
    // Real adapters report the first advertisements at once; so does the simulation.
    setImmediate(() => {
      this.emit('scanStart', !allowDuplicates);
      this.advertiseAll();
    });
  }

  stopScanning(): void {
    this.count('stopScanning');
    this.scanning = false;
    setImmediate(() => this.emit('scanStop'));
  }

  reset(): void {}

  connect(id: string): void {
    this.count('connect');
    const p = this.peripherals.get(id);
    this.connecting.add(id);
    // Every answer checks it was not called off (cancelConnect), so no stale answer reaches a
    // later attempt.
    const fail = (ms: number | null, why: string) => {
      const go = () => {
        if (this.connecting.delete(id)) this.emit('connect', id, new Error(why));
      };
      if (ms === null && p) this.later(p, go);
      else this.after(ms ?? 0, go);
    };
    if (!p || !this.powered) return fail(this.connectTimeoutMs, 'unknown peripheral');
    if (this.scanning) {
      this.count('connectWhileScanning');
      if (this.disallowConnectWhileScanning) return fail(null, 'Command Disallowed (0x0c)');
    }
    // A real controller waits for an advertisement that never comes; the host then gives up.
    if (!p.inRange || !p.connectable)
      return fail(this.connectTimeoutMs, 'connection timed out (device not in range)');
    if (p.script.refuseConnect > 0) {
      p.script.refuseConnect -= 1;
      return fail(null, 'connection failed to be established (0x3e)');
    }
    this.later(p, () => {
      if (!this.connecting.delete(id)) return;
      if (p.connected || !p.inRange) {
        this.emit('connect', id, new Error('connection failed to be established (0x3e)'));
        return;
      }
      p.connected = true;
      this.emit('connect', id, null);
      p.onConnect();
    });
  }

  cancelConnect(id: string): void {
    this.connecting.delete(id);
  }

  disconnect(id: string): void {
    this.count('disconnect');
    const p = this.peripherals.get(id);
    if (p?.connected) this.dropLink(p, 0x16);
    else setImmediate(() => this.emit('disconnect', id, 0x16));
  }

  updateRssi(id: string): void {
    const p = this.peripherals.get(id);
    if (p?.connected) this.later(p, () => this.emit('rssiUpdate', id, this.rssiOf(p)));
  }

  discoverServices(id: string, uuids?: string[]): void {
    this.gatt(id, (p) => {
      const all = p.gatt().map((s) => s.uuid);
      this.emit('servicesDiscover', id, uuids?.length ? all.filter((u) => uuids.includes(u)) : all);
    });
  }

  discoverIncludedServices(id: string, service: string): void {
    this.gatt(id, () => this.emit('includedServicesDiscover', id, service, []));
  }

  discoverCharacteristics(id: string, service: string, uuids?: string[]): void {
    this.gatt(id, (p) => {
      const svc = p.gatt().find((s) => s.uuid === service);
      const chars = (svc?.characteristics ?? [])
        .filter((c) => !uuids?.length || uuids.includes(c.uuid))
        .map((c) => ({ uuid: c.uuid, properties: [...c.properties] }));
      this.emit('characteristicsDiscover', id, service, chars);
    });
  }

  read(id: string, service: string, characteristic: string): void {
    this.gatt(id, (p) => {
      const c = p.characteristic(characteristic)?.char;
      const data = c?.read ? c.read() : Buffer.alloc(0);
      this.emit('read', id, service, characteristic, data, false);
    });
  }

  write(id: string, service: string, characteristic: string, data: Buffer): void {
    this.gatt(id, (p) => {
      this.emit('write', id, service, characteristic);
      p.characteristic(characteristic)?.char.write?.(Buffer.from(data));
    });
  }

  broadcast(id: string, service: string, characteristic: string, state: boolean): void {
    this.gatt(id, () => this.emit('broadcast', id, service, characteristic, state));
  }

  notify(id: string, service: string, characteristic: string, enable: boolean): void {
    this.gatt(id, (p) => {
      if (enable) p.subscriptions.add(characteristic);
      else p.subscriptions.delete(characteristic);
      this.emit('notify', id, service, characteristic, enable);
      if (enable) p.onSubscribe(characteristic);
    });
  }

  discoverDescriptors(id: string, service: string, characteristic: string): void {
    this.gatt(id, () => this.emit('descriptorsDiscover', id, service, characteristic, ['2902']));
  }

  readValue(id: string, service: string, characteristic: string, descriptor: string): void {
    this.gatt(id, (p) => {
      const on = p.subscriptions.has(characteristic) ? 1 : 0;
      this.emit('valueRead', id, service, characteristic, descriptor, Buffer.from([on, 0]));
    });
  }

  writeValue(id: string, service: string, characteristic: string, descriptor: string): void {
    this.gatt(id, () => this.emit('valueWrite', id, service, characteristic, descriptor));
  }

  readHandle(id: string, handle: number): void {
    this.gatt(id, () => this.emit('handleRead', id, handle, Buffer.alloc(0)));
  }

  writeHandle(id: string, handle: number): void {
    this.gatt(id, () => this.emit('handleWrite', id, handle));
  }

  // ---- internals ----

  private sendNotification(p: SimPeripheral, characteristic: string, data: Buffer): boolean {
    if (!p.connected || !p.subscriptions.has(characteristic)) return false;
    const found = p.characteristic(characteristic);
    if (!found) return false;
    const bad = p.script.malformed.get(characteristic);
    const bytes = bad?.length ? bad.shift()! : data;
    this.later(p, () => {
      if (p.connected) this.emit('read', p.id, found.service.uuid, characteristic, bytes, true);
    });
    return true;
  }

  private dropLink(p: SimPeripheral, reason = 0x08): void {
    if (!p.connected) return;
    p.connected = false;
    p.subscriptions.clear();
    p.onDisconnect();
    setImmediate(() => this.emit('disconnect', p.id, reason));
  }

  /** GATT requests reach only a connected peripheral; otherwise they go unanswered, as on air. */
  private gatt(id: string, fn: (p: SimPeripheral) => void): void {
    const p = this.peripherals.get(id);
    if (!p?.connected) return;
    this.later(p, () => {
      if (p.connected) fn(p);
    });
  }

  private later(p: SimPeripheral, fn: () => void): void {
    if (p.script.latencyMs > 0) this.after(p.script.latencyMs, fn);
    else setImmediate(fn);
  }

  private after(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(fn, ms);
    (t as { unref?: () => void } | null)?.unref?.();
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    const t = this.clock.setTimeout(() => {
      this.timer = null;
      this.onTick();
      this.schedule();
    }, this.tickMs);
    (t as { unref?: () => void } | null)?.unref?.();
    this.timer = t;
  }

  private onTick(): void {
    for (const p of this.peripherals.values()) {
      try {
        p.tick();
      } catch (err) {
        this.emit('warning', `simulated ${p.name} failed: ${String(err)}`);
      }
    }
    this.advertiseAll();
  }

  private advertiseAll(): void {
    if (!this.scanning || !this.powered || this.stalled) return;
    for (const p of this.peripherals.values()) {
      if (!p.advertising) continue;
      const adv = p.advertisement();
      const scannable = p.connectable;
      this.emit(
        'discover',
        p.id,
        p.address,
        'public',
        p.connectable,
        adv,
        this.rssiOf(p),
        scannable,
      );
    }
  }

  private rssiOf(p: SimPeripheral): number {
    return Math.round(p.rssi + p.noise.range(-3, 3));
  }

  private count(name: string): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }
}
