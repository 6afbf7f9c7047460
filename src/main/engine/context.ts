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
export type StatusPatch = Partial<
  Pick<EngineStatus, 'ble' | 'mqtt' | 'jobs' | 'lastSyncAt' | 'simulated'>
>;

/**
 * What every engine service receives: the host's ports and the engine's shared state (settings,
 * devices, readings, events, status). Services never find each other through it: each one gets
 * the services it needs from the composition root (compose.ts), typed, in its options.
 */
export interface EngineContext {
  readonly ports: Ports;
  readonly logging: Logging;
  log(module: string): Logger;
  readonly settings: SettingsService;
  readonly devices: DeviceRegistry;
  readonly readings: ReadingBus;
  readonly events: EventBatcher;
  gatewayId(): string;
  setStatus(patch: StatusPatch): void;
  status(): EngineStatus;
}

/**
 * A service: built by the composition root with its dependencies, started after every service in
 * `dependsOn` and disposed before them.
 */
export interface EngineService {
  readonly name: string;
  /** The services this one uses; the engine starts them first and disposes them last. */
  readonly dependsOn?: readonly (EngineService | undefined)[];
  start(): Promise<void> | void;
  dispose(): Promise<void> | void;
  /** Request handlers this service answers. */
  readonly handlers?: Partial<Handlers>;
  /** Runs when the user asks for a sync now (tray, dashboard); returns the job names started. */
  syncNow?(): Promise<string[]> | string[];
  /** Pause or resume background work (tray's Pause syncing). */
  setPaused?(paused: boolean): void;
}

/** A composition: builds the services over the engine's context (see compose.ts). */
export type Composition = (ctx: EngineContext) => EngineService[];
