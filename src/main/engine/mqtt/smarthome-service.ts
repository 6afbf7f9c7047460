/**
 * The smart-home service ('smarthome'): devices in through the smart-home dialects it is given
 * (Home Assistant discovery and Zigbee2MQTT by default, see compose.ts), over the 'mqtt' service's
 * subscriptions; commands out through the dialect that owns the device, pending until the device's
 * state confirms them (commandState events); a command for an entity that says it is unavailable
 * is refused with the reason. It knows no dialect by name: what differs between them is behind
 * SmartHomeDialect (dialect.ts). Devices whose announcement is gone leave the registry (logged);
 * the user can forget an away one (forgetSmartHomeDevice).
 */
import type { CommandState } from '../../../shared/contract/index.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { MqttApi, SmartHomeApi } from '../services.js';
import { assumedState, CommandTracker, normalizeCommand, type Command } from './commands.js';
import type { DialectHost, SmartHomeDialect } from './dialect.js';
import { EntityStates } from './entity-states.js';
import { payloadCap } from './payload-caps.js';

export interface SmartHomeOptions {
  /** The broker connection the devices are found and commanded through. */
  mqtt: MqttApi;
  /** The dialects devices are found through; each owns the devices whose source is its own. */
  dialects: readonly SmartHomeDialect[];
  /** How long a command may stay pending before it is reported failed. */
  commandTimeoutMs?: number;
  /**
   * How long after connecting the retained announcements are taken to be in; then a device of a
   * dialect that nothing announced is a ghost and is removed. Default 15 s.
   */
  settleMs?: number;
}

/** Bad-input reports remembered (per topic and kind of problem) before the memory starts over. */
const MAX_REPORTED = 5000;

export class SmartHomeService implements SmartHomeApi {
  readonly name = 'smarthome';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly log: Logger;
  private readonly tracker: CommandTracker;
  private readonly states: EntityStates;
  private readonly reported = new Set<string>();
  private readonly mqtt: MqttApi;
  private readonly dialects: readonly SmartHomeDialect[];
  private offs: (() => void)[] = [];
  private readonly settleMs: number;
  /** The pending settle timer, and whether this round of discovery has settled. */
  private settleTimer: unknown;
  private settledRound = false;

  constructor(
    private readonly ctx: EngineContext,
    opts: SmartHomeOptions,
  ) {
    this.log = ctx.log('mqtt.smarthome');
    this.mqtt = opts.mqtt;
    this.dependsOn = [opts.mqtt];
    const sources = opts.dialects.map((d) => d.source);
    const twice = sources.find((s, i) => sources.indexOf(s) !== i);
    // A device's source names its dialect: two dialects with one source could not tell theirs apart.
    if (twice) throw new Error(`two smart-home dialects have the source ${twice}`);
    this.dialects = opts.dialects;
    this.tracker = new CommandTracker({
      clock: ctx.ports.clock,
      timeoutMs: opts.commandTimeoutMs ?? 5000,
      emit: (states) => ctx.events.emit('commandState', states),
    });
    this.states = new EntityStates({
      devices: ctx.devices,
      now: () => ctx.ports.clock.now(),
      onState: (deviceId, entity, state) => this.tracker.observe(deviceId, entity, state),
    });
    this.settleMs = opts.settleMs ?? 15_000;
    this.handlers = {
      sendCommand: ({ deviceId, entity, command }) => this.send(deviceId, entity, command),
      forgetSmartHomeDevice: ({ id }) => this.forgetDevice(id),
    };
  }

  start(): void {
    this.discover();
    this.offs.push(
      this.ctx.settings.onChange((next, prev) => {
        if (this.dialects.every((d) => d.topicsOf(next.mqtt) === d.topicsOf(prev.mqtt))) return;
        // Another prefix or base: the devices found under the old one are no longer followed.
        // Every dialect starts over, so which one shadows which device is worked out afresh from
        // the retained messages.
        this.forget(true);
        this.discover();
      }),
      this.mqtt.onConnected(() => this.armSettle()),
    );
    if (this.ctx.status().mqtt.state === 'connected') this.armSettle();
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.disarmSettle();
    this.forget(false);
    this.tracker.dispose();
  }

  /** Once per round of discovery, `settleMs` after a connection: the dialects sweep ghosts. */
  private armSettle(): void {
    if (this.settledRound || this.settleTimer !== undefined) return;
    const clock = this.ctx.ports.clock;
    this.settleTimer = clock.setTimeout(() => {
      this.settleTimer = undefined;
      // Cut off meanwhile: the retained messages may not all be in; the next connection tries again.
      if (this.ctx.status().mqtt.state !== 'connected') return;
      this.settledRound = true;
      for (const d of this.dialects) d.settled?.();
    }, this.settleMs);
    (this.settleTimer as { unref?: () => void } | undefined)?.unref?.();
  }

  private disarmSettle(): void {
    if (this.settleTimer !== undefined) this.ctx.ports.clock.clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }

  /**
   * Forgets a smart-home device: it leaves the registry (its stored readings stay) and its dialect
   * keeps it out until its source announces it again.
   */
  private forgetDevice(id: string): { id: string } {
    const dev = this.ctx.devices.get(id);
    const dialect = dev && this.dialects.find((d) => d.source === dev.source);
    if (!dev || dev.transport !== 'mqtt' || !dialect)
      throw new EngineError('not_found', `${id} is not a smart-home device`, 'id');
    dialect.forgetDevice?.(id);
    this.ctx.devices.remove(id);
    this.log.info('device forgotten', { device: id, source: dev.source });
    return { id };
  }

  /** For rules and other services: never throws; a refused command comes back failed. */
  sendCommand(deviceId: string, entity: string, command: Record<string, unknown>): CommandState {
    try {
      return this.send(deviceId, entity, command as Command);
    } catch (err) {
      const failed: CommandState = {
        id: `cmd-refused-${this.ctx.ports.clock.now()}`,
        deviceId,
        entity,
        state: 'failed',
        reason: err instanceof Error ? err.message : String(err),
        ts: this.ctx.ports.clock.now(),
      };
      this.ctx.events.emit('commandState', [failed]);
      return failed;
    }
  }

  private send(deviceId: string, entity: string, command: Command): CommandState {
    const dev = this.ctx.devices.get(deviceId);
    if (!dev) throw new EngineError('not_found', `no device ${deviceId}`, 'deviceId');
    const control = dev.controls?.find((c) => c.entity === entity);
    if (!control)
      throw new EngineError('not_found', `${deviceId} has no control ${entity}`, 'entity');
    const ent = dev.entities?.find((e) => e.key === entity);
    if (ent?.available === false) {
      const why = ent.unavailableReason ?? 'its source says so';
      throw new EngineError(
        'unavailable',
        `${ent.name} (${entity}) is unavailable: ${why}`,
        'entity',
      );
    }
    // A command is for now: not queued for a broker that is away (it would switch a light hours later).
    const conn = this.ctx.status().mqtt.state;
    if (conn !== 'connected')
      throw new EngineError('unavailable', `not connected to the MQTT broker (${conn})`);
    const dialect = this.dialects.find((d) => d.source === dev.source);
    if (!dialect)
      throw new EngineError('unavailable', `${deviceId} is not a smart-home device`, 'deviceId');
    const cmd = normalizeCommand(control, command, this.states.get(deviceId, entity));
    const built = dialect.command(deviceId, control, cmd);
    if (!built) throw new EngineError('not_found', `${entity} is gone`, 'entity');
    if ('error' in built) throw new EngineError('unavailable', built.error);
    const st = this.tracker.begin(deviceId, entity, control.kind, cmd);
    for (const p of built.publishes)
      this.mqtt.publish(p.topic, p.payload, { qos: p.qos, retain: p.retain });
    this.log.info('command sent', { device: deviceId, entity, command: cmd, id: st.id });
    if (built.confirm === 'sent') this.tracker.settle(st.id, 'confirmed');
    // What an optimistic entity is assumed to be in confirms the command like a reported state.
    if (built.confirm === 'assumed')
      this.states.report(deviceId, { [entity]: assumedState(control.kind, cmd) });
    return this.tracker.get(st.id) ?? st;
  }

  private discover(): void {
    this.settledRound = false;
    this.disarmSettle();
    if (this.ctx.status().mqtt.state === 'connected') this.armSettle();
    const s = this.ctx.settings.get().mqtt;
    for (const d of this.dialects) d.discover(this.hostFor(d), s);
  }

  private forget(dropDevices: boolean): void {
    for (const d of this.dialects) d.forget(dropDevices);
  }

  /** What one dialect reaches of the engine: its own devices, readings, entity states, the others' claims. */
  private hostFor(dialect: SmartHomeDialect): DialectHost {
    const ctx = this.ctx;
    const others = this.dialects.filter((d) => d !== dialect);
    return {
      subscribe: (filter, handler) => this.mqtt.subscribe(filter, (t, p) => handler(t, p)),
      upsertDevice: (patch) =>
        ctx.devices.upsert({
          transport: 'mqtt',
          source: dialect.source,
          gateways: [ctx.gatewayId()],
          ...patch,
        }),
      removeDevice: (id, reason) => {
        if (ctx.devices.remove(id) && reason)
          this.log.info('device removed', { device: id, source: dialect.source, reason });
      },
      knownDevices: () =>
        ctx.devices
          .list()
          .filter((d) => d.transport === 'mqtt' && d.source === dialect.source)
          .map((d) => d.id),
      publishReadings: (deviceId, values) => {
        const ts = ctx.ports.clock.now();
        const gateway = ctx.gatewayId();
        ctx.readings.publish(
          values.map((v) => ({ deviceId, ...v, ts, source: dialect.source, gateway })),
        );
        // The registry marks a device online with each reading; one that is offline by its
        // availability (a sensor still reporting while every entity says unavailable) stays so.
        const d = ctx.devices.get(deviceId);
        if (d?.availability === 'offline' && d.online)
          ctx.devices.upsert({ id: deviceId, online: false });
      },
      states: this.states,
      shadowed: (id) => others.some((d) => d.shadows?.(id) === true),
      shadowsChanged: () => {
        for (const d of others) d.dropShadowed?.();
      },
      bad: (topic, reason, detail) => this.bad(topic, reason, detail),
      maxPayloadBytes: (topic) =>
        topic === undefined
          ? ctx.settings.get().mqtt.maxPayloadBytes
          : payloadCap(topic, ctx.settings.get().mqtt).max,
      now: () => ctx.ports.clock.now(),
    };
  }

  /** Logged once per topic and kind of problem (the part of the reason before a colon). */
  private bad(topic: string, reason: string, detail?: Record<string, unknown>): void {
    const key = `${topic}\u0000${reason.split(':')[0]}`;
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REPORTED) this.reported.clear();
    this.reported.add(key);
    this.log.warn(`ignored MQTT input: ${reason}`, { topic, reason, ...detail });
  }
}
