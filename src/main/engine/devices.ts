import { defaultCategory, entityName } from '../../shared/entities.js';
import { own } from '../../shared/own.js';
import { isMetric } from '../../shared/metrics.js';
import type {
  Device,
  DevicePatch,
  DevicesDelta,
  Entity,
  LatestValue,
  Reading,
} from '../../shared/model.js';
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
    if (patch.latest)
      next.latest = withMetrics(prev ? { ...prev.latest, ...patch.latest } : patch.latest);
    // A source that declares its entities (a smart-home dialect) owns the device's values: one
    // that none of them holds is a leftover of a snapshot keyed by metric, not a value to show.
    if (patch.entities && next.transport !== 'ble') next.latest = declaredOnly(next);
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

  /**
   * Folds one device's readings in arrival order. Each entity keeps its newest value by time; a
   * reading with the same time as the one held arrived later and wins (several values in one
   * millisecond: the last one is the latest). A BLE device's entities are learned here, the first
   * time a GATT field or an advertised object reports; a smart-home dialect declares its own.
   */
  private applyTo(id: string, rs: Reading[]): void {
    const prev = this.devices.get(id);
    if (!prev) return;
    const latest = { ...prev.latest };
    let lastSeen = prev.lastSeen ?? 0;
    let battery = prev.battery;
    // The same arrays while no new entity or metric shows up (every reading would copy them).
    let capabilities = prev.capabilities;
    let entities = prev.entities;
    const learn = prev.transport === 'ble';
    for (const r of rs) {
      const key = r.entity ?? r.metric;
      // Entity keys come from devices: `toString` or `__proto__` must be plain own keys.
      const cur = own(latest, key);
      if (!cur || cur.ts <= r.ts) {
        const lv: LatestValue = { metric: r.metric, value: r.value, unit: r.unit, ts: r.ts };
        if (r.status && r.status !== 'ok') lv.status = r.status;
        Object.defineProperty(latest, key, {
          value: lv,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        if (r.metric === 'battery' && r.value !== null) battery = r.value;
      }
      let entity = entities && keyIndex(entities).get(key);
      if (!entity && learn) {
        entity = learned(key, r);
        entities = [...(entities ?? []), entity];
      }
      const primary = (entity?.category ?? defaultCategory(r.metric)) === 'primary';
      if (primary && !capabilities.includes(r.metric)) {
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
    if (entities) next.entities = entities;
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

/** Entities by key, built once per entities array (arrays are replaced, never changed). */
const indexes = new WeakMap<readonly Entity[], Map<string, Entity>>();
function keyIndex(entities: readonly Entity[]): Map<string, Entity> {
  let m = indexes.get(entities);
  if (!m) indexes.set(entities, (m = new Map(entities.map((e) => [e.key, e]))));
  return m;
}

/** An entity first heard of in a reading: named after its metric, diagnostic if battery/signal. */
function learned(key: string, r: Reading): Entity {
  return {
    key,
    name: entityName(key, r.metric),
    metric: r.metric,
    unit: r.unit,
    category: defaultCategory(r.metric),
  };
}

function declaredOnly(d: Device): Device['latest'] {
  const keys = keyIndex(d.entities ?? []);
  const stale = Object.keys(d.latest).filter((k) => !keys.has(k));
  if (!stale.length) return d.latest;
  const out = { ...d.latest };
  for (const k of stale) delete out[k];
  return out;
}

/**
 * Latest values from a snapshot of an older Homebeat were keyed by metric and did not name it:
 * the key is the metric then. Values that do are kept as they are (the same object).
 */
function withMetrics(latest: Device['latest']): Device['latest'] {
  let out = latest;
  for (const [k, v] of Object.entries(latest)) {
    if (!v || v.metric !== undefined || !isMetric(k)) continue;
    if (out === latest) out = { ...latest };
    out[k] = { ...v, metric: k };
  }
  return out;
}

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
    // Every consumer keys series by entity: a producer that names none means its metric's own.
    for (const r of readings) r.entity ??= r.metric;
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
