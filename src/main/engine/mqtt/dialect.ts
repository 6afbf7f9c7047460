/**
 * A smart-home dialect: one way devices announce themselves and take commands over MQTT (Home
 * Assistant discovery in ha/, Zigbee2MQTT in z2m/). The smart-home service holds a list of them,
 * given by the composition root, and names none: a new dialect is one module against this
 * interface plus one entry in that list (compose.ts, builtinDialects).
 *
 * A dialect turns what it reads into the engine's model through its host: devices with their
 * controls and availability, readings for the values that are metrics, and entity states in the
 * command vocabulary of commands.ts. Those states are what confirm a pending command, so a dialect
 * never confirms one itself. Sending goes the other way: the service checks a command against the
 * control and resolves it against the current state (TOGGLE), the dialect says what it becomes.
 */
import type { DeviceControl, DevicePatch, DeviceSource } from '../../../shared/model.js';
import type { Metric } from '../../../shared/metrics.js';
import type { Settings } from '../../../shared/settings.js';
import type { Command } from './commands.js';
import type { EntityStates } from './entity-states.js';

export { isObject, type Json } from './json.js';

export type MqttSettings = Settings['mqtt'];

export interface SmartHomeDialect {
  /** The `source` of the devices it creates: how a device records which dialect owns it. */
  readonly source: DeviceSource;
  /**
   * The settings its topics come from (a prefix, a base topic), as one string: when it changes,
   * the service has every dialect forget its devices and discover again.
   */
  topicsOf(settings: MqttSettings): string;
  /**
   * Subscribes to its topics through `host` and from then on creates, updates and removes its
   * devices, reports their readings, entity states and availability. Called again after forget().
   */
  discover(host: DialectHost, settings: MqttSettings): void;
  /** Stops following its topics; with `dropDevices`, its devices leave the registry too. */
  forget(dropDevices: boolean): void;
  /**
   * What a command for a control of one of its devices becomes (the command is already checked
   * against the control and resolved against the current state). Undefined: the device or entity
   * is gone; an error: this device cannot take this command.
   */
  command(
    deviceId: string,
    control: DeviceControl,
    cmd: Command,
  ): DialectCommand | { error: string } | undefined;
  /**
   * Whether `deviceId`, as another dialect would announce it, is one of this dialect's devices
   * under another id (Zigbee2MQTT also announces its devices through Home Assistant discovery as
   * `zigbee2mqtt_<ieee>`): the other dialect leaves it out, so one device is shown once.
   */
  shadows?(deviceId: string): boolean;
  /** Another dialect's devices changed: drop what another dialect now shadows. */
  dropShadowed?(): void;
}

export interface Publish {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface DialectCommand {
  publishes: Publish[];
  /**
   * How the command is confirmed. 'state': by the state the device reports back (the usual case).
   * 'assumed': the entity reports nothing back (Home Assistant's optimistic entities), so the
   * commanded state is taken as its state. 'sent': there is no state to wait for (a button press).
   */
  confirm: 'state' | 'assumed' | 'sent';
}

/** A value that is a canonical metric, already in the metric's unit. */
export interface DialectValue {
  metric: Metric;
  value: number;
  unit: string;
}

/** What the smart-home service gives each dialect: the broker, its devices, reporting. */
export interface DialectHost {
  /** Subscribes on the broker (kept across reconnects); returns the unsubscribe function. */
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): () => void;
  /** Creates or updates one of its devices, stamped transport 'mqtt', its source, this gateway. */
  upsertDevice(patch: DevicePatch): void;
  removeDevice(id: string): void;
  /** Values as readings of this gateway, now (they also mark the device seen and online). */
  publishReadings(deviceId: string, values: DialectValue[]): void;
  /** The entity states: a reported state shows on the device and confirms pending commands. */
  readonly states: EntityStates;
  /** Whether another dialect shadows this device id (see SmartHomeDialect.shadows). */
  shadowed(deviceId: string): boolean;
  /** This dialect's devices changed: the others drop what it now shadows. */
  shadowsChanged(): void;
  /** Bad input: logged once per topic and kind of problem (the reason up to a colon); never thrown. */
  bad(topic: string, reason: string, detail?: Record<string, unknown>): void;
  maxPayloadBytes(): number;
  now(): number;
}
