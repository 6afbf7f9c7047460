import { isMetric, unitOf, type Metric } from '../../../shared/metrics.js';
import type { DeviceKind, Reading } from '../../../shared/model.js';
import type { EngineContext, EngineService } from '../context.js';
import type { MqttApi } from '../services.js';
import { ALL_STATUS, peerStates } from './topics.js';

const MAX_REPORTED = 1000;
/** Gateways followed at most (each is one subscription); a flood of made-up ones stops here. */
const MAX_PEERS = 1000;

/**
 * Several gateways on one broker: the wearables other Homebeats bridge (their
 * `homebeat/<gateway>/<device>/state`) become devices here, keyed by the same BLE address, with
 * the reporting gateway added to the device's gateway list, and their readings enter the reading
 * stream tagged with that gateway. A reading is only relayed once per (gateway, device, metric,
 * timestamp) here, and history stores (device, metric, ts) once, so a wearable seen by two
 * gateways is counted once.
 *
 * Peers are found by their availability topic (every gateway publishes it retained, and its will
 * keeps it there), and only their state topics are subscribed: a `homebeat/+/+/state` wildcard
 * would bring every state this gateway bridges back to it from the broker, doubling the MQTT
 * traffic of an idle gateway for messages it can only ignore (MQTT 3.1.1 has no "no local").
 */
export class GatewayPeers implements EngineService {
  readonly name = 'gateways';
  readonly dependsOn: readonly EngineService[];
  private readonly lastTs = new Map<string, number>();
  private readonly reported = new Set<string>();
  private readonly offline = new Set<string>();
  private off: (() => void) | null = null;
  /** Followed peer gateways -> their state subscription's unsubscribe. */
  private readonly followed = new Map<string, () => void>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly mqtt: Pick<MqttApi, 'subscribe'> & EngineService,
  ) {
    this.dependsOn = [mqtt];
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
    const gateway = topic.split('/')[1] ?? '';
    if (gateway === this.ctx.gatewayId() || payload.length === 0) return;
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
    const ts = typeof m.ts === 'number' ? m.ts : undefined;
    const stamps = (typeof m.timestamps === 'object' && m.timestamps) || {};
    const readings: Reading[] = [];
    for (const [key, value] of Object.entries(m)) {
      if (!isMetric(key) || (typeof value !== 'number' && value !== null)) continue;
      if (typeof value === 'number' && !Number.isFinite(value)) continue;
      const at = (stamps as Record<string, unknown>)[key];
      const readingTs = typeof at === 'number' ? at : ts;
      if (readingTs === undefined || !Number.isFinite(readingTs)) continue;
      const k = `${gateway}\u0000${deviceId}\u0000${key}`;
      if ((this.lastTs.get(k) ?? -Infinity) >= readingTs) continue;
      this.lastTs.set(k, readingTs);
      readings.push({
        deviceId,
        metric: key as Metric,
        value,
        unit: unitOf(key as Metric),
        ts: readingTs,
        source: 'homebeat_gateway',
        status: value === null ? 'invalid' : 'ok',
        gateway,
      });
    }
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

  private reportOnce(topic: string, reason: string): void {
    if (this.reported.has(topic)) return;
    if (this.reported.size >= MAX_REPORTED) this.reported.clear();
    this.reported.add(topic);
    this.ctx.log('mqtt.gateways').warn(reason, { topic });
  }
}
