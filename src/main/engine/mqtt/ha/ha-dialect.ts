/**
 * The Home Assistant discovery dialect: listens on `<prefix>/+/+/config` and
 * `<prefix>/+/+/+/config`, keeps the entities those configs announce, groups them into devices
 * (source 'ha_discovery'), follows their state and availability topics, and turns values into
 * readings (numeric sensors and binary sensors, each keyed by its entity) and entity states
 * (everything else). An empty retained config removes the entity, and the device with its last
 * entity; a device restored from the last run that no config announces any more is removed once
 * the retained configs have arrived (settled). Commands become what each entity's config asks for
 * (ha-command.ts). Availability is per entity (ha-availability.ts). Bad input is reported once per
 * topic.
 */
import type { DeviceControl } from '../../../../shared/model.js';
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
import { HaAvailabilityTracker } from './ha-availability.js';
import { buildHaCommand } from './ha-command.js';
import { parseConfigTopic, parseDiscoveryMessage, type HaEntity } from './ha-config.js';
import { devicePatch } from './ha-device.js';
import { isHomebeatConfig, toEntity } from './ha-entity.js';
import { applyState, stateTopics, type Role } from './ha-state.js';

const MAX_ENTITIES = 10_000;

export class HaDialect implements SmartHomeDialect {
  readonly source = 'ha_discovery';
  private readonly entities = new Map<string, HaEntity>();
  private readonly byConfigTopic = new Map<string, Set<string>>();
  private readonly byDevice = new Map<string, Set<string>>();
  private readonly avail = new HaAvailabilityTracker();
  /** Entities of devices the user forgot, with the config they were forgotten with. */
  private readonly forgotten = new Map<
    string,
    { deviceId: string; config: string; configTopic: string }
  >();
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
    this.avail.reset();
  }

  forgetDevice(deviceId: string): boolean {
    const keys = this.byDevice.get(deviceId);
    if (!keys || !this.run) return false;
    for (const k of [...keys]) {
      const e = this.entities.get(k);
      if (e)
        this.forgotten.set(k, {
          deviceId,
          config: JSON.stringify(e.c),
          configTopic: e.configTopic,
        });
      this.removeEntity(k, 'forgotten by the user');
    }
    return true;
  }

  /** The retained configs are in: a device of ours that none announces is a ghost. */
  settled(): void {
    if (!this.run) return;
    for (const id of this.host.knownDevices())
      if (!this.byDevice.has(id))
        this.host.removeDevice(id, 'no Home Assistant discovery config announces it');
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
    if (buf.length > this.host.maxPayloadBytes(topic)) {
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
      for (const k of prev) this.removeEntity(k, 'its discovery config was removed');
      // Withdrawn: announcing it again later brings a forgotten device back.
      for (const [k, f] of this.forgotten) if (f.configTopic === topic) this.forgotten.delete(k);
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
      if (this.stillForgotten(r.entity)) continue;
      if (!this.entities.has(raw.key) && this.entities.size >= MAX_ENTITIES) {
        this.host.bad(topic, `more than ${MAX_ENTITIES} entities: ignored`);
        continue;
      }
      this.addEntity(r.entity);
      next.add(raw.key);
    }
    for (const k of prev) if (!next.has(k)) this.removeEntity(k, 'its discovery config dropped it');
    for (const k of msg.removed) {
      this.removeEntity(k, 'its discovery config dropped it');
      this.forgotten.delete(k);
    }
    if (next.size) this.byConfigTopic.set(topic, next);
    else this.byConfigTopic.delete(topic);
  }

  /**
   * Whether an entity belongs to a forgotten device and is announced as it was when forgotten (a
   * retained repeat). Announced differently, its device is back: nothing of it stays forgotten.
   */
  private stillForgotten(e: HaEntity): boolean {
    const f = this.forgotten.get(e.key);
    if (!f) return false;
    if (f.config === JSON.stringify(e.c)) return true;
    for (const [k, x] of this.forgotten) if (x.deviceId === f.deviceId) this.forgotten.delete(k);
    return false;
  }

  private addEntity(e: HaEntity): void {
    const prev = this.entities.get(e.key);
    if (prev && JSON.stringify(prev.c) === JSON.stringify(e.c)) return; // a retained repeat
    if (prev) {
      this.router.removeOwner(e.key);
      if (prev.deviceId !== e.deviceId) this.detach(prev, 'its entities moved to another device');
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
    for (const a of e.availability)
      this.router.add(a.topic, e.key, (p) => this.onAvailability(e.key, a.topic, p));
  }

  private removeEntity(key: string, why?: string): void {
    const e = this.entities.get(key);
    if (!e) return;
    this.router.removeOwner(key);
    this.entities.delete(key);
    this.detach(e, why);
  }

  /** Takes an entity out of its device; the device goes with its last entity. */
  private detach(e: HaEntity, why?: string): void {
    this.avail.clear(e.key);
    const keys = this.byDevice.get(e.deviceId);
    keys?.delete(e.key);
    if (!keys || keys.size === 0) {
      this.byDevice.delete(e.deviceId);
      this.host.removeDevice(e.deviceId, why);
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
      out.push({ entity: key, metric: mapping.metric, value, unit: mapping.unit });
    }
    // Every binary sensor is its own series: 1 is its class's "on" (open, detected, wet).
    if (upd.binary !== undefined)
      out.push({ entity: key, metric: 'state', value: upd.binary, unit: '' });
    if (out.length) this.host.publishReadings(e.deviceId, out);
    if (upd.patch) this.merge(e, upd.patch);
  }

  private merge(e: HaEntity, patch: Json): void {
    this.host.states.report(e.deviceId, { [e.key]: patch });
  }

  private onAvailability(key: string, topic: string, buf: Buffer): void {
    const e = this.entities.get(key);
    if (!e) return;
    const r = this.avail.onMessage(e, topic, buf.toString('utf8'));
    if ('error' in r) return this.host.bad(topic, r.error, { entity: key });
    this.refreshDevice(e.deviceId);
  }

  private refreshDevice(deviceId: string): void {
    const list = [...(this.byDevice.get(deviceId) ?? [])]
      .map((k) => this.entities.get(k))
      .filter((e): e is HaEntity => !!e)
      .sort((a, b) => a.key.localeCompare(b.key));
    if (list.length === 0) return;
    this.host.upsertDevice(devicePatch(deviceId, list, (e) => this.avail.of(e)));
  }
}
