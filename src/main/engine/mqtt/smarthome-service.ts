/**
 * The smart-home service ('smarthome'): Home Assistant discovery and Zigbee2MQTT devices in, through
 * the 'mqtt' service's subscriptions; commands out on each entity's command topic, pending until
 * the device's state confirms them (commandState events); with --simulate, a scripted smart home
 * on the same broker.
 */
import type { CommandState } from '../../../shared/contract/index.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { MqttApi, SmartHomeApi } from '../services.js';
import { assumedState, CommandTracker, normalizeCommand, type Command } from './commands.js';
import { buildHaCommand } from './discovery/ha-command.js';
import type { HaEntity } from './discovery/ha-config.js';
import { HaDiscovery } from './discovery/ha.js';
import type { DiscoveryDeps } from './discovery/router.js';
import { buildZ2mCommand } from './discovery/z2m-exposes.js';
import { Z2mBridge } from './discovery/z2m.js';
import { SimHome, simHomeEndpoint } from './simhome/simhome.js';

export interface SmartHomeOptions {
  /** The broker connection the devices are found and commanded through. */
  mqtt: MqttApi;
  /** How long a command may stay pending before it is reported failed. */
  commandTimeoutMs?: number;
  /** Run the scripted smart home (default off). */
  simulateHome?: boolean;
  /** The scripted devices' tick (sensor drift, door). */
  simTickMs?: number;
}

const Z2M_HA_ID = 'zigbee2mqtt_';

/** Bad-input reports remembered (per topic and kind of problem) before the memory starts over. */
const MAX_REPORTED = 5000;

export class SmartHomeService implements SmartHomeApi {
  readonly name = 'smarthome';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly log: Logger;
  private readonly tracker: CommandTracker;
  private readonly reported = new Set<string>();
  private readonly mqtt: MqttApi;
  private ha?: HaDiscovery;
  private z2m?: Z2mBridge;
  private sim?: SimHome;
  private offs: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: SmartHomeOptions,
  ) {
    this.log = ctx.log('mqtt.smarthome');
    this.mqtt = opts.mqtt;
    this.dependsOn = [opts.mqtt];
    this.tracker = new CommandTracker({
      clock: ctx.ports.clock,
      timeoutMs: opts.commandTimeoutMs ?? 5000,
      emit: (states) => ctx.events.emit('commandState', states),
    });
    this.handlers = {
      sendCommand: ({ deviceId, entity, command }) => this.send(deviceId, entity, command),
    };
  }

  start(): void {
    this.startDiscovery();
    this.offs.push(
      this.ctx.settings.onChange((next, prev) => {
        const a = next.mqtt;
        const b = prev.mqtt;
        if (a.discoveryPrefix === b.discoveryPrefix && a.zigbee2mqttBase === b.zigbee2mqttBase)
          return;
        // Another prefix or base: the devices found under the old one are no longer followed.
        this.stopDiscovery(true);
        this.startDiscovery();
      }),
    );
    if (this.opts.simulateHome) {
      // The embedded broker may still be starting: the first connection tells us where it is.
      const off = this.mqtt.onConnected(() => {
        off();
        void this.startSim();
      });
      this.offs.push(off);
      if (this.ctx.status().mqtt.state === 'connected') void this.startSim();
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    await this.sim?.dispose();
    this.sim = undefined;
    this.stopDiscovery(false);
    this.tracker.dispose();
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

  /** The scripted smart home, when running (tests drive it). */
  get simHome(): SimHome | undefined {
    return this.sim;
  }

  private send(deviceId: string, entity: string, command: Command): CommandState {
    const dev = this.ctx.devices.get(deviceId);
    if (!dev) throw new EngineError('not_found', `no device ${deviceId}`, 'deviceId');
    const control = dev.controls?.find((c) => c.entity === entity);
    if (!control)
      throw new EngineError('not_found', `${deviceId} has no control ${entity}`, 'entity');
    const mqtt = this.mqtt;
    // A command is for now: not queued for a broker that is away (it would switch a light hours later).
    const conn = this.ctx.status().mqtt.state;
    if (conn !== 'connected')
      throw new EngineError('unavailable', `not connected to the MQTT broker (${conn})`);
    if (dev.source === 'ha_discovery' && this.ha) {
      const e = this.ha.entity(deviceId, entity);
      if (!e) throw new EngineError('not_found', `${entity} is gone`, 'entity');
      const cmd = normalizeCommand(control, command, this.ha.stateOf(entity));
      const built = buildHaCommand(e, cmd);
      if ('error' in built) throw new EngineError('unavailable', built.error);
      const st = this.tracker.begin(deviceId, entity, control.kind, cmd);
      for (const p of built.publishes)
        mqtt.publish(p.topic, p.payload, { qos: p.qos, retain: p.retain });
      this.log.info('command sent', { device: deviceId, entity, command: cmd, id: st.id });
      if (control.kind === 'button') this.tracker.settle(st.id, 'confirmed');
      else if (built.optimistic) this.ha.assume(e, assumedState(control.kind, cmd));
      return this.tracker.get(st.id) ?? st;
    }
    if (dev.source === 'zigbee2mqtt' && this.z2m) {
      const d = this.z2m.device(deviceId);
      const e = this.z2m.entity(deviceId, entity);
      if (!d || !e) throw new EngineError('not_found', `${entity} is gone`, 'entity');
      const cmd = normalizeCommand(control, command, this.z2m.stateOf(deviceId, entity));
      const payload = buildZ2mCommand(e, cmd);
      if ('error' in payload) throw new EngineError('unavailable', String(payload.error));
      const st = this.tracker.begin(deviceId, entity, control.kind, cmd);
      mqtt.publish(this.z2m.setTopic(d), JSON.stringify(payload), { qos: 0, retain: false });
      this.log.info('command sent', { device: deviceId, entity, command: cmd, id: st.id });
      return st;
    }
    throw new EngineError('unavailable', `${deviceId} is not a smart-home device`, 'deviceId');
  }

  private deps(mqtt: MqttApi): DiscoveryDeps {
    return {
      subscribe: (filter, handler) => mqtt.subscribe(filter, (t, p) => handler(t, p)),
      devices: this.ctx.devices,
      readings: this.ctx.readings,
      log: this.log,
      now: () => this.ctx.ports.clock.now(),
      gatewayId: () => this.ctx.gatewayId(),
      maxPayloadBytes: () => this.ctx.settings.get().mqtt.maxPayloadBytes,
      bad: (topic, reason, detail) => this.bad(topic, reason, detail),
      onEntityState: (deviceId, entity, state) => this.tracker.observe(deviceId, entity, state),
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

  private startDiscovery(): void {
    const s = this.ctx.settings.get().mqtt;
    const deps = this.deps(this.mqtt);
    // Zigbee2MQTT can announce its devices through Home Assistant discovery too (identifiers
    // `zigbee2mqtt_<ieee>`): one device, the one read from its own topics.
    const shadowed = (e: HaEntity) =>
      e.deviceId.startsWith(Z2M_HA_ID) && !!this.z2m?.device(e.deviceId.slice(Z2M_HA_ID.length));
    this.ha = new HaDiscovery(deps, s.discoveryPrefix, shadowed);
    this.z2m = new Z2mBridge(deps, s.zigbee2mqttBase, () => this.ha?.dropShadowed());
    this.ha.start();
    this.z2m.start();
  }

  private stopDiscovery(forget: boolean): void {
    this.ha?.dispose(forget);
    this.z2m?.dispose(forget);
    this.ha = undefined;
    this.z2m = undefined;
  }

  private async startSim(): Promise<void> {
    if (this.disposed || this.sim) return;
    const endpoint = simHomeEndpoint(this.ctx);
    if (!endpoint) return this.log.warn('scripted smart home: no broker to connect to');
    const s = this.ctx.settings.get().mqtt;
    this.sim = new SimHome({
      ...endpoint,
      discoveryPrefix: s.discoveryPrefix,
      z2mBase: s.zigbee2mqttBase,
      tickMs: this.opts.simTickMs,
      log: this.log.child('simhome'),
    });
    try {
      await this.sim.start();
      this.log.info('scripted smart home running', { url: endpoint.url });
    } catch (err) {
      this.log.warn('scripted smart home could not connect', { error: String(err) });
    }
  }
}
