import { createServer, connect, type Server, type Socket } from 'node:net';
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import type { Mosquitto } from '../../helpers/mosquitto.js';
import { MqttService, type MqttServiceOptions } from '../../../src/main/engine/mqtt/service.js';
import { HistoryService } from '../../../src/main/engine/history/history-service.js';
import { BleService, type BleServiceOptions } from '../../../src/main/engine/ble/service.js';
import { WearableBridge } from '../../../src/main/engine/mqtt/bridge.js';
import { GatewayPeers } from '../../../src/main/engine/mqtt/gateways.js';
import { GatewayOwners } from '../../../src/main/engine/mqtt/owners.js';
import type { EngineContext, EngineService } from '../../../src/main/engine/context.js';
import type { Settings } from '../../../src/shared/settings.js';
import type { MqttStatus } from '../../../src/shared/contract/index.js';

/** The services of an MQTT test engine, kept so a test reaches them directly. */
export interface MqttServices {
  mqtt: MqttService;
  history?: HistoryService;
  ble?: BleService;
  owners?: GatewayOwners;
  bridge?: WearableBridge;
  gateways?: GatewayPeers;
}

/** What an MQTT test engine is made of: the MQTT service, and what a test asks for besides. */
export interface MqttComposeOptions {
  service?: Omit<MqttServiceOptions, 'history'>;
  /** A history service whose database keeps the outbox (as in production). */
  history?: boolean;
  /** A BLE service (the bridge gets its button presses when there is a bridge). */
  ble?: Omit<BleServiceOptions, 'history' | 'scheduler'>;
  /** The wearable bridge out: discovery and states of the BLE wearables. */
  bridge?: boolean;
  /** Peer gateways on the same broker become devices here. */
  gateways?: boolean;
}

export interface MqttEngine extends TestEngine, MqttServices {
  /** Waits until status.mqtt satisfies `pred` (event-driven, with a deadline). */
  /** `since`: a batch index; statuses pushed from there on count too (for fast transitions). */
  waitMqtt(
    pred: (s: MqttStatus) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<MqttStatus>;
}

/** Builds the services `opts` asks for around the MQTT service (fast reconnects). */
export function mqttServices(
  ctx: EngineContext,
  opts: MqttComposeOptions,
): MqttServices & { list: EngineService[] } {
  const history = opts.history ? new HistoryService(ctx) : undefined;
  const mqtt = new MqttService(ctx, {
    backoff: { baseMs: 50, capMs: 500 },
    ...opts.service,
    history,
  });
  const ble = opts.ble ? new BleService(ctx, opts.ble) : undefined;
  // As in production: the bridge and the peers share the election of one owner per wearable.
  const owners = opts.bridge || opts.gateways ? new GatewayOwners(ctx, mqtt) : undefined;
  const bridge = opts.bridge ? new WearableBridge(ctx, { mqtt, ble, owners }) : undefined;
  const gateways = opts.gateways ? new GatewayPeers(ctx, mqtt, owners) : undefined;
  const list = [history, ble, mqtt, owners, bridge, gateways].filter((s) => s !== undefined);
  return { mqtt, history, ble, owners, bridge, gateways, list };
}

/** A real engine with the MQTT service (and what `opts` adds), configured before it starts. */
export async function startMqttEngine(
  opts: MqttComposeOptions & {
    mqtt?: Partial<Settings['mqtt']>;
    gatewayId?: string;
    dir?: string;
    password?: string;
  },
): Promise<MqttEngine> {
  let built: MqttServices | undefined;
  const te = await createTestEngine({
    dir: opts.dir,
    start: false,
    compose: (ctx) => {
      const s = mqttServices(ctx, opts);
      built = s;
      return s.list;
    },
  });
  if (opts.password !== undefined) te.ports.secrets.set('mqtt:password', opts.password);
  te.engine.settings.update({
    general: { gatewayId: opts.gatewayId ?? 'gw-test' },
    mqtt: { hasPassword: opts.password !== undefined, ...opts.mqtt },
  });
  await te.engine.start();
  const { mqtt: mqttSvc, history, ble, owners, bridge, gateways } = built!;
  return Object.assign(te, {
    mqtt: mqttSvc,
    history,
    ble,
    owners,
    bridge,
    gateways,
    async waitMqtt(pred: (s: MqttStatus) => boolean, timeoutMs = 10_000, since?: number) {
      if (since !== undefined) {
        const seen = te.batches.slice(since).find((b) => b.status && pred(b.status.mqtt));
        if (seen) return seen.status!.mqtt;
      } else if (pred(te.engine.status().mqtt)) return te.engine.status().mqtt;
      // Only batches from now on: an old 'connected' must not satisfy a wait for the next one.
      const from = te.batches.length;
      const b = await te.waitFor(
        (x) => !!x.status && pred(x.status.mqtt) && te.batches.indexOf(x) >= from,
        timeoutMs,
      );
      return b.status!.mqtt;
    },
  });
}

export const brokerSettings = (b: Mosquitto | { port: number }): Partial<Settings['mqtt']> => ({
  host: '127.0.0.1',
  port: b.port,
});

/** A plain mqtt.js client for the test's side of the broker. */
export async function plainClient(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 100, connectTimeout: 5000, ...opts });
}

/** Resolves with the first message on `topic` for which `pred` holds. */
export function nextMessage(
  client: MqttClient,
  topic: string,
  pred: (payload: string, retained: boolean) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMsg = (t: string, p: Buffer, packet: { retain?: boolean }) => {
      if (t !== topic || !pred(p.toString(), !!packet.retain)) return;
      clearTimeout(timer);
      client.off('message', onMsg);
      resolve(p.toString());
    };
    const timer = setTimeout(() => {
      client.off('message', onMsg);
      reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on('message', onMsg);
  });
}

/** Polls `cond` until it holds or the deadline passes (for counts that have no event). */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A TCP proxy in front of the broker, so a test can cut the engine's connection abruptly (as a
 * pulled cable or a crashed peer would) without touching the engine's internals.
 */
export class CutProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((inbound) => {
      const outbound = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [inbound, outbound];
      this.pairs.add(pair);
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      const drop = () => {
        this.pairs.delete(pair);
        inbound.destroy();
        outbound.destroy();
      };
      inbound.on('error', drop).on('close', drop);
      outbound.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  /** Resets every connection through the proxy (no DISCONNECT reaches the broker). */
  cutAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
    return n;
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
