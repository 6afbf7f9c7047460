/**
 * Zigbee2MQTT in: `<base>/bridge/devices` (retained, with exposes) gives the devices (id: the IEEE
 * address) and their controls; each device's `<base>/<friendly_name>` JSON state and
 * `<base>/<friendly_name>/availability` are followed by exact subscriptions (friendly names may
 * contain '/', so no wildcard could separate them); `<base>/bridge/state` offline takes every
 * device offline. Commands go to `<base>/<friendly_name>/set`.
 */
import type { DevicePatch, DeviceKind, Reading } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import { isObject, type Json } from './ha-config.js';
import { reading, TopicRouter, type DiscoveryDeps } from './router.js';
import {
  controlsOf,
  parseBridgeDevices,
  readZ2mState,
  type Z2mDevice,
  type Z2mEntity,
} from './z2m-exposes.js';

const SOURCE = 'zigbee2mqtt';
const KIND_ORDER: DeviceKind[] = ['light', 'climate', 'switch', 'cover', 'lock'];

/**
 * Zigbee2MQTT binary properties as binary classes. Its `contact` is true while the contact is
 * made, so 1 means closed: a class of its own ('contact': closed/open), not HA's 'door'.
 */
const Z2M_BINARY_CLASS: Record<string, string> = {
  contact: 'contact',
  occupancy: 'occupancy',
  presence: 'presence',
  water_leak: 'moisture',
  smoke: 'smoke',
  gas: 'gas',
  carbon_monoxide: 'carbon_monoxide',
  vibration: 'vibration',
  tamper: 'tamper',
  battery_low: 'battery_low',
};

export class Z2mBridge {
  private readonly devices = new Map<string, Z2mDevice>();
  private readonly states = new Map<string, Json>();
  private readonly router: TopicRouter;
  private offs: (() => void)[] = [];
  private bridgeOnline = true;

  constructor(
    private readonly deps: DiscoveryDeps,
    readonly base: string,
    /** Called after each device list, so Home Assistant duplicates of these devices can go. */
    private readonly onDevicesListed: () => void = () => {},
  ) {
    this.router = new TopicRouter(deps);
  }

  start(): void {
    this.offs.push(
      this.deps.subscribe(`${this.base}/bridge/devices`, (t, p) => this.onDevices(t, p)),
      this.deps.subscribe(`${this.base}/bridge/state`, (t, p) => this.onBridgeState(t, p)),
    );
  }

  dispose(forget = false): void {
    for (const off of this.offs.splice(0)) off();
    this.router.clear();
    if (forget) for (const id of this.devices.keys()) this.deps.devices.remove(id);
    this.devices.clear();
    this.states.clear();
  }

  device(ieee: string): Z2mDevice | undefined {
    return this.devices.get(ieee);
  }

  entity(ieee: string, key: string): Z2mEntity | undefined {
    return this.devices.get(ieee)?.entities.find((e) => e.key === key);
  }

  stateOf(ieee: string, key: string): Json | undefined {
    return this.states.get(`${ieee}\u0000${key}`);
  }

  setTopic(dev: Z2mDevice): string {
    return `${this.base}/${dev.friendlyName}/set`;
  }

  get size(): number {
    return this.devices.size;
  }

  private parse(topic: string, buf: Buffer): unknown {
    if (buf.length > this.deps.maxPayloadBytes()) {
      this.deps.bad(topic, 'oversized payload dropped', { bytes: buf.length });
      return undefined;
    }
    try {
      return JSON.parse(buf.toString('utf8'));
    } catch (err) {
      this.deps.bad(topic, `malformed JSON: ${(err as Error).message}`);
      return undefined;
    }
  }

  private onDevices(topic: string, buf: Buffer): void {
    if (buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    const r = parseBridgeDevices(json);
    if ('error' in r) return this.deps.bad(topic, r.error);
    if (r.problems.length)
      this.deps.bad(topic, `skipped ${r.problems.length} entries: ${r.problems[0]}`);
    const next = new Map(r.devices.map((d) => [d.ieee, d]));
    for (const [ieee, old] of this.devices) {
      if (next.has(ieee)) continue;
      this.router.removeOwner(ieee);
      this.devices.delete(ieee);
      for (const e of old.entities) this.states.delete(`${ieee}\u0000${e.key}`);
      this.deps.devices.remove(ieee);
    }
    for (const d of r.devices) {
      const old = this.devices.get(d.ieee);
      this.devices.set(d.ieee, d);
      if (!old || old.friendlyName !== d.friendlyName) {
        this.router.removeOwner(d.ieee);
        const st = `${this.base}/${d.friendlyName}`;
        this.router.add(st, d.ieee, (p) => this.onState(d.ieee, st, p));
        this.router.add(`${st}/availability`, d.ieee, (p) =>
          this.onAvailability(d.ieee, `${st}/availability`, p),
        );
      }
      this.deps.devices.upsert(this.patchOf(d, !old));
    }
    this.onDevicesListed();
  }

  private patchOf(d: Z2mDevice, fresh: boolean): DevicePatch {
    const caps = new Set<Metric>();
    for (const s of d.sensors) if (s.mapping) caps.add(s.mapping.metric);
    if (d.sensors.some((s) => s.type === 'binary')) caps.add('state');
    if (d.entities.some((e) => e.f.localTemp)) caps.add('temperature');
    const kinds = new Set<string>(d.entities.map((e) => e.kind));
    const kind =
      KIND_ORDER.find((k) => kinds.has(k)) ??
      (d.sensors.some((s) => s.mapping) ? 'sensor' : d.sensors.length ? 'binary_sensor' : 'other');
    const patch: DevicePatch = {
      id: d.ieee,
      transport: 'mqtt',
      source: SOURCE,
      kind,
      name: d.friendlyName,
      model: d.model,
      manufacturer: d.vendor,
      capabilities: [...caps],
      controls: controlsOf(d),
      gateways: [this.deps.gatewayId()],
    };
    // What the device's 'state' (its first binary value) senses, in Home Assistant's words.
    const primary = d.sensors.find((s) => s.type === 'binary')?.property;
    const cls = primary !== undefined ? Z2M_BINARY_CLASS[primary] : undefined;
    if (cls) patch.binaryClass = cls;
    if (fresh) patch.online = false;
    return patch;
  }

  private onState(ieee: string, topic: string, buf: Buffer): void {
    const d = this.devices.get(ieee);
    if (!d || buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    if (!isObject(json)) return this.deps.bad(topic, 'the state is not a JSON object');
    const upd = readZ2mState(d, json);
    if (upd.errors.length) this.deps.bad(topic, upd.errors[0], { device: ieee });
    const out: Reading[] = upd.readings.map((r) =>
      reading(this.deps, ieee, r.mapping.metric, r.value, r.mapping.unit, SOURCE),
    );
    if (upd.binary !== undefined)
      out.push(reading(this.deps, ieee, 'state', upd.binary, '', SOURCE));
    if (out.length) this.deps.readings.publish(out);
    const state: Json = {};
    for (const [key, patch] of Object.entries(upd.states)) {
      const k = `${ieee}\u0000${key}`;
      const next = { ...this.states.get(k), ...patch };
      this.states.set(k, next);
      state[key] = next;
    }
    // Readings already mark the device seen and online (the registry folds them in); a patch is
    // needed only for entity states, or to bring a device without availability reports online.
    const hasState = Object.keys(state).length > 0;
    const wakeUp = this.bridgeOnline && !this.hasAvailability(ieee) && !out.length;
    if (hasState || wakeUp) {
      const p: DevicePatch = { id: ieee, lastSeen: this.deps.now() };
      if (hasState) p.state = state;
      if (wakeUp) p.online = true;
      this.deps.devices.upsert(p);
    }
    for (const key of Object.keys(upd.states))
      if (d.entities.some((e) => e.key === key))
        this.deps.onEntityState(ieee, key, state[key] as Json);
  }

  private readonly withAvailability = new Set<string>();
  private hasAvailability(ieee: string): boolean {
    return this.withAvailability.has(ieee);
  }

  private onAvailability(ieee: string, topic: string, buf: Buffer): void {
    if (!this.devices.has(ieee) || buf.length === 0) return;
    const text = buf.toString('utf8').trim();
    let v: unknown = text;
    // Zigbee2MQTT 1.x: plain "online"/"offline"; 2.x: {"state":"online"}.
    if (text.startsWith('{')) {
      const json = this.parse(topic, buf);
      if (json === undefined) return;
      v = isObject(json) ? json.state : undefined;
    }
    if (v !== 'online' && v !== 'offline')
      return this.deps.bad(topic, 'availability is neither online nor offline');
    this.withAvailability.add(ieee);
    this.deps.devices.upsert({ id: ieee, online: v === 'online' && this.bridgeOnline });
  }

  private onBridgeState(topic: string, buf: Buffer): void {
    const text = buf.toString('utf8').trim();
    let v: unknown = text;
    if (text.startsWith('{')) {
      const json = this.parse(topic, buf);
      v = isObject(json) ? json.state : undefined;
    }
    if (v !== 'online' && v !== 'offline') return;
    this.bridgeOnline = v === 'online';
    if (!this.bridgeOnline)
      for (const id of this.devices.keys()) this.deps.devices.upsert({ id, online: false });
  }
}
