/**
 * The Zigbee2MQTT dialect: `<base>/bridge/devices` (retained, with exposes) gives the devices (id:
 * the IEEE address) and their controls; each device's `<base>/<friendly_name>` JSON state and
 * `<base>/<friendly_name>/availability` are followed by exact subscriptions (friendly names may
 * contain '/', so no wildcard could separate them); `<base>/bridge/state` offline takes every
 * device offline. Commands go to `<base>/<friendly_name>/set`. Zigbee2MQTT can announce the same
 * devices through Home Assistant discovery as well: it shadows those (`zigbee2mqtt_<ieee>`).
 */
import type { DeviceControl, DeviceKind, DevicePatch } from '../../../../shared/model.js';
import type { Metric } from '../../../../shared/metrics.js';
import { own } from '../../../../shared/own.js';
import type { Command } from '../commands.js';
import {
  isObject,
  type DialectCommand,
  type DialectHost,
  type DialectValue,
  type MqttSettings,
  type SmartHomeDialect,
} from '../dialect.js';
import { TopicRouter } from '../topic-router.js';
import {
  buildZ2mCommand,
  controlsOf,
  parseBridgeDevices,
  readZ2mState,
  type Z2mDevice,
} from './z2m-exposes.js';

/** The device ids Zigbee2MQTT's own Home Assistant discovery gives its devices. */
const HA_ID_PREFIX = 'zigbee2mqtt_';
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

export class Z2mDialect implements SmartHomeDialect {
  readonly source = 'zigbee2mqtt';
  private readonly devices = new Map<string, Z2mDevice>();
  /** Devices that report their availability (the others come online with their first state). */
  private readonly withAvailability = new Set<string>();
  private run?: { host: DialectHost; router: TopicRouter };
  private base = '';
  private offs: (() => void)[] = [];
  private bridgeOnline = true;

  topicsOf(s: MqttSettings): string {
    return s.zigbee2mqttBase;
  }

  discover(host: DialectHost, s: MqttSettings): void {
    this.run = { host, router: new TopicRouter(host) };
    this.base = s.zigbee2mqttBase;
    this.offs.push(
      host.subscribe(`${this.base}/bridge/devices`, (t, p) => this.onDevices(t, p)),
      host.subscribe(`${this.base}/bridge/state`, (t, p) => this.onBridgeState(t, p)),
    );
  }

  forget(dropDevices: boolean): void {
    for (const off of this.offs.splice(0)) off();
    this.run?.router.clear();
    if (dropDevices) for (const id of this.devices.keys()) this.run?.host.removeDevice(id);
    this.run = undefined;
    this.devices.clear();
    this.withAvailability.clear();
    this.bridgeOnline = true;
  }

  command(
    deviceId: string,
    control: DeviceControl,
    cmd: Command,
  ): DialectCommand | { error: string } | undefined {
    const d = this.devices.get(deviceId);
    const e = d?.entities.find((x) => x.key === control.entity);
    if (!d || !e) return undefined;
    const payload = buildZ2mCommand(e, cmd);
    if ('error' in payload) return { error: String(payload.error) };
    const topic = `${this.base}/${d.friendlyName}/set`;
    return {
      publishes: [{ topic, payload: JSON.stringify(payload), qos: 0, retain: false }],
      confirm: 'state',
    };
  }

  shadows(deviceId: string): boolean {
    return (
      deviceId.startsWith(HA_ID_PREFIX) && this.devices.has(deviceId.slice(HA_ID_PREFIX.length))
    );
  }

  /** Only called while discovering: every caller is a subscription's handler. */
  private get host(): DialectHost {
    if (!this.run) throw new Error('Zigbee2MQTT discovery is not running');
    return this.run.host;
  }

  private get router(): TopicRouter {
    if (!this.run) throw new Error('Zigbee2MQTT discovery is not running');
    return this.run.router;
  }

  private parse(topic: string, buf: Buffer): unknown {
    if (buf.length > this.host.maxPayloadBytes()) {
      this.host.bad(topic, 'oversized payload dropped', { bytes: buf.length });
      return undefined;
    }
    try {
      return JSON.parse(buf.toString('utf8'));
    } catch (err) {
      this.host.bad(topic, `malformed JSON: ${(err as Error).message}`);
      return undefined;
    }
  }

  private onDevices(topic: string, buf: Buffer): void {
    if (buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    const r = parseBridgeDevices(json);
    if ('error' in r) return this.host.bad(topic, r.error);
    if (r.problems.length)
      this.host.bad(topic, `skipped ${r.problems.length} entries: ${r.problems[0]}`);
    const next = new Map(r.devices.map((d) => [d.ieee, d]));
    for (const ieee of this.devices.keys()) {
      if (next.has(ieee)) continue;
      this.router.removeOwner(ieee);
      this.devices.delete(ieee);
      this.host.removeDevice(ieee);
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
      this.host.upsertDevice(this.patchOf(d, !old));
    }
    // Home Assistant duplicates of these devices (Zigbee2MQTT's own discovery) can go now.
    this.host.shadowsChanged();
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
      kind,
      name: d.friendlyName,
      model: d.model,
      manufacturer: d.vendor,
      capabilities: [...caps],
      controls: controlsOf(d),
    };
    // What the device's 'state' (its first binary value) senses, in Home Assistant's words.
    const primary = d.sensors.find((s) => s.type === 'binary')?.property;
    const cls = primary !== undefined ? own(Z2M_BINARY_CLASS, primary) : undefined;
    if (cls) patch.binaryClass = cls;
    if (fresh) patch.online = false;
    return patch;
  }

  private onState(ieee: string, topic: string, buf: Buffer): void {
    const d = this.devices.get(ieee);
    if (!d || buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    if (!isObject(json)) return this.host.bad(topic, 'the state is not a JSON object');
    const upd = readZ2mState(d, json);
    if (upd.errors.length) this.host.bad(topic, upd.errors[0], { device: ieee });
    const out: DialectValue[] = upd.readings.map((r) => ({
      metric: r.mapping.metric,
      value: r.value,
      unit: r.mapping.unit,
    }));
    if (upd.binary !== undefined) out.push({ metric: 'state', value: upd.binary, unit: '' });
    if (out.length) this.host.publishReadings(ieee, out);
    // Readings already mark the device seen and online (the registry folds them in); a patch is
    // needed only for entity states, or to bring a device without availability reports online.
    const wakeUp = this.bridgeOnline && !this.withAvailability.has(ieee) && !out.length;
    const also = wakeUp ? { online: true } : {};
    if (Object.keys(upd.states).length) this.host.states.report(ieee, upd.states, also);
    else if (wakeUp) this.host.upsertDevice({ id: ieee, lastSeen: this.host.now(), ...also });
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
      return this.host.bad(topic, 'availability is neither online nor offline');
    this.withAvailability.add(ieee);
    this.host.upsertDevice({ id: ieee, online: v === 'online' && this.bridgeOnline });
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
      for (const id of this.devices.keys()) this.host.upsertDevice({ id, online: false });
  }
}
