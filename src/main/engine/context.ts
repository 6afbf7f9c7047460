import type { MethodName, Output, Parsed } from '../../shared/contract/index.js';
import type { EngineStatus } from '../../shared/contract/index.js';
import type { EventBatcher } from './batcher.js';
import type { DeviceRegistry, ReadingBus } from './devices.js';
import type { Logger, Logging } from './logging.js';
import type { Ports } from './ports.js';
import type { SettingsService } from './settings-service.js';

export type Handler<M extends MethodName> = (input: Parsed<M>) => Promise<Output<M>> | Output<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** The parts of the status a service may set; the engine derives health from the whole. */
export type StatusPatch = Partial<Pick<EngineStatus, 'ble' | 'mqtt' | 'jobs' | 'lastSyncAt'>>;

/** What every engine service receives. Services talk to each other only through it. */
export interface EngineContext {
  readonly ports: Ports;
  readonly logging: Logging;
  log(module: string): Logger;
  readonly settings: SettingsService;
  readonly devices: DeviceRegistry;
  readonly readings: ReadingBus;
  readonly events: EventBatcher;
  readonly simulate: boolean;
  gatewayId(): string;
  setStatus(patch: StatusPatch): void;
  status(): EngineStatus;
  /** Looks up another service by name (e.g. 'history', 'scheduler'); undefined if absent. */
  service<T extends EngineService>(name: string): T | undefined;
}

/** A service: created with the context, started in order, disposed in reverse order. */
export interface EngineService {
  readonly name: string;
  start(): Promise<void> | void;
  dispose(): Promise<void> | void;
  /** Request handlers this service answers. */
  readonly handlers?: Partial<Handlers>;
  /** Runs when the user asks for a sync now (tray, dashboard); returns the job names started. */
  syncNow?(): Promise<string[]> | string[];
  /** Pause or resume background work (tray's Pause syncing). */
  setPaused?(paused: boolean): void;
}

export type ServiceFactory = (ctx: EngineContext) => EngineService;
