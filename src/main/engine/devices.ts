import type { Device, DevicePatch, DevicesDelta, Reading } from '../../shared/model.js';
import { sameJson } from './same-json.js';

const EMPTY: Omit<Device, 'id'> = {
  transport: 'mqtt',
  source: 'ha_discovery',
  kind: 'other',
  name: '',
  capabilities: [],
  online: false,
  lastSeen: null,
  gateways: [],
  latest: {},
};

/**
 * The one list of devices every transport reports into. A device seen by two gateways (or by BLE
 * and through another gateway's bridge) is one entry: patches merge, gateway lists union.
 */
export class DeviceRegistry {
  private readonly devices = new Map<string, Device>();
  private readonly listeners = new Set<(d: DevicesDelta) => void>();

  list(): Device[] {
    return [...this.devices.values()];
  }

  get(id: string): Device | undefined {
    return this.devices.get(id);
  }

  get size(): number {
    return this.devices.size;
  }

  /** Applies a patch; emits only when something actually changed. Returns the device. */
  upsert(patch: DevicePatch): Device {
    const prev = this.devices.get(patch.id);
    const next: Device = { ...EMPTY, ...prev, ...stripUndefined(patch) } as Device;
    if (prev && patch.gateways) next.gateways = union(prev.gateways, patch.gateways);
    if (prev && patch.latest) next.latest = { ...prev.latest, ...patch.latest };
    if (prev && patch.state) next.state = { ...prev.state, ...patch.state };
    if (!next.name) next.name = patch.id;
    if (prev && !changedKeys(prev, next, patch)) return prev;
    this.devices.set(next.id, next);
    this.emit({ upserted: [next], removed: [] });
    return next;
  }

  remove(id: string): boolean {
    if (!this.devices.delete(id)) return false;
    this.emit({ upserted: [], removed: [id] });
    return true;
  }

  /** Folds readings into each device's latest values, battery and last seen. */
  applyReadings(readings: Reading[]): void {
    // Most batches come from one device (a notification, a state message): no grouping then.
    const first = readings[0]?.deviceId;
    if (first !== undefined && readings.every((r) => r.deviceId === first)) {
      this.applyTo(first, readings);
      return;
    }
    const byDevice = new Map<string, Reading[]>();
    for (const r of readings) {
      const list = byDevice.get(r.deviceId);
      if (list) list.push(r);
      else byDevice.set(r.deviceId, [r]);
    }
    for (const [id, rs] of byDevice) this.applyTo(id, rs);
  }

  private applyTo(id: string, rs: Reading[]): void {
    const prev = this.devices.get(id);
    if (!prev) return;
    const latest = { ...prev.latest };
    let lastSeen = prev.lastSeen ?? 0;
    let battery = prev.battery;
    // The same array while no new metric shows up (every reading would copy it otherwise).
    let capabilities = prev.capabilities;
    for (const r of rs) {
      const cur = latest[r.metric];
      if (!cur || cur.ts <= r.ts) {
        latest[r.metric] = { value: r.value, unit: r.unit, ts: r.ts };
        if (r.status && r.status !== 'ok') latest[r.metric]!.status = r.status;
      }
      if (r.metric === 'battery' && r.value !== null) battery = r.value;
      if (!capabilities.includes(r.metric)) {
        if (capabilities === prev.capabilities) capabilities = [...capabilities];
        capabilities.push(r.metric);
      }
      lastSeen = Math.max(lastSeen, r.ts);
    }
    const next: Device = {
      ...prev,
      latest,
      battery,
      capabilities,
      lastSeen: lastSeen || prev.lastSeen,
      online: true,
    };
    this.devices.set(id, next);
    this.emit({ upserted: [next], removed: [] });
  }

  onChange(listener: (d: DevicesDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(d: DevicesDelta): void {
    for (const l of this.listeners) l(d);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/** Whether any patched field differs; only those can have changed (cheap on hot paths). */
function changedKeys(prev: Device, next: Device, patch: DevicePatch): boolean {
  for (const k of Object.keys(patch) as (keyof Device)[]) {
    if (patch[k] !== undefined && !sameJson(prev[k], next[k])) return true;
  }
  return false;
}

/** Listeners of the reading stream: history, MQTT bridge, rules, device registry, the dashboard. */
export class ReadingBus {
  private readonly listeners = new Set<(r: Reading[]) => void>();
  private onError: (err: unknown) => void = () => {};

  setErrorHandler(h: (err: unknown) => void): void {
    this.onError = h;
  }

  publish(readings: Reading[]): void {
    if (readings.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(readings);
      } catch (err) {
        // One consumer failing (a full disk, a broken rule) must not starve the others.
        this.onError(err);
      }
    }
  }

  subscribe(listener: (r: Reading[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
