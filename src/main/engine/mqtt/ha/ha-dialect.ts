/**
 * The Home Assistant discovery dialect: listens on `<prefix>/+/+/config` and
 * `<prefix>/+/+/+/config`, keeps the entities those configs announce, groups them into devices
 * (source 'ha_discovery'), follows their state and availability topics, and turns values into
 * readings (numeric sensors) and entity states (everything else). An empty retained config removes
 * the entity, and the device with its last entity. Commands become what each entity's config asks
 * for (ha-command.ts). Bad input is reported once per topic.
 */
import type { DeviceControl, DeviceKind, DevicePatch } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import type { Command } from '../commands.js';
import type {
  DialectCommand,
  DialectHost,
  DialectValue,
  Json,
  MqttSettings,
  SmartHomeDialect,
} from '../dialect.js';
import { TopicRouter } from '../topic-router.js';
import { parseConfigTopic, parseDiscoveryMessage, type HaEntity } from './ha-config.js';
import { isHomebeatConfig, toEntity } from './ha-entity.js';
import { buildHaCommand, controlOf } from './ha-command.js';
import { applyState, samePayload, sensorMetric, stateTopics, type Role } from './ha-state.js';

const MAX_ENTITIES = 10_000;
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

export class HaDialect implements SmartHomeDialect {
  readonly source = 'ha_discovery';
  private readonly entities = new Map<string, HaEntity>();
  private readonly byConfigTopic = new Map<string, Set<string>>();
  private readonly byDevice = new Map<string, Set<string>>();
  /** entity key -> availability per index, and the latest value of any. */
  private readonly avail = new Map<string, { each: Map<number, boolean>; latest?: boolean }>();
  private run?: { host: DialectHost; router: TopicRouter };
  private prefix = '';
  private offs: (() => void)[] = [];

  topicsOf(s: MqttSettings): string {
    return s.discoveryPrefix;
  }

  discover(host: DialectHost, s: MqttSettings): void {
    this.run = { host, router: new TopicRouter(host) };
    this.prefix = s.discoveryPrefix;
    for (const f of [`${s.discoveryPrefix}/+/+/config`, `${s.discoveryPrefix}/+/+/+/config`])
      this.offs.push(host.subscribe(f, (t, p) => this.onConfig(t, p)));
  }

  forget(dropDevices: boolean): void {
    for (const off of this.offs.splice(0)) off();
    this.run?.router.clear();
    if (dropDevices) for (const id of this.byDevice.keys()) this.run?.host.removeDevice(id);
    this.run = undefined;
    this.entities.clear();
    this.byConfigTopic.clear();
    this.byDevice.clear();
    this.avail.clear();
  }

  command(
    deviceId: string,
    control: DeviceControl,
    cmd: Command,
  ): DialectCommand | { error: string } | undefined {
    const e = this.entities.get(control.entity);
    if (!e || e.deviceId !== deviceId) return undefined;
    const built = buildHaCommand(e, cmd);
    if ('error' in built) return built;
    const confirm = control.kind === 'button' ? 'sent' : built.optimistic ? 'assumed' : 'state';
    return { publishes: built.publishes, confirm };
  }

  /** Drops entities that became shadowed (e.g. once the Zigbee2MQTT device list is known). */
  dropShadowed(): void {
    if (!this.run) return;
    for (const e of [...this.entities.values()])
      if (this.host.shadowed(e.deviceId)) this.removeEntity(e.key);
  }

  /** Only called while discovering: every caller is a subscription's handler. */
  private get host(): DialectHost {
    if (!this.run) throw new Error('Home Assistant discovery is not running');
    return this.run.host;
  }

  private get router(): TopicRouter {
    if (!this.run) throw new Error('Home Assistant discovery is not running');
    return this.run.router;
  }

  private onConfig(topic: string, buf: Buffer): void {
    if (buf.length > this.host.maxPayloadBytes()) {
      this.host.bad(topic, 'oversized payload dropped', { bytes: buf.length });
      return;
    }
    const where = parseConfigTopic(this.prefix, topic);
    if (!where) {
      this.host.bad(topic, 'illegal discovery topic (allowed: a-z, A-Z, 0-9, _ and -)');
      return;
    }
    const msg = parseDiscoveryMessage(where, topic, buf.toString('utf8'));
    const prev = this.byConfigTopic.get(topic) ?? new Set<string>();
    if (msg.kind === 'error') {
      this.host.bad(topic, msg.reason);
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
        this.host.bad(topic, r.reason, { entity: raw.key });
        if (prev.has(raw.key)) next.add(raw.key); // a broken update keeps the working entity
        continue;
      }
      if (this.host.shadowed(r.entity.deviceId)) continue;
      if (!this.entities.has(raw.key) && this.entities.size >= MAX_ENTITIES) {
        this.host.bad(topic, `more than ${MAX_ENTITIES} entities: ignored`);
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
      this.host.bad(e.configTopic, `unsupported template, not evaluated: ${e.unsupported}`, {
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
    this.avail.delete(e.key);
    const keys = this.byDevice.get(e.deviceId);
    keys?.delete(e.key);
    if (!keys || keys.size === 0) {
      this.byDevice.delete(e.deviceId);
      this.host.removeDevice(e.deviceId);
      return;
    }
    this.host.states.clear(e.deviceId, e.key);
    this.refreshDevice(e.deviceId);
  }

  private onState(key: string, role: Role, topic: string, buf: Buffer): void {
    const e = this.entities.get(key);
    if (!e) return;
    const upd = applyState(e, role, buf.toString('utf8'));
    if (upd.error) {
      this.host.bad(topic, upd.error, { entity: key });
      return;
    }
    const out: DialectValue[] = [];
    if (upd.reading) {
      const { mapping, value } = upd.reading;
      out.push({ metric: mapping.metric, value, unit: mapping.unit });
    }
    if (upd.binary !== undefined && this.isPrimaryBinary(e))
      out.push({ metric: 'state', value: upd.binary, unit: '' });
    if (out.length) this.host.publishReadings(e.deviceId, out);
    if (upd.patch) this.merge(e, upd.patch);
  }

  private merge(e: HaEntity, patch: Json): void {
    this.host.states.report(e.deviceId, { [e.key]: patch });
  }

  private onAvailability(key: string, i: number, topic: string, buf: Buffer): void {
    const e = this.entities.get(key);
    const a = e?.availability[i];
    if (!e || !a) return;
    let v: unknown = buf.toString('utf8');
    if (a.template) {
      const r = a.template.render(v);
      if (!r.ok) return this.host.bad(topic, `availability template: ${r.reason}`, { entity: key });
      v = r.value;
    }
    const up = samePayload(v, a.available)
      ? true
      : samePayload(v, a.notAvailable)
        ? false
        : undefined;
    if (up === undefined)
      return this.host.bad(topic, 'neither available nor not available', { entity: key });
    let st = this.avail.get(key);
    if (!st) this.avail.set(key, (st = { each: new Map() }));
    st.each.set(i, up);
    st.latest = up;
    this.host.upsertDevice({ id: e.deviceId, online: this.deviceOnline(e.deviceId) });
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
      kind: KIND_ORDER.find((k) => kinds.has(k)) ?? 'other',
      name: info.device.name ?? info.name,
      model: info.device.model,
      manufacturer: info.device.manufacturer,
      firmware: info.device.firmware,
      room: info.device.area,
      capabilities: [...caps],
      controls,
      online: this.deviceOnline(deviceId),
    };
    // What the device's 'state' senses: the device class of its primary binary sensor.
    const primary = list.find((e) => e.component === 'binary_sensor' && this.isPrimaryBinary(e));
    const dc = primary?.c.device_class;
    if (typeof dc === 'string' && /^[a-z_]{1,40}$/.test(dc)) patch.binaryClass = dc;
    this.host.upsertDevice(patch);
  }
}
