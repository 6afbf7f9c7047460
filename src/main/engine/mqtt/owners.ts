import type { Device, Reading } from '../../../shared/model.js';
import type { EngineContext, EngineService } from '../context.js';
import type { MqttApi } from '../services.js';
import { ALL_HEARS, ALL_STATUS, hearsTopic, sanitiseId } from './topics.js';

/** A gateway re-announces a wearable's signal only when it moved this much (dB): the hysteresis. */
export const RSSI_STEP_DB = 6;
/** An announcement an earlier run left on the broker is withdrawn if not heard again by then. */
const STALE_MS = 30_000;
/** Wearables and gateways followed at most; a flood of made-up announcements stops here. */
const MAX_DEVICES = 10_000;

/** A BLE wearable of this gateway's own radio (not one another gateway relays). */
export const isWearable = (d: Device): boolean =>
  d.transport === 'ble' && (d.source === 'ble' || d.source === 'bthome');

/** Which gateway bridges a wearable, and whether this one hears it itself. */
export interface OwnersApi extends EngineService {
  /** This gateway is the elected owner (or the only one known): it publishes the wearable. */
  owns(deviceId: string): boolean;
  /** Elected owner by the announcements (not only the one gateway that hears it so far). */
  confirmed(deviceId: string): boolean;
  /** The elected owner; undefined while no live gateway has announced hearing the wearable. */
  ownerOf(deviceId: string): string | undefined;
  /** This gateway's own radio hears the wearable now (it stores its own readings of it). */
  hears(deviceId: string): boolean;
  /** The gateways announcing that they hear the wearable (alive or not). */
  heardBy(deviceId: string): string[];
  /** Called with a wearable's id whenever its owner, in this gateway's view, changes. */
  onChange(listener: (deviceId: string) => void): () => void;
  /** Runs `fn` with the registry changes it makes not taken as hearing (relayed readings). */
  relaying(fn: () => void): void;
}

/**
 * One owner per wearable among the gateways on a broker. Each gateway announces, retained, the
 * signal at which it hears each wearable (`homebeat/<gw>/<dev>/hears`, `{"device","rssi"}`; empty
 * when it stops hearing it), and re-announces only a change of RSSI_STEP_DB or more. The owner is
 * a pure function of retained state every gateway receives alike: among the gateways whose
 * availability (`homebeat/<gw>/status`, their will) says online and that announce the wearable,
 * the strongest signal, ties to the smallest gateway id. So every gateway elects the same owner
 * once the broker has delivered the same messages, without a claim protocol; the hysteresis sits
 * where the signal is measured, so ownership moves only on a real change of signal. A gateway
 * that dies drops out with its will, and the next best is elected at once, on every gateway. With
 * no live candidate the last owner stays (it reports the wearable away).
 *
 * Own announcements count only once the broker echoes them, like everyone else's: the election
 * never runs ahead of what the other gateways can know.
 */
export class GatewayOwners implements OwnersApi {
  readonly name = 'owners';
  readonly dependsOn: readonly EngineService[];
  private readonly online = new Map<string, boolean>();
  /** Sanitised device id -> gateway -> announced RSSI (null: heard, signal unknown). */
  private readonly heard = new Map<string, Map<string, number | null>>();
  private readonly owner = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  /** Wearables this gateway's radio hears now, and what it last announced of each. */
  private readonly local = new Set<string>();
  /** Wearables the BLE service reported away (presence), until heard again. */
  private readonly away = new Set<string>();
  private startedAt = 0;
  private readonly announced = new Map<string, number | null>();
  private readonly stale = new Set<string>();
  private staleTimer: unknown = null;
  private relayDepth = 0;
  private readonly listeners = new Set<(deviceId: string) => void>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly mqtt: Pick<MqttApi, 'publish' | 'subscribe' | 'onConnected'> & EngineService,
  ) {
    this.dependsOn = [mqtt];
  }

  start(): void {
    this.startedAt = this.ctx.ports.clock.now();
    this.offs.push(
      this.mqtt.subscribe(ALL_STATUS, (t, p) => this.onStatus(t, p)),
      this.mqtt.subscribe(ALL_HEARS, (t, p, retained) => this.onHears(t, p, retained)),
      this.mqtt.onConnected(() => this.announceAll()),
      this.ctx.readings.subscribe((rs) => this.onReadings(rs)),
      this.ctx.devices.onChange((d) => {
        if (this.relayDepth > 0) return;
        for (const dev of d.upserted) this.onDevice(dev);
        for (const id of d.removed) {
          this.away.delete(id);
          this.stopHearing(id);
        }
      }),
    );
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.ctx.ports.clock.clearTimeout(this.staleTimer);
  }

  /**
   * Until any gateway's announcement of a wearable has come back from the broker (this gateway's
   * first packet of it, a broker not reached yet), the gateway that hears it bridges it: alone on
   * the broker it is the owner anyway, and otherwise the owner's watch on the shared config
   * (bridge.ts) writes its own again as soon as this one's arrives.
   */
  owns(deviceId: string): boolean {
    const owner = this.ownerOf(deviceId);
    return owner === undefined ? this.local.has(deviceId) : owner === this.ctx.gatewayId();
  }

  confirmed(deviceId: string): boolean {
    return this.ownerOf(deviceId) === this.ctx.gatewayId();
  }

  ownerOf(deviceId: string): string | undefined {
    return this.owner.get(sanitiseId(deviceId));
  }

  /**
   * Heard now; or paired here and not yet heard since the start, until the presence timeout
   * would call it away: its own readings are coming, and a relayed one taken meanwhile would be
   * the same packet stamped twice once they do.
   */
  hears(deviceId: string): boolean {
    if (this.local.has(deviceId)) return true;
    if (this.away.has(deviceId)) return false;
    const ble = this.ctx.settings.get().ble;
    const sensor = deviceId.split('/')[0];
    if (!ble.paired.some((p) => p.id === deviceId || p.id === sensor)) return false;
    return this.ctx.ports.clock.now() - this.startedAt < ble.presenceTimeoutSec * 1000;
  }

  heardBy(deviceId: string): string[] {
    return [...(this.heard.get(sanitiseId(deviceId))?.keys() ?? [])];
  }

  onChange(listener: (deviceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  relaying(fn: () => void): void {
    this.relayDepth += 1;
    try {
      fn();
    } finally {
      this.relayDepth -= 1;
    }
  }

  // ---- what this gateway hears ----

  /** A reading of this gateway's own radio (relayed ones carry their gateway) means heard now. */
  private onReadings(rs: Reading[]): void {
    const own = this.ctx.gatewayId();
    let last = '';
    for (const r of rs) {
      if ((r.gateway && r.gateway !== own) || r.deviceId === last) continue;
      last = r.deviceId;
      const dev = this.ctx.devices.get(r.deviceId);
      if (dev && isWearable(dev)) this.hear(dev);
    }
  }

  /** The BLE service reports presence (online, away) and signal of its own wearables. */
  private onDevice(d: Device): void {
    if (!isWearable(d)) return;
    if (d.online) return this.hear(d);
    this.away.add(d.id);
    this.stopHearing(d.id);
  }

  private hear(d: Device): void {
    this.local.add(d.id);
    this.away.delete(d.id);
    this.stale.delete(sanitiseId(d.id));
    const rssi = typeof d.rssi === 'number' && Number.isFinite(d.rssi) ? Math.round(d.rssi) : null;
    const was = this.announced.get(d.id);
    if (was !== undefined && (was === null) === (rssi === null)) {
      if (rssi === null || was === null || Math.abs(rssi - was) < RSSI_STEP_DB) return;
    }
    this.announced.set(d.id, rssi);
    this.mqtt.publish(
      hearsTopic(this.ctx.gatewayId(), d.id),
      JSON.stringify({ device: d.id, rssi }),
      {
        qos: 1,
        retain: true,
        coalesce: true,
      },
    );
  }

  private stopHearing(id: string): void {
    this.local.delete(id);
    if (!this.announced.delete(id)) return;
    this.retract(id);
  }

  private retract(id: string): void {
    this.mqtt.publish(hearsTopic(this.ctx.gatewayId(), id), '', {
      qos: 1,
      retain: true,
      coalesce: true,
    });
  }

  /** After a (re)connect: every wearable heard now, announced again (the broker may have lost it). */
  private announceAll(): void {
    this.announced.clear();
    for (const id of this.local) {
      const d = this.ctx.devices.get(id);
      if (d) this.hear(d);
    }
  }

  // ---- what the broker says ----

  private onStatus(topic: string, payload: Buffer): void {
    const gateway = topic.split('/')[1] ?? '';
    const text = payload.toString();
    if (text !== 'online' && text !== 'offline') return;
    const online = text === 'online';
    if (this.online.get(gateway) === online) return;
    if (!this.online.has(gateway) && this.online.size >= MAX_DEVICES) return;
    this.online.set(gateway, online);
    for (const [san, by] of this.heard) if (by.has(gateway)) this.elect(san);
  }

  private onHears(topic: string, payload: Buffer, retained: boolean): void {
    const [, gateway = '', san = ''] = topic.split('/');
    let by = this.heard.get(san);
    if (payload.length === 0) {
      if (!by?.delete(gateway)) return;
      return this.elect(san);
    }
    let msg: { device?: unknown; rssi?: unknown };
    try {
      msg = JSON.parse(payload.toString('utf8')) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const rssi = typeof msg.rssi === 'number' && Number.isFinite(msg.rssi) ? msg.rssi : null;
    if (typeof msg.device === 'string' && msg.device.length <= 64 && sanitiseId(msg.device) === san)
      this.ids.set(san, msg.device);
    if (!by) {
      if (this.heard.size >= MAX_DEVICES) return;
      by = new Map();
      this.heard.set(san, by);
    }
    by.set(gateway, rssi);
    // Our own announcement from an earlier run: withdrawn unless the radio hears the wearable soon.
    const id = this.ids.get(san);
    if (retained && gateway === this.ctx.gatewayId() && !(id && this.local.has(id)))
      this.markStale(san);
    this.elect(san);
  }

  private markStale(san: string): void {
    this.stale.add(san);
    if (this.staleTimer) return;
    const { clock } = this.ctx.ports;
    this.staleTimer = clock.setTimeout(() => {
      this.staleTimer = null;
      for (const s of this.stale) {
        const id = this.ids.get(s);
        if (id && !this.local.has(id)) this.retract(id);
      }
      this.stale.clear();
    }, STALE_MS);
    (this.staleTimer as { unref?: () => void } | null)?.unref?.();
  }

  /** The strongest live announcer, ties to the smallest gateway id; none: the owner stays. */
  private elect(san: string): void {
    let best: string | undefined;
    let bestRssi = -Infinity;
    for (const [gw, rssi] of this.heard.get(san) ?? []) {
      if (this.online.get(gw) !== true) continue;
      const r = rssi ?? -Infinity;
      if (best === undefined || r > bestRssi || (r === bestRssi && gw < best)) {
        best = gw;
        bestRssi = r;
      }
    }
    if (best === undefined || best === this.owner.get(san)) return;
    this.owner.set(san, best);
    const id = this.ids.get(san);
    if (id) for (const l of this.listeners) l(id);
  }
}
