import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Alert, MqttStatus } from '../../../shared/contract/index.js';
import type { Settings } from '../../../shared/settings.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import { openDatabase } from '../history/db.js';
import type { Logger } from '../logging.js';
import type { HistoryApi, MessageHandler, MqttApi, PublishOptions } from '../services.js';
import type { NetworkMonitor } from '../scheduler/network.js';
import { BrokerConnection, type ReconnectBackoff } from './connection.js';
import { credentialHandlers, passwordFor } from './credentials.js';
import {
  describeError,
  EMBEDDED_PASSWORD_SECRET,
  embeddedEndpoint,
  loadTlsFiles,
  testConnection,
  type Endpoint,
  type TlsFiles,
} from './connect-options.js';
import { followBirth } from './ha-birth.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { Outbox } from './outbox.js';
import { payloadCap } from './payload-caps.js';
import { OutboxSender } from './sender.js';
import { SubscriptionTable } from './subscriptions.js';
import { alertTopic, hasWildcard } from './topics.js';

export interface MqttServiceOptions {
  /** Whose database keeps the outbox; without one (or when it failed to open), a file of our own. */
  history?: HistoryApi;
  /** The outbox's database, given directly (tools and tests); wins over `history`. */
  db?: Database.Database;
  /** Unacknowledged QoS1 messages on the wire at most (see OutboxSender). */
  inflightWindow?: number;
  /** Reconnect backoff (default 1 s doubling, never more than 30 s between attempts). */
  backoff?: ReconnectBackoff;
  /** When it reports the network back, a disconnected client tries again at once. */
  network?: NetworkMonitor;
  connectTimeoutMs?: number;
}

/** Settings whose change needs a new connection (the rest apply on the fly). */
const connectionKey = (s: Settings): string => {
  const {
    outboxRatePerSec: _r,
    outboxMaxMessages: _o,
    maxPayloadBytes: _m,
    maxDiscoveryPayloadBytes: _d,
    maxBridgePayloadBytes: _z,
    bridgeWearables: _b,
    ...rest
  } = s.mqtt;
  return JSON.stringify([rest, s.general.gatewayId]);
};

export class MqttService implements MqttApi {
  readonly name = 'mqtt';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly log: Logger;
  private readonly table: SubscriptionTable;
  private readonly connectedListeners = new Set<() => void>();
  private outbox!: Outbox;
  private sender!: OutboxSender;
  private conn!: BrokerConnection;
  private ownDb: Database.Database | null = null;
  private statusTimer: unknown = null;
  private embedded: EmbeddedBroker | null = null;
  private status: MqttStatus = { state: 'disabled', outboxPending: 0 };
  private disposed = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly cleanups: (() => void)[] = [];
  /** The TLS files, read (asynchronously, bounded) before each connection attempt. */
  private tlsFiles: TlsFiles = {};

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: MqttServiceOptions = {},
  ) {
    this.log = ctx.log('mqtt');
    this.dependsOn = opts.history ? [opts.history] : [];
    this.table = new SubscriptionTable(this.log, (t) => payloadCap(t, ctx.settings.get().mqtt));
    this.handlers = {
      testConnection: (input) => {
        const s = ctx.settings.get().mqtt;
        // The stored password is only offered to the broker it was stored for.
        const stored = passwordFor(ctx.ports.secrets, input, s);
        const endpoint: Endpoint = { ...input, password: input.password ?? stored };
        return testConnection(s, endpoint, ctx.gatewayId());
      },
      ...credentialHandlers(ctx, () => this.enqueue(() => this.reconfigure())),
    };
  }

  start(): void {
    this.outbox = new Outbox(this.openDb(), {
      maxRows: () => this.ctx.settings.get().mqtt.outboxMaxMessages,
      log: this.log,
      onDrop: () => this.pendingChanged(),
    });
    this.sender = new OutboxSender({
      outbox: this.outbox,
      clock: this.ctx.ports.clock,
      ratePerSec: () => this.ctx.settings.get().mqtt.outboxRatePerSec,
      window: this.opts.inflightWindow ?? 16,
      onProgress: () => this.pendingChanged(),
    });
    this.conn = new BrokerConnection({
      ctx: this.ctx,
      log: this.log,
      table: this.table,
      sender: this.sender,
      endpoint: () => this.endpoint(),
      backoff: this.opts.backoff ?? { baseMs: 1000, capMs: 30_000 },
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
      setStatus: (p) => this.setStatus(p),
      onConnected: () => this.fireConnected(),
      // A retry reads the TLS files again first: a fixed file is picked up without a restart.
      enqueue: (step) =>
        this.enqueue(async () => {
          await this.readTls();
          step();
        }),
    });
    this.status.outboxPending = this.outbox.size;
    this.cleanups.push(
      // Home Assistant announces a restart with its birth message: send everything again.
      followBirth({
        settings: this.ctx.settings,
        subscribe: (f, h) => this.subscribe(f, h),
        onBirth: () => this.fireConnected(),
      }),
    );
    let key = connectionKey(this.ctx.settings.get());
    this.cleanups.push(
      this.ctx.settings.onChange((next) => {
        const k = connectionKey(next);
        if (k === key) return;
        key = k;
        this.enqueue(() => this.reconfigure());
      }),
      this.ctx.ports.power.onResume(() => {
        // After a sleep the old socket is likely dead: do not wait for the backoff or keepalive.
        if (!this.conn.connected) this.enqueue(() => this.conn.retryNow());
      }),
    );
    const network = this.opts.network;
    if (network?.onChange) {
      this.cleanups.push(
        network.onChange((online) => {
          // The failures so far said nothing about the broker: do not let them delay the retry.
          if (online && !this.conn.connected) this.enqueue(() => this.conn.retryNow());
        }),
      );
    }
    this.enqueue(() => this.reconfigure());
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const c of this.cleanups.splice(0)) c();
    if (this.statusTimer) this.ctx.ports.clock.clearTimeout(this.statusTimer);
    await this.chain.catch(() => {});
    await this.conn?.close(true);
    this.outbox?.endBurst(); // a drop burst still going is counted in the log before we stop
    await this.embedded?.stop();
    this.embedded = null;
    this.ownDb?.close();
    this.ownDb = null;
  }

  // ---- MqttApi ----

  publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): void {
    if (!topic || hasWildcard(topic)) {
      this.table.reportOnce(`publish\u0000${topic}`, 'refused to publish to an invalid topic', {});
      return;
    }
    if (!this.outbox) {
      this.log.warn('publish before the MQTT service started: dropped', { topic });
      return;
    }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const qos = opts.qos ?? 1;
    const retain = !!opts.retain;
    if (qos === 0) {
      // QoS0 is fire-and-forget by definition: not worth a disk write, dropped while offline.
      this.conn.current?.publish(topic, body, { qos, retain });
      return;
    }
    this.outbox.add({ topic, payload: body, qos, retain }, !!opts.coalesce && retain);
    this.sender.kick();
    this.pendingChanged();
  }

  /** Runs `fn` with its publish()es sharing one outbox transaction (see Outbox.batch). */
  batch(fn: () => void): void {
    if (this.outbox) this.outbox.batch(fn);
    else fn();
  }

  subscribe(filter: string, handler: MessageHandler): () => void {
    if (this.table.add(filter, handler)) this.conn?.current?.subscribe(filter, { qos: 1 });
    return () => {
      if (this.table.remove(filter, handler)) this.conn?.current?.unsubscribe(filter);
    };
  }

  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Alerts from the rules go to `homebeat/<gateway>/alert`: events, never coalesced. */
  publishAlert(alert: Alert): void {
    const gateway = this.ctx.gatewayId();
    this.publish(alertTopic(gateway), JSON.stringify({ ...alert, gateway }), { qos: 1 });
  }

  /** Outbox figures: rows waiting, on the wire, and sent again after a lost PUBACK. */
  get outboxStats(): { pending: number; inFlight: number; resent: number } {
    return {
      pending: this.outbox.size,
      inFlight: this.sender.inFlight,
      resent: this.sender.resent,
    };
  }

  /** Current connection state (also pushed as status.mqtt). */
  get mqttStatus(): MqttStatus {
    return this.status;
  }

  // ---- connection ----

  /** Serialises reconfigurations so a burst of settings changes ends in one consistent state. */
  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain
      .then(() => (this.disposed ? undefined : step()))
      .catch((err) => this.log.error('mqtt reconfiguration failed', { error: String(err) }));
  }

  private async reconfigure(): Promise<void> {
    await this.conn.close(false);
    const s = this.ctx.settings.get().mqtt;
    if (s.host) {
      if (this.embedded) {
        await this.embedded.stop();
        this.embedded = null;
      }
    } else {
      await this.embedded?.stop();
      this.embedded = new EmbeddedBroker({
        port: s.embedded.port,
        lan: s.embedded.lan,
        username: s.embedded.username,
        password: this.ctx.ports.secrets.get(EMBEDDED_PASSWORD_SECRET),
        log: this.log.child('embedded'),
      });
      try {
        await this.embedded.start();
      } catch (err) {
        this.embedded = null;
        this.setStatus({ state: 'error', reason: `Embedded broker: ${describeError(err)}` });
        return;
      }
    }
    await this.readTls();
    this.conn.connectNow(true);
  }

  private async readTls(): Promise<void> {
    const s = this.ctx.settings.get().mqtt;
    this.tlsFiles = s.host ? await loadTlsFiles(s) : {};
  }

  private endpoint(): Endpoint {
    const s = this.ctx.settings.get().mqtt;
    if (s.host) {
      // The stored password only goes to the host and port it was entered for.
      const password = s.hasPassword ? passwordFor(this.ctx.ports.secrets, s, s) : undefined;
      return { ...s, password, files: this.tlsFiles };
    }
    return embeddedEndpoint(s, this.embedded?.info, this.ctx.ports.secrets);
  }

  private fireConnected(): void {
    for (const l of this.connectedListeners) {
      try {
        l();
      } catch (err) {
        this.log.error('an onConnected listener failed', { error: String(err) });
      }
    }
  }

  // ---- status ----

  private setStatus(patch: Partial<MqttStatus>): void {
    const embedded = this.embedded?.info.running ? { ...this.embedded.info } : null;
    const next: MqttStatus = {
      ...this.status,
      ...patch,
      embedded,
      outboxPending: this.outbox.size,
      outboxDropped: this.outbox.dropped || undefined,
    };
    for (const k of Object.keys(next) as (keyof MqttStatus)[])
      if (next[k] === undefined) delete next[k];
    this.status = next;
    this.ctx.setStatus({ mqtt: next });
  }

  /** The pending and dropped counts change per message: push them at most every 250 ms. */
  private pendingChanged(): void {
    if (this.statusTimer || this.disposed) return;
    this.statusTimer = this.ctx.ports.clock.setTimeout(() => {
      this.statusTimer = null;
      const { outboxPending, outboxDropped = 0 } = this.status;
      if (outboxPending !== this.outbox.size || outboxDropped !== this.outbox.dropped)
        this.setStatus({});
    }, 250);
  }

  private openDb(): Database.Database {
    if (this.opts.db) return this.opts.db;
    // Started after the history: its database is open now, unless it failed to open.
    const shared = this.opts.history?.db;
    if (shared) return shared;
    const { db } = openDatabase({
      file: join(this.ctx.ports.paths.dataDir, 'mqtt-outbox.sqlite'),
      log: this.log,
      now: () => this.ctx.ports.clock.now(),
    });
    this.ownDb = db;
    return db;
  }
}
