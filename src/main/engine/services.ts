/**
 * The interfaces the domain services offer each other. The composition root (compose.ts) hands
 * each service the ones it needs; they are kept here, apart from their implementations, so no
 * domain imports another's internals.
 */
import type Database from 'better-sqlite3';
import type { DeviceEvent, Reading } from '../../shared/model.js';
import type { Alert, CommandState } from '../../shared/contract/index.js';
import type { EngineService } from './context.js';

export interface SyncCursor {
  deviceId: string;
  /** What the cursor counts, e.g. 'racp_seq' or 'weight_ts'. */
  key: string;
  value: string;
}

export interface HistoryApi extends EngineService {
  /**
   * The open database (WAL), shared by the services that keep tables in it (outbox, jobs).
   * Undefined until the history has started, and when its file could not be opened.
   */
  readonly db: Database.Database | undefined;
  /** Queued live readings are flushed in batches; this forces the pending batch to disk now. */
  flush(): void;
  /**
   * Stores readings and moves a sync cursor in one transaction, so the cursor never runs ahead of
   * what was committed. Duplicates (same device, metric, ts) are stored once. Returns rows added.
   */
  commitRecords(readings: Reading[], cursor?: SyncCursor): number;
  getCursor(deviceId: string, key: string): string | undefined;
}

export interface JobSpec {
  name: string;
  /** Periodic jobs repeat every `everyMs`; one-off jobs run once after `initialDelayMs`. */
  kind: 'periodic' | 'oneoff';
  everyMs?: number;
  initialDelayMs?: number;
  /**
   * network: only while the machine is online. acPower: not on battery (a manual run ignores
   * it); with acPowerGraceMs, held at most that long past its due time, so a laptop that is
   * never plugged in still gets the job done.
   */
  constraints?: { network?: boolean; acPower?: boolean; acPowerGraceMs?: number };
  backoff?: { policy: 'linear' | 'exponential'; baseMs: number; capMs: number };
  timeoutMs?: number;
  /** A sync job: run by Sync now and counted in "Last sync ..." (also any name 'ble-pull:*'). */
  sync?: boolean;
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerApi extends EngineService {
  register(job: JobSpec): void;
  unregister(name: string): void;
  /** Runs a job at once (unless it is already running); resolves when that run ends. */
  runNow(name: string): Promise<void>;
}

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
  /** Retained states coalesce in the outbox (only the newest per topic is kept); events never. */
  coalesce?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

/** The connection, the outbox and the embedded broker. */
export interface MqttApi extends EngineService {
  /** Queues through the persistent outbox; survives a broker that is away and an app restart. */
  publish(topic: string, payload: string | Buffer, opts?: PublishOptions): void;
  /**
   * Subscribes on the broker (kept across reconnects) and routes matching messages to `handler`.
   * Oversized payloads are dropped before any handler sees them, by a cap that depends on the
   * topic's family (mqtt/payload-caps.ts), so handlers need no size check of their own. Returns
   * the unsubscribe function.
   */
  subscribe(filter: string, handler: MessageHandler): () => void;
  /** Called after every (re)connect, e.g. to publish discovery and states again. */
  onConnected(listener: () => void): () => void;
  /** Publishes an alert on `homebeat/<gatewayId>/alert` (QoS1 through the outbox, never coalesced). */
  publishAlert(alert: Alert): void;
  /** Runs `fn` with its publish()es sharing one outbox transaction. */
  batch(fn: () => void): void;
}

/** Smart-home devices in through the dialects (Home Assistant, Zigbee2MQTT, ...), commands out. */
export interface SmartHomeApi extends EngineService {
  /** Publishes a command on the entity's command topic; pending until the state confirms it. */
  sendCommand(deviceId: string, entity: string, command: Record<string, unknown>): CommandState;
}

export interface BleApi extends EngineService {
  /** Button presses and dimmer turns of BTHome devices, as they arrive. */
  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void;
}
