import { isMetric, unitOf } from '../../../shared/metrics.js';
import type { DeviceKind, LatestValue, Reading, ReadingStatus } from '../../../shared/model.js';
import type { EngineContext, EngineService } from '../context.js';
import type { MqttApi } from '../services.js';
import type { OwnersApi } from './owners.js';
import { ALL_STATUS, peerStates } from './topics.js';

const STATUSES = new Set<ReadingStatus>(['ok', 'nan', 'nres', 'pos_inf', 'neg_inf', 'invalid']);

const MAX_REPORTED = 1000;
/** Readings taken from one entity of one state message at most. */
const MAX_PER_MESSAGE = 10_000;
/** A new owner's reading this close after the old owner's last one is the same packet (ms). */
const SWITCH_GUARD_MS = 50;
/** Wearables whose topic level is remembered at most. */
const MAX_IDS = 10_000;
/** Gateways followed at most (each is one subscription); a flood of made-up ones stops here. */
const MAX_PEERS = 1000;

/**
 * Several gateways on one broker: the wearables other Homebeats bridge (their
 * `homebeat/<gateway>/<device>/state`) become devices here, keyed by the same BLE address, with
 * the reporting gateway added to the device's gateway list, and their readings enter the reading
 * stream tagged with that gateway.
 *
 * A wearable heard by several gateways is stored once in each (owners.ts elects one owner per
 * wearable): a gateway whose own radio hears it keeps its own readings and takes none relayed;
 * one that does not hear it takes only the owner's. A state message carries every reading since
 * the previous one (`readings`, per entity), so nothing between two states is lost; a new owner's
 * first state carries none, so its older values are not taken for new readings. A reading is
 * taken only if newer than the last one taken of its entity (see after()).
 *
 * Peers are found by their availability topic (every gateway publishes it retained, and its will
 * keeps it there), and only their state topics are subscribed: a `homebeat/+/+/state` wildcard
 * would bring every state this gateway bridges back to it from the broker, doubling the MQTT
 * traffic of an idle gateway for messages it can only ignore (MQTT 3.1.1 has no "no local").
 */
export class GatewayPeers implements EngineService {
  readonly name = 'gateways';
  readonly dependsOn: readonly EngineService[];
  /** Per device and entity: the newest reading taken, and from which gateway ('' restored). */
  private readonly taken = new Map<string, { ts: number; gateway: string }>();
  private readonly reported = new Set<string>();
  private readonly offline = new Set<string>();
  /** Device ids by their topic level, for withdrawn (empty) states that carry none. */
  private readonly ids = new Map<string, string>();
  private off: (() => void) | null = null;
  /** Followed peer gateways -> their state subscription's unsubscribe. */
  private readonly followed = new Map<string, () => void>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly mqtt: Pick<MqttApi, 'subscribe'> & EngineService,
    /** Without it (one gateway), every peer's readings are taken. */
    private readonly owners?: OwnersApi,
  ) {
    this.dependsOn = owners ? [mqtt, owners] : [mqtt];
  }

  start(): void {
    this.off = this.mqtt.subscribe(ALL_STATUS, (t, p) => this.onGatewayStatus(t, p));
  }

  dispose(): void {
    this.off?.();
    this.off = null;
    for (const off of this.followed.values()) off();
    this.followed.clear();
  }

  /** Subscribes to a peer's wearable states (its retained ones arrive at once). */
  private follow(gateway: string): void {
    if (this.followed.has(gateway) || this.followed.size >= MAX_PEERS) return;
    this.followed.set(
      gateway,
      this.mqtt.subscribe(peerStates(gateway), (t, p) => this.onState(t, p)),
    );
  }

  /**
   * Another gateway's availability (its LWT): when it goes offline, the wearables only it reported
   * go offline here too; its next state brings them back.
   */
  private onGatewayStatus(topic: string, payload: Buffer): void {
    const gateway = topic.split('/')[1] ?? '';
    if (gateway === this.ctx.gatewayId()) return;
    this.follow(gateway);
    const online = payload.toString() === 'online';
    if (online) this.offline.delete(gateway);
    else if (payload.toString() === 'offline') this.offline.add(gateway);
    else return;
    if (online) return;
    const own = this.ctx.gatewayId();
    for (const d of this.ctx.devices.list()) {
      if (d.source !== 'homebeat_gateway' || !d.online || !d.gateways.includes(gateway)) continue;
      const others = d.gateways.filter((g) => g !== own && !this.offline.has(g));
      if (others.length === 0) this.ctx.devices.upsert({ id: d.id, online: false });
    }
  }

  private onState(topic: string, payload: Buffer): void {
    const [, gateway = '', san = ''] = topic.split('/');
    if (gateway === this.ctx.gatewayId()) return;
    if (payload.length === 0) return this.onWithdrawn(gateway, san);
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.reportOnce(topic, 'gateway state is not JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return this.reportOnce(topic, 'gateway state is not a JSON object');
    }
    const m = msg as Record<string, unknown>;
    const deviceId = m.device;
    if (typeof deviceId !== 'string' || !deviceId || deviceId.length > 64) {
      return this.reportOnce(topic, 'gateway state has no valid device id');
    }
    if (this.ids.size < MAX_IDS || this.ids.has(san)) this.ids.set(san, deviceId);
    const ts = typeof m.ts === 'number' ? m.ts : undefined;
    const owners = this.owners;
    const take =
      !owners || (!owners.hears(deviceId) && (owners.ownerOf(deviceId) ?? gateway) === gateway);
    const readings = take ? this.readingsOf(gateway, deviceId, m, ts) : [];
    // Registry changes made here are relayed, not heard by this gateway's radio.
    if (owners) owners.relaying(() => this.apply(gateway, deviceId, m, ts, readings));
    else this.apply(gateway, deviceId, m, ts, readings);
  }

  private apply(
    gateway: string,
    deviceId: string,
    m: Record<string, unknown>,
    ts: number | undefined,
    readings: Reading[],
  ): void {
    const existing = this.ctx.devices.get(deviceId);
    // A retained state from a gateway whose will said offline is history, not presence.
    const online = this.offline.has(gateway) ? undefined : true;
    if (existing) {
      this.ctx.devices.upsert({ id: deviceId, gateways: [gateway], online });
    } else {
      this.ctx.devices.upsert({
        id: deviceId,
        transport: 'ble',
        source: 'homebeat_gateway',
        kind:
          typeof m.kind === 'string' && /^[a-z_]{1,30}$/.test(m.kind)
            ? (m.kind as DeviceKind)
            : 'other',
        name: typeof m.name === 'string' ? m.name.slice(0, 100) : deviceId,
        gateways: [gateway],
        online: online ?? false,
        lastSeen: ts ?? null,
      });
    }
    if (readings.length) this.ctx.readings.publish(readings);
  }

  /**
   * A gateway withdrew its state of a wearable (it forgot it, or another gateway bridges it now):
   * a wearable known here only through gateways, and that no gateway announces hearing any more,
   * was forgotten, and goes (no ghost of it stays in this gateway's list).
   */
  private onWithdrawn(gateway: string, san: string): void {
    const id = this.ids.get(san);
    const d = id === undefined ? undefined : this.ctx.devices.get(id);
    if (!d || d.source !== 'homebeat_gateway' || !this.owners) return;
    if (this.owners.heardBy(d.id).length > 0) return;
    this.ids.delete(san);
    this.ctx
      .log('mqtt.gateways')
      .info('wearable withdrawn by its gateway', { device: d.id, gateway });
    this.owners.relaying(() => this.ctx.devices.remove(d.id));
  }

  /**
   * The readings of a state message: every one since the previous state (`readings`: entity ->
   * [ts, value, status?][]), or, from a gateway that sends only latest values (an older Homebeat),
   * each metric's value at its timestamp.
   */
  private readingsOf(
    gateway: string,
    deviceId: string,
    m: Record<string, unknown>,
    ts: number | undefined,
  ): Reading[] {
    const out: Reading[] = [];
    const metrics = isObject(m.metrics) ? m.metrics : {};
    const make = (key: string, at: unknown, value: unknown, status?: unknown) => {
      const metric = typeof metrics[key] === 'string' ? (metrics[key] as string) : key;
      if (!isMetric(metric) || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
      if (typeof value === 'number' ? !Number.isFinite(value) : value !== null) return undefined;
      const st = STATUSES.has(status as ReadingStatus) ? (status as ReadingStatus) : undefined;
      const r: Reading = {
        deviceId,
        metric,
        value: value as number | null,
        unit: unitOf(metric),
        ts: at,
        source: 'homebeat_gateway',
        status: st ?? (value === null ? 'invalid' : 'ok'),
        gateway,
      };
      if (key !== metric) r.entity = key;
      return r;
    };
    // Newer than what earlier messages brought; several at one timestamp are all taken.
    const take = (key: string, list: unknown[][]) => {
      const after = this.after(deviceId, key, gateway);
      let newest = -Infinity;
      for (const x of list.slice(0, MAX_PER_MESSAGE)) {
        if (!(typeof x[0] === 'number' && x[0] > after)) continue;
        const r = make(key, x[0], x[1], x[2]);
        if (!r) continue;
        out.push(r);
        newest = Math.max(newest, r.ts);
      }
      if (newest > -Infinity) this.remember(`${deviceId}\u0000${key}`, newest, gateway);
    };
    if (isObject(m.readings)) {
      for (const [key, list] of Object.entries(m.readings))
        if (Array.isArray(list) && key.length <= 64) take(key, list.filter(Array.isArray));
      return out;
    }
    const stamps = isObject(m.timestamps) ? m.timestamps : {};
    for (const [key, value] of Object.entries(m))
      if (isMetric(key)) take(key, [[typeof stamps[key] === 'number' ? stamps[key] : ts, value]]);
    return out;
  }

  /**
   * The time a relayed reading must be after: the newest taken from this gateway; the newest
   * taken from another one (the owner before a handover) plus SWITCH_GUARD_MS, since one packet
   * heard by two gateways is stamped by each a few ms apart; or the device's latest value as this
   * gateway's history restored it (a retained state received after a restart is not news).
   */
  private after(deviceId: string, key: string, gateway: string): number {
    const t = this.taken.get(`${deviceId}\u0000${key}`);
    if (t) return t.gateway === gateway || t.gateway === '' ? t.ts : t.ts + SWITCH_GUARD_MS;
    const latest = (this.ctx.devices.get(deviceId)?.latest as Record<string, LatestValue>)?.[key];
    if (latest) this.remember(`${deviceId}\u0000${key}`, latest.ts, '');
    return latest?.ts ?? -Infinity;
  }

  private remember(k: string, ts: number, gateway: string): void {
    // Bounded: entities of made-up devices beyond it are only deduplicated within a message.
    if (this.taken.size < MAX_IDS * 16 || this.taken.has(k)) this.taken.set(k, { ts, gateway });
  }

  private reportOnce(topic: string, reason: string): void {
    if (this.reported.has(topic)) return;
    if (this.reported.size >= MAX_REPORTED) this.reported.clear();
    this.reported.add(topic);
    this.ctx.log('mqtt.gateways').warn(reason, { topic });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
