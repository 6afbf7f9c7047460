import mqtt, { type MqttClient } from 'mqtt';
import { backoffDelay } from '../../../shared/backoff.js';
import type { MqttStatus } from '../../../shared/contract/index.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import {
  clientOptions,
  describeError,
  isRefusal,
  urlOf,
  type Endpoint,
} from './connect-options.js';
import type { OutboxSender } from './sender.js';
import type { SubscriptionTable } from './subscriptions.js';
import { statusTopic } from './topics.js';

export interface ConnectionOptions {
  ctx: EngineContext;
  log: Logger;
  table: SubscriptionTable;
  sender: OutboxSender;
  /** Where to connect, read at every attempt (settings or the embedded broker). */
  endpoint(): Endpoint;
  /** Reconnect backoff: see reconnectDelay. */
  backoff: ReconnectBackoff;
  connectTimeoutMs: number;
  setStatus(patch: Partial<MqttStatus>): void;
  /** After every successful connect (subscriptions sent, outbox attached). */
  onConnected(): void;
  /** Runs a step in the service's serial queue (so a retry never races a reconfiguration). */
  enqueue(step: () => void): void;
}

/** Reconnect delays: `baseMs` doubles per attempt; no delay, jitter included, exceeds `capMs`. */
export interface ReconnectBackoff {
  baseMs: number;
  capMs: number;
}

/** ±20 %, so gateways that lost the same broker do not all knock at once when it returns. */
const JITTER = 0.2;

/**
 * The delay before reconnect attempt `attempt` (0: the first retry; Infinity: the longest, which a
 * refusal waits). The cap bounds the jittered delay, not only its centre: a broker that came back
 * is tried again within `capMs` (30 s by default), never cap + 20 %.
 */
export function reconnectDelay(
  attempt: number,
  b: ReconnectBackoff,
  random = Math.random(),
): number {
  const centreCap = b.capMs / (1 + JITTER);
  return Math.min(
    b.capMs,
    backoffDelay(attempt, { baseMs: b.baseMs, capMs: centreCap, jitter: JITTER }, random),
  );
}

/**
 * One broker connection at a time, each with a fresh mqtt.js client and mqtt.js's own reconnect
 * off: this class reconnects with backoff (reporting attempt and delay), and a `generation` makes
 * every callback of a client that has since been replaced a no-op, so an old client can never
 * acknowledge or resend anything behind the outbox's back.
 */
export class BrokerConnection {
  private client: MqttClient | null = null;
  private generation = 0;
  private attempt = 0;
  private retryTimer: unknown = null;
  private lastError: unknown = null;
  private closed = false;
  connected = false;

  constructor(private readonly o: ConnectionOptions) {}

  get current(): MqttClient | null {
    return this.connected ? this.client : null;
  }

  /** Connects now, dropping any current client and pending retry. */
  connectNow(fresh = false): void {
    if (this.closed) return;
    if (fresh) this.attempt = 0;
    this.clearRetry();
    if (this.client) this.dropClient();
    const { ctx } = this.o;
    const endpoint = this.o.endpoint();
    const url = urlOf(endpoint);
    const gen = ++this.generation;
    this.lastError = null;
    let options;
    try {
      const s = ctx.settings.get().mqtt;
      options = clientOptions(s, endpoint, ctx.gatewayId(), this.o.connectTimeoutMs);
    } catch (err) {
      this.lastError = err;
      this.scheduleRetry(url, true);
      return;
    }
    this.o.setStatus({
      state: this.attempt > 0 ? 'reconnecting' : 'connecting',
      url,
      nextDelayMs: undefined,
    });
    const client = mqtt.connect(options);
    this.client = client;
    client.on('connect', () => gen === this.generation && this.onConnect(client, url));
    client.on('message', (topic, payload, packet) =>
      this.o.table.dispatch(topic, payload, packet.retain),
    );
    client.on('error', (err) => {
      if (gen === this.generation) this.lastError = err;
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      // mqtt.js may report the CONNACK refusal just after 'close': decide on the next turn.
      setImmediate(() => {
        if (gen !== this.generation || this.closed) return;
        this.dropClient();
        this.scheduleRetry(url, isRefusal(this.lastError));
      });
    });
  }

  /**
   * The way to the broker may be open again (the network came back, the system resumed): try at
   * once rather than wait out the backoff, unless already connected.
   */
  retryNow(): void {
    if (!this.connected && !this.closed) this.connectNow();
  }

  /** Ends the connection; a graceful end says `offline` itself (a DISCONNECT suppresses the will). */
  async close(final: boolean): Promise<void> {
    if (final) this.closed = true;
    this.clearRetry();
    const c = this.client;
    if (c && this.connected) {
      await this.o.sender.quiesce(2000);
      this.clearRetry();
      this.forget();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        c.publish(statusTopic(this.o.ctx.gatewayId()), 'offline', { qos: 1, retain: true }, () => {
          clearTimeout(t);
          resolve();
        });
      });
      // end(false) waits for in-flight messages, which never finish on a dead socket: bounded.
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          c.end(true);
          resolve();
        }, 1000);
        c.end(false, {}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    } else if (c) {
      this.dropClient();
    }
    this.o.setStatus({
      state: final ? 'disabled' : 'connecting',
      attempt: undefined,
      nextDelayMs: undefined,
    });
  }

  private onConnect(client: MqttClient, url: string): void {
    const wasRetry = this.attempt > 0;
    this.attempt = 0;
    this.connected = true;
    this.o.setStatus({
      state: 'connected',
      url,
      attempt: undefined,
      nextDelayMs: undefined,
      reason: undefined,
    });
    this.o.log.info(wasRetry ? 'reconnected to the broker' : 'connected to the broker', { url });
    // The availability message belongs to this connection only, so it is sent directly.
    client.publish(statusTopic(this.o.ctx.gatewayId()), 'online', { qos: 1, retain: true });
    const filters = this.o.table.list();
    if (filters.length) {
      client.subscribe(
        Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])),
        (err, granted) => {
          if (err) this.o.log.warn('subscribe failed', { error: String(err) });
          for (const g of granted ?? [])
            if (g.qos === 128)
              this.o.log.warn('the broker refused a subscription', { filter: g.topic });
        },
      );
    }
    this.o.sender.attach(client);
    this.o.onConnected();
  }

  private scheduleRetry(url: string, refused: boolean): void {
    if (this.closed) return;
    this.attempt += 1;
    // A refusal (bad password) will not fix itself quickly: wait the longest delay.
    const attempt = refused ? Infinity : this.attempt - 1;
    const delay = reconnectDelay(attempt, this.o.backoff);
    const reason = describeError(this.lastError, url);
    this.o.setStatus({
      state: refused ? 'error' : 'reconnecting',
      url,
      attempt: this.attempt,
      nextDelayMs: delay,
      reason,
    });
    if (this.attempt === 1 || refused)
      this.o.log.warn('broker connection lost or refused', { url, reason });
    this.retryTimer = this.o.ctx.ports.clock.setTimeout(() => {
      this.retryTimer = null;
      this.o.enqueue(() => this.connectNow());
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) this.o.ctx.ports.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Stops listening to the current client: its late callbacks are ignored by generation. */
  private forget(): void {
    this.generation += 1;
    this.connected = false;
    this.o.sender.detach();
    const c = this.client;
    this.client = null;
    c?.removeAllListeners('close');
    c?.on('error', () => {});
  }

  private dropClient(): void {
    const c = this.client;
    this.forget();
    c?.end(true);
  }
}
