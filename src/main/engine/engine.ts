import { randomBytes } from 'node:crypto';
import {
  isMethodName,
  requests,
  type EngineStatus,
  type Input,
  type MethodName,
  type Output,
  type Payload,
} from '../../shared/contract/index.js';
import { EngineError, fail, ok, type Result } from '../../shared/result.js';
import { EventBatcher } from './batcher.js';
import type {
  Composition,
  EngineContext,
  EngineService,
  Handlers,
  StatusPatch,
} from './context.js';
import { coreHandlers } from './core-handlers.js';
import { DeviceRegistry, ReadingBus } from './devices.js';
import { Logging, type Logger } from './logging.js';
import { sameJson } from './same-json.js';
import type { Ports } from './ports.js';
import { firstIssue, SettingsService } from './settings-service.js';
import { defaultComposition } from './compose.js';
import { startOrder } from './service-order.js';

export const VERSION = '0.1.0';

export interface EngineOptions {
  ports: Ports;
  logging?: Logging;
  /** Builds the services (see compose.ts). Default: every domain service, nothing simulated. */
  compose?: Composition;
  /** Batch window for pushed events. */
  batchMs?: number;
}

/**
 * The sync engine: composes the services through the host's ports. The only object hosts talk to:
 * `request()` (typed, for the host's own calls) and `handle()` (untrusted input from the
 * dashboard) for the contract's methods, `subscribe()` for batched events, `navigate()` to send
 * the dashboard somewhere.
 */
export class Engine {
  readonly logging: Logging;
  readonly settings: SettingsService;
  readonly devices = new DeviceRegistry();
  readonly readings = new ReadingBus();
  private readonly events: EventBatcher;
  private readonly ctx: EngineContext;
  private readonly log: Logger;
  private readonly services: EngineService[];
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
      simulated: false,
      dataDir: opts.ports.paths.dataDir,
      ble: {
        adapter: 'unavailable',
        reason: 'not started',
        simulated: false,
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
      gatewayId: () => this.settings.get().general.gatewayId,
      setStatus: (p) => this.patchStatus(p),
      status: () => this.statusValue,
    };
    this.services = startOrder((opts.compose ?? defaultComposition())(this.ctx));
    this.handlers = Object.assign(
      {},
      ...this.services.map((s) => s.handlers ?? {}),
      coreHandlers(this),
    ) as Partial<Handlers>;
  }

  status(): EngineStatus {
    return this.statusValue;
  }

  /** The composed services' names, in start order (diagnostics). */
  serviceNames(): string[] {
    return this.services.map((s) => s.name);
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
      services: this.services.map((s) => s.name),
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

  /** A contract method called by the host itself (tray, shell): typed end to end. */
  request<M extends MethodName>(method: M, input?: Input<M>): Promise<Result<Output<M>>> {
    return this.handle(method, input) as Promise<Result<Output<M>>>;
  }

  /**
   * The entry point for untrusted callers (IPC, WebSocket, HTTP): the method name is checked, the
   * input validated against its schema, then dispatched.
   */
  async handle(method: unknown, input: unknown): Promise<Result<unknown>> {
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

  /** Asks the dashboard to show a route (a notification was clicked, the tray chose a page). */
  navigate(route: Payload<'navigate'>['route']): void {
    this.events.emit('navigate', { route });
  }

  subscribe(listener: Parameters<EventBatcher['subscribe']>[0]): () => void {
    const off = this.events.subscribe(listener);
    // A new subscriber starts from the current state, not from the next change.
    this.events.emit('status', this.statusValue);
    return off;
  }

  setPaused(paused: boolean): void {
    this.settings.update({ schedule: { paused } });
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
    if (this.settings.get().general.gatewayId) return;
    this.settings.update({ general: { gatewayId: `hb-${randomBytes(3).toString('hex')}` } });
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
