import { randomBytes } from 'node:crypto';
import { isMethodName, requests, type EngineStatus } from '../../shared/contract/index.js';
import { EngineError, fail, ok, type Result } from '../../shared/result.js';
import { EventBatcher } from './batcher.js';
import type {
  EngineContext,
  EngineService,
  Handlers,
  ServiceFactory,
  StatusPatch,
} from './context.js';
import { coreHandlers } from './core-handlers.js';
import { DeviceRegistry, ReadingBus } from './devices.js';
import { Logging, type Logger } from './logging.js';
import { sameJson } from './same-json.js';
import type { Ports } from './ports.js';
import { firstIssue, SettingsService } from './settings-service.js';
import { historyService } from './history/history-service.js';
import { SchedulerService } from './scheduler/scheduler-service.js';
import { RulesService } from './rules/rules-service.js';
import { mqttService } from './mqtt/service.js';
import { smartHomeService } from './mqtt/smarthome-service.js';
import { bleService } from './ble/service.js';

export const VERSION = '0.1.0';

export interface EngineOptions {
  ports: Ports;
  /** Use the simulated radio and the scripted smart home. */
  simulate?: boolean;
  logging?: Logging;
  /** The services to compose, in start order. Defaults to every domain service. */
  services?: ServiceFactory[];
  /** Batch window for pushed events. */
  batchMs?: number;
}

/**
 * The sync engine: composes the services through the host's ports. The only object hosts talk to:
 * `request()` for the contract's methods, `subscribe()` for batched events.
 */
export class Engine {
  readonly logging: Logging;
  readonly settings: SettingsService;
  readonly devices = new DeviceRegistry();
  readonly readings = new ReadingBus();
  readonly events: EventBatcher;
  readonly ctx: EngineContext;
  private readonly log: Logger;
  private readonly services: EngineService[] = [];
  private readonly handlers: Partial<Handlers>;
  private readonly unsubscribers: (() => void)[] = [];
  private statusValue: EngineStatus;

  constructor(private readonly opts: EngineOptions) {
    this.logging = opts.logging ?? new Logging({ dir: opts.ports.paths.logsDir });
    this.log = this.logging.logger('engine');
    this.events = new EventBatcher(opts.ports.clock, opts.batchMs ?? 50);
    this.settings = new SettingsService(opts.ports.settings, this.logging.logger('settings'));
    this.statusValue = {
      version: VERSION,
      gatewayId: '',
      state: 'stopped',
      health: 'ok',
      healthReasons: [],
      startedAt: opts.ports.clock.now(),
      lastSyncAt: null,
      deviceCount: 0,
      simulated: !!opts.simulate,
      dataDir: opts.ports.paths.dataDir,
      ble: {
        adapter: 'unavailable',
        reason: 'not started',
        simulated: !!opts.simulate,
        connected: 0,
        paired: 0,
      },
      mqtt: { state: 'disabled', outboxPending: 0 },
      jobs: [],
    };
    this.readings.setErrorHandler((err) =>
      this.log.error('a reading consumer failed', { error: String(err) }),
    );
    this.ctx = {
      ports: opts.ports,
      logging: this.logging,
      log: (m) => this.logging.logger(m),
      settings: this.settings,
      devices: this.devices,
      readings: this.readings,
      events: this.events,
      simulate: !!opts.simulate,
      gatewayId: () => this.settings.get().general.gatewayId,
      setStatus: (p) => this.patchStatus(p),
      status: () => this.statusValue,
      service: <T extends EngineService>(name: string) =>
        this.services.find((s) => s.name === name) as T | undefined,
    };
    const factories = opts.services ?? defaultServices();
    for (const f of factories) this.services.push(f(this.ctx));
    this.handlers = Object.assign(
      {},
      ...this.services.map((s) => s.handlers ?? {}),
      coreHandlers(this, this.services),
    ) as Partial<Handlers>;
  }

  status(): EngineStatus {
    return this.statusValue;
  }

  async start(): Promise<void> {
    this.ensureGatewayId();
    this.patchStatus({}, { state: 'starting', gatewayId: this.ctx.gatewayId() });
    this.unsubscribers.push(
      this.devices.onChange((d) => {
        this.events.emit('devicesChanged', d);
        if (this.statusValue.deviceCount !== this.devices.size) this.patchStatus({});
      }),
      this.readings.subscribe((r) => {
        this.devices.applyReadings(r);
        this.events.emit('readings', r);
      }),
      this.logging.onEntry((e) => {
        if (e.level !== 'debug') this.events.emit('log', [e]);
      }),
    );
    for (const s of this.services) {
      try {
        await s.start();
      } catch (err) {
        // One failing service (no Bluetooth, a broken database) must not stop the others.
        this.log.error(`service ${s.name} failed to start`, { error: String(err) });
      }
    }
    const paused = this.settings.get().schedule.paused;
    if (paused) for (const s of this.services) s.setPaused?.(true);
    this.patchStatus({}, { state: paused ? 'paused' : 'running' });
    this.log.info('engine started', {
      gatewayId: this.ctx.gatewayId(),
      simulate: !!this.opts.simulate,
    });
  }

  async dispose(): Promise<void> {
    if (this.statusValue.state === 'stopped') return;
    this.patchStatus({}, { state: 'stopping' });
    for (const s of [...this.services].reverse()) {
      try {
        await s.dispose();
      } catch (err) {
        this.log.error(`service ${s.name} failed to stop`, { error: String(err) });
      }
    }
    for (const u of this.unsubscribers.splice(0)) u();
    this.patchStatus({}, { state: 'stopped' });
    this.events.dispose();
    this.logging.flush();
  }

  /** The one entry point for every contract method, from any host: validates, then dispatches. */
  async request(method: unknown, input: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return fail('unknown_method', `unknown method: ${String(method)}`);
    const parsed = requests[method].input.safeParse(input ?? undefined);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      return fail('invalid_input', field ? `${field}: ${message}` : message, field || undefined);
    }
    const handler = this.handlers[method] as ((i: unknown) => unknown) | undefined;
    if (!handler) return fail('unavailable', `${method} is not available in this build`);
    try {
      return ok(await handler(parsed.data));
    } catch (err) {
      if (err instanceof EngineError) return fail(err.code, err.message, err.field);
      this.log.error(`request ${method} failed`, { error: String(err) });
      return fail('internal', err instanceof Error ? err.message : String(err));
    }
  }

  subscribe(listener: Parameters<EventBatcher['subscribe']>[0]): () => void {
    const off = this.events.subscribe(listener);
    // A new subscriber starts from the current state, not from the next change.
    this.events.emit('status', this.statusValue);
    return off;
  }

  setPaused(paused: boolean): void {
    const s = this.settings.get();
    this.settings.replace({ ...s, schedule: { ...s.schedule, paused } });
    for (const svc of this.services) svc.setPaused?.(paused);
    if (this.statusValue.state === 'running' || this.statusValue.state === 'paused') {
      this.patchStatus({}, { state: paused ? 'paused' : 'running' });
    }
  }

  async syncNow(): Promise<string[]> {
    const started: string[] = [];
    for (const s of this.services) if (s.syncNow) started.push(...(await s.syncNow()));
    return started;
  }

  private ensureGatewayId(): void {
    const s = this.settings.get();
    if (s.general.gatewayId) return;
    const id = `hb-${randomBytes(3).toString('hex')}`;
    this.settings.replace({ ...s, general: { ...s.general, gatewayId: id } });
  }

  private patchStatus(p: StatusPatch, own: Partial<EngineStatus> = {}): void {
    const next: EngineStatus = {
      ...this.statusValue,
      ...p,
      ...own,
      deviceCount: this.devices.size,
    };
    const { health, reasons } = deriveHealth(next);
    next.health = health;
    next.healthReasons = reasons;
    if (sameJson(next, this.statusValue)) return;
    this.statusValue = next;
    this.events.emit('status', next);
  }
}

/** The worst current state: attention beats syncing beats ok. */
export function deriveHealth(s: EngineStatus): {
  health: EngineStatus['health'];
  reasons: string[];
} {
  const reasons: string[] = [];
  if (s.mqtt.state === 'error' || s.mqtt.state === 'reconnecting') {
    reasons.push(`MQTT ${s.mqtt.state}${s.mqtt.reason ? `: ${s.mqtt.reason}` : ''}`);
  }
  if (s.ble.adapter === 'unavailable' && s.ble.paired > 0) {
    reasons.push(`Bluetooth unavailable${s.ble.reason ? `: ${s.ble.reason}` : ''}`);
  }
  for (const j of s.jobs)
    if (j.failures > 0) reasons.push(`${j.name} failing: ${j.lastError ?? ''}`);
  if (reasons.length) return { health: 'attention', reasons };
  if (s.jobs.some((j) => j.state === 'running')) return { health: 'syncing', reasons };
  return { health: 'ok', reasons };
}

/** Every domain service in start order: history first (others store through it), rules last. */
export function defaultServices(): ServiceFactory[] {
  return [
    historyService(),
    (ctx) => new SchedulerService(ctx),
    mqttService(),
    smartHomeService(),
    bleService(),
    (ctx) => new RulesService(ctx),
  ];
}
