/**
 * Home Assistant MQTT discovery in: listens on `<prefix>/+/+/config` and `<prefix>/+/+/+/config`,
 * keeps the entities those configs announce, groups them into devices (ctx.devices, source
 * 'ha_discovery'), follows their state and availability topics, and turns values into readings
 * (numeric sensors) and device.state[entity] (everything else). An empty retained config removes
 * the entity, and the device with its last entity. Bad input is reported once per topic.
 */
import type { DeviceControl, DeviceKind, DevicePatch } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import { parseConfigTopic, parseDiscoveryMessage, type HaEntity, type Json } from './ha-config.js';
import { isHomebeatConfig, toEntity } from './ha-entity.js';
import { controlOf } from './ha-command.js';
import { applyState, samePayload, sensorMetric, stateTopics, type Role } from './ha-state.js';
import { reading, TopicRouter, type DiscoveryDeps } from './router.js';

const MAX_ENTITIES = 10_000;
const SOURCE = 'ha_discovery';
/** When a device has several entities, the kind shown is the most controllable one. */
const KIND_ORDER: DeviceKind[] = [
  'light',
  'climate',
  'switch',
  'cover',
  'lock',
  'sensor',
  'binary_sensor',
  'button',
];

export class HaDiscovery {
  private readonly entities = new Map<string, HaEntity>();
  private readonly byConfigTopic = new Map<string, Set<string>>();
  private readonly byDevice = new Map<string, Set<string>>();
  private readonly states = new Map<string, Json>();
  /** entity key -> availability per index, and the latest value of any. */
  private readonly avail = new Map<string, { each: Map<number, boolean>; latest?: boolean }>();
  private readonly router: TopicRouter;
  private offs: (() => void)[] = [];

  constructor(
    private readonly deps: DiscoveryDeps,
    private readonly prefix: string,
    /** Entities another source already provides (Zigbee2MQTT's own Home Assistant discovery). */
    private readonly shadowed: (e: HaEntity) => boolean = () => false,
  ) {
    this.router = new TopicRouter(deps);
  }

  /** Drops entities that became shadowed (e.g. once the Zigbee2MQTT device list is known). */
  dropShadowed(): void {
    for (const e of [...this.entities.values()]) if (this.shadowed(e)) this.removeEntity(e.key);
  }

  start(): void {
    for (const f of [`${this.prefix}/+/+/config`, `${this.prefix}/+/+/+/config`])
      this.offs.push(this.deps.subscribe(f, (t, p) => this.onConfig(t, p)));
  }

  /** Stops listening; with `forget`, the devices it created leave the registry too. */
  dispose(forget = false): void {
    for (const off of this.offs.splice(0)) off();
    this.router.clear();
    if (forget) for (const id of this.byDevice.keys()) this.deps.devices.remove(id);
    this.entities.clear();
    this.byConfigTopic.clear();
    this.byDevice.clear();
    this.states.clear();
    this.avail.clear();
  }

  entity(deviceId: string, key: string): HaEntity | undefined {
    const e = this.entities.get(key);
    return e && e.deviceId === deviceId ? e : undefined;
  }

  stateOf(key: string): Json | undefined {
    return this.states.get(key);
  }

  get size(): number {
    return this.entities.size;
  }

  /** Sets an entity's state without a device report (optimistic entities). */
  assume(e: HaEntity, patch: Json): void {
    this.merge(e, patch);
  }

  onConfig(topic: string, buf: Buffer): void {
    if (buf.length > this.deps.maxPayloadBytes()) {
      this.deps.bad(topic, 'oversized payload dropped', { bytes: buf.length });
      return;
    }
    const where = parseConfigTopic(this.prefix, topic);
    if (!where) {
      this.deps.bad(topic, 'illegal discovery topic (allowed: a-z, A-Z, 0-9, _ and -)');
      return;
    }
    const msg = parseDiscoveryMessage(where, topic, buf.toString('utf8'));
    const prev = this.byConfigTopic.get(topic) ?? new Set<string>();
    if (msg.kind === 'error') {
      this.deps.bad(topic, msg.reason);
      return;
    }
    if (msg.kind === 'remove') {
      for (const k of prev) this.removeEntity(k);
      this.byConfigTopic.delete(topic);
      return;
    }
    const next = new Set<string>();
    for (const raw of msg.entities) {
      // Our own bridge (and other Homebeat gateways) announce wearables here: not smart-home devices.
      if (isHomebeatConfig(raw.config)) continue;
      const r = toEntity(raw);
      if ('reason' in r) {
        this.deps.bad(topic, r.reason, { entity: raw.key });
        if (prev.has(raw.key)) next.add(raw.key); // a broken update keeps the working entity
        continue;
      }
      if (this.shadowed(r.entity)) continue;
      if (!this.entities.has(raw.key) && this.entities.size >= MAX_ENTITIES) {
        this.deps.bad(topic, `more than ${MAX_ENTITIES} entities: ignored`);
        continue;
      }
      this.addEntity(r.entity);
      next.add(raw.key);
    }
    for (const k of prev) if (!next.has(k)) this.removeEntity(k);
    for (const k of msg.removed) this.removeEntity(k);
    if (next.size) this.byConfigTopic.set(topic, next);
    else this.byConfigTopic.delete(topic);
  }

  private addEntity(e: HaEntity): void {
    const prev = this.entities.get(e.key);
    if (prev && JSON.stringify(prev.c) === JSON.stringify(e.c)) return; // a retained repeat
    if (prev) {
      this.router.removeOwner(e.key);
      if (prev.deviceId !== e.deviceId) this.detach(prev);
    }
    this.entities.set(e.key, e);
    let keys = this.byDevice.get(e.deviceId);
    if (!keys) this.byDevice.set(e.deviceId, (keys = new Set()));
    keys.add(e.key);
    if (e.unsupported) {
      this.deps.bad(e.configTopic, `unsupported template, not evaluated: ${e.unsupported}`, {
        entity: e.key,
      });
    }
    this.refreshDevice(e.deviceId);
    if (e.unsupported) this.merge(e, { unsupported: e.unsupported });
    for (const { topic, role } of stateTopics(e))
      this.router.add(topic, e.key, (p) => this.onState(e.key, role, topic, p));
    e.availability.forEach((a, i) =>
      this.router.add(a.topic, e.key, (p) => this.onAvailability(e.key, i, a.topic, p)),
    );
  }

  private removeEntity(key: string): void {
    const e = this.entities.get(key);
    if (!e) return;
    this.router.removeOwner(key);
    this.entities.delete(key);
    this.detach(e);
  }

  /** Takes an entity out of its device; the device goes with its last entity. */
  private detach(e: HaEntity): void {
    this.states.delete(e.key);
    this.avail.delete(e.key);
    const keys = this.byDevice.get(e.deviceId);
    keys?.delete(e.key);
    if (!keys || keys.size === 0) {
      this.byDevice.delete(e.deviceId);
      this.deps.devices.remove(e.deviceId);
      return;
    }
    if (this.deps.devices.get(e.deviceId))
      this.deps.devices.upsert({ id: e.deviceId, state: { [e.key]: undefined } });
    this.refreshDevice(e.deviceId);
  }

  private onState(key: string, role: Role, topic: string, buf: Buffer): void {
    const e = this.entities.get(key);
    if (!e) return;
    const upd = applyState(e, role, buf.toString('utf8'));
    if (upd.error) {
      this.deps.bad(topic, upd.error, { entity: key });
      return;
    }
    const out = [];
    if (upd.reading) {
      const { mapping, value } = upd.reading;
      out.push(reading(this.deps, e.deviceId, mapping.metric, value, mapping.unit, SOURCE));
    }
    if (upd.binary !== undefined && this.isPrimaryBinary(e))
      out.push(reading(this.deps, e.deviceId, 'state', upd.binary, '', SOURCE));
    if (out.length) this.deps.readings.publish(out);
    if (upd.patch) this.merge(e, upd.patch);
  }

  private merge(e: HaEntity, patch: Json): void {
    const next = { ...this.states.get(e.key), ...patch };
    this.states.set(e.key, next);
    this.deps.devices.upsert({
      id: e.deviceId,
      state: { [e.key]: next },
      lastSeen: this.deps.now(),
    });
    this.deps.onEntityState(e.deviceId, e.key, next);
  }

  private onAvailability(key: string, i: number, topic: string, buf: Buffer): void {
    const e = this.entities.get(key);
    const a = e?.availability[i];
    if (!e || !a) return;
    let v: unknown = buf.toString('utf8');
    if (a.template) {
      const r = a.template.render(v);
      if (!r.ok) return this.deps.bad(topic, `availability template: ${r.reason}`, { entity: key });
      v = r.value;
    }
    const up = samePayload(v, a.available)
      ? true
      : samePayload(v, a.notAvailable)
        ? false
        : undefined;
    if (up === undefined)
      return this.deps.bad(topic, 'neither available nor not available', { entity: key });
    let st = this.avail.get(key);
    if (!st) this.avail.set(key, (st = { each: new Map() }));
    st.each.set(i, up);
    st.latest = up;
    this.deps.devices.upsert({ id: e.deviceId, online: this.deviceOnline(e.deviceId) });
  }

  private available(e: HaEntity): boolean {
    if (e.availability.length === 0) return true;
    const st = this.avail.get(e.key);
    if (!st) return false;
    if (e.availabilityMode === 'latest') return st.latest === true;
    const vals = e.availability.map((_, i) => st.each.get(i) === true);
    return e.availabilityMode === 'all' ? vals.every(Boolean) : vals.some(Boolean);
  }

  private deviceOnline(deviceId: string): boolean {
    for (const k of this.byDevice.get(deviceId) ?? []) {
      const e = this.entities.get(k);
      if (e && this.available(e)) return true;
    }
    return false;
  }

  private isPrimaryBinary(e: HaEntity): boolean {
    const binaries = [...(this.byDevice.get(e.deviceId) ?? [])]
      .filter((k) => this.entities.get(k)?.component === 'binary_sensor')
      .sort();
    return binaries[0] === e.key;
  }

  private refreshDevice(deviceId: string): void {
    const list = [...(this.byDevice.get(deviceId) ?? [])]
      .map((k) => this.entities.get(k))
      .filter((e): e is HaEntity => !!e)
      .sort((a, b) => a.key.localeCompare(b.key));
    if (list.length === 0) return;
    const caps = new Set<Metric>();
    const controls: DeviceControl[] = [];
    for (const e of list) {
      const m = sensorMetric(e);
      if (m) caps.add(m.metric);
      if (e.component === 'binary_sensor') caps.add('state');
      const ctl = controlOf(e);
      if (ctl) controls.push(ctl);
    }
    const kinds = new Set<string>(list.map((e) => e.component));
    const info = list.find((e) => e.device.name) ?? list[0];
    const patch: DevicePatch = {
      id: deviceId,
      transport: 'mqtt',
      source: SOURCE,
      kind: KIND_ORDER.find((k) => kinds.has(k)) ?? 'other',
      name: info.device.name ?? info.name,
      model: info.device.model,
      manufacturer: info.device.manufacturer,
      firmware: info.device.firmware,
      room: info.device.area,
      capabilities: [...caps],
      controls,
      gateways: [this.deps.gatewayId()],
      online: this.deviceOnline(deviceId),
    };
    // What the device's 'state' senses: the device class of its primary binary sensor.
    const primary = list.find((e) => e.component === 'binary_sensor' && this.isPrimaryBinary(e));
    const dc = primary?.c.device_class;
    if (typeof dc === 'string' && /^[a-z_]{1,40}$/.test(dc)) patch.binaryClass = dc;
    this.deps.devices.upsert(patch);
  }
}
