/**
 * The Zigbee2MQTT dialect: `<base>/bridge/devices` (retained, with exposes) gives the devices (id:
 * the IEEE address), their controls and their properties (one entity each); each device's
 * `<base>/<friendly_name>` JSON state and `<base>/<friendly_name>/availability` are followed by
 * exact subscriptions (friendly names may contain '/', so no wildcard could separate them);
 * `<base>/bridge/state` offline takes every device offline. Commands go to
 * `<base>/<friendly_name>/set`. Zigbee2MQTT can announce the same devices through Home Assistant
 * discovery as well: it shadows those (`zigbee2mqtt_<ieee>`).
 *
 * The device list is the truth about which devices exist: a device missing from it leaves the
 * registry, restored ones from an earlier run included.
 */
import type { DeviceControl } from '../../../../shared/model.js';
import type { Command } from '../commands.js';
import {
  isObject,
  type DialectCommand,
  type DialectHost,
  type MqttSettings,
  type SmartHomeDialect,
} from '../dialect.js';
import { TopicRouter } from '../topic-router.js';
import { buildZ2mCommand } from './z2m-command.js';
import { patchOf, type Reach } from './z2m-device.js';
import { parseBridgeDevices, type Z2mDevice } from './z2m-parse.js';
import { readZ2mState } from './z2m-state.js';

/** The device ids Zigbee2MQTT's own Home Assistant discovery gives its devices. */
const HA_ID_PREFIX = 'zigbee2mqtt_';

export class Z2mDialect implements SmartHomeDialect {
  readonly source = 'zigbee2mqtt';
  private readonly devices = new Map<string, Z2mDevice>();
  /** What each device's availability topic last said (absent: it has said nothing). */
  private readonly reported = new Map<string, boolean>();
  /** Devices that have sent a state in this run. */
  private readonly seen = new Set<string>();
  /** Forgotten by the user: the entry they were forgotten with (the same one keeps them out). */
  private readonly forgotten = new Map<string, string>();
  private run?: { host: DialectHost; router: TopicRouter };
  private base = '';
  private offs: (() => void)[] = [];
  private bridgeOnline = true;
  private gotList = false;

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
    this.reported.clear();
    this.seen.clear();
    this.bridgeOnline = true;
    this.gotList = false;
  }

  forgetDevice(deviceId: string): boolean {
    const d = this.devices.get(deviceId);
    if (!d) return false;
    this.forgotten.set(deviceId, JSON.stringify(d.raw));
    this.drop(deviceId);
    this.run?.host.removeDevice(deviceId, 'forgotten by the user');
    return true;
  }

  /** No device list at all by now: Zigbee2MQTT is gone, and so are the devices it had. */
  settled(): void {
    if (!this.run || this.gotList) return;
    for (const id of this.host.knownDevices())
      this.host.removeDevice(id, 'Zigbee2MQTT announces no device list');
  }

  command(
    deviceId: string,
    control: DeviceControl,
    cmd: Command,
  ): DialectCommand | { error: string } | undefined {
    const d = this.devices.get(deviceId);
    const c = d?.controls.find((x) => x.key === control.entity);
    if (!d || !c) return undefined;
    const payload = buildZ2mCommand(c, cmd);
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
    if (buf.length > this.host.maxPayloadBytes(topic)) {
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

  private reach(ieee: string): Reach {
    if (!this.bridgeOnline) return { online: false, reason: 'the Zigbee2MQTT bridge is offline' };
    const r = this.reported.get(ieee);
    if (r === false) return { online: false, reason: 'Zigbee2MQTT reports it offline' };
    // Not heard of yet is not known to be unavailable: it comes online with its first state.
    return { online: r === true || this.seen.has(ieee) };
  }

  private refresh(ieee: string): void {
    const d = this.devices.get(ieee);
    if (d) this.host.upsertDevice(patchOf(d, this.reach(ieee)));
  }

  /** Stops following a device (the registry entry is the caller's to remove). */
  private drop(ieee: string): void {
    this.run?.router.removeOwner(ieee);
    this.devices.delete(ieee);
    this.reported.delete(ieee);
    this.seen.delete(ieee);
  }

  private onDevices(topic: string, buf: Buffer): void {
    if (buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    const r = parseBridgeDevices(json);
    if ('error' in r) return this.host.bad(topic, r.error);
    if (r.problems.length)
      this.host.bad(topic, `skipped ${r.problems.length} entries: ${r.problems[0]}`);
    this.gotList = true;
    const next = new Map(r.devices.map((d) => [d.ieee, d]));
    for (const ieee of this.forgotten.keys()) {
      const d = next.get(ieee);
      // Left the network: joining again is a new announcement. Changed: announced again.
      if (!d || this.forgotten.get(ieee) !== JSON.stringify(d.raw)) this.forgotten.delete(ieee);
      else next.delete(ieee);
    }
    for (const ieee of [...this.devices.keys()]) if (!next.has(ieee)) this.drop(ieee);
    for (const id of this.host.knownDevices())
      if (!next.has(id)) this.host.removeDevice(id, "no longer in Zigbee2MQTT's device list");
    for (const d of next.values()) {
      const old = this.devices.get(d.ieee);
      if (old) this.keepTypes(topic, old, d);
      this.devices.set(d.ieee, d);
      if (!old || old.friendlyName !== d.friendlyName) {
        this.router.removeOwner(d.ieee);
        const st = `${this.base}/${d.friendlyName}`;
        this.router.add(st, d.ieee, (p) => this.onState(d.ieee, st, p));
        this.router.add(`${st}/availability`, d.ieee, (p) =>
          this.onAvailability(d.ieee, `${st}/availability`, p),
        );
      }
      this.host.upsertDevice(patchOf(d, this.reach(d.ieee)));
    }
    // Home Assistant duplicates of these devices (Zigbee2MQTT's own discovery) can go now.
    this.host.shadowsChanged();
  }

  /**
   * A property whose type or metric changed in a new definition keeps the old one, so its series
   * keeps its meaning; the change is logged.
   */
  private keepTypes(topic: string, old: Z2mDevice, d: Z2mDevice): void {
    for (const [key, p] of d.props) {
      const was = old.props.get(key);
      if (!was || (was.type === p.type && was.mapping?.metric === p.mapping?.metric)) continue;
      d.props.set(key, was);
      const from = was.mapping?.metric ?? was.type;
      const to = p.mapping?.metric ?? p.type;
      this.host.bad(topic, `type changed: ${d.ieee} ${key} from ${from} to ${to}, kept ${from}`);
    }
  }

  private onState(ieee: string, topic: string, buf: Buffer): void {
    const d = this.devices.get(ieee);
    if (!d || buf.length === 0) return;
    const json = this.parse(topic, buf);
    if (json === undefined) return;
    if (!isObject(json)) return this.host.bad(topic, 'the state is not a JSON object');
    const upd = readZ2mState(d, json);
    if (upd.errors.length) this.host.bad(topic, upd.errors[0], { device: ieee });
    if (upd.unknown.length)
      this.host.bad(topic, `unknown properties: ${upd.unknown.slice(0, 10).join(', ')}`, {
        device: ieee,
      });
    const first = !this.seen.has(ieee);
    this.seen.add(ieee);
    if (upd.values.length) this.host.publishReadings(ieee, upd.values);
    if (Object.keys(upd.states).length) this.host.states.report(ieee, upd.states);
    else if (!upd.values.length) this.host.upsertDevice({ id: ieee, lastSeen: this.host.now() });
    // Heard from for the first time: online, unless its availability says otherwise.
    if (first) this.refresh(ieee);
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
    this.reported.set(ieee, v === 'online');
    this.refresh(ieee);
  }

  private onBridgeState(topic: string, buf: Buffer): void {
    const text = buf.toString('utf8').trim();
    let v: unknown = text;
    if (text.startsWith('{')) {
      const json = this.parse(topic, buf);
      v = isObject(json) ? json.state : undefined;
    }
    if (v !== 'online' && v !== 'offline') return;
    if (this.bridgeOnline === (v === 'online')) return;
    this.bridgeOnline = v === 'online';
    for (const id of this.devices.keys()) this.refresh(id);
  }
}
