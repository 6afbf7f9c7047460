/**
 * A smart-home dialect: one way devices announce themselves and take commands over MQTT (Home
 * Assistant discovery in ha/, Zigbee2MQTT in z2m/). The smart-home service holds a list of them,
 * given by the composition root, and names none: a new dialect is one module against this
 * interface plus one entry in that list (compose.ts, builtinDialects).
 *
 * A dialect turns what it reads into the engine's model through its host: devices with their
 * entities (`Device.entities`: each value or control, keyed uniquely within the device, with its
 * category and own availability), controls and availability; readings for every numeric or binary
 * value, each with its entity (a series is a device's entity, never a unit or a metric); and entity
 * states in the command vocabulary of commands.ts. Those states are what confirm a pending command,
 * so a dialect never confirms one itself. Sending goes the other way: the service checks a command
 * against the control and its availability and resolves it against the current state (TOGGLE);
 * the dialect says what it becomes.
 *
 * Binary values follow one canonical meaning (src/shared/binary-classes.ts): 1 is the class's "on"
 * word (open, detected, wet, unlocked), whatever the device sends for it.
 */
import type {
  Availability,
  DeviceControl,
  DevicePatch,
  DeviceSource,
  Entity,
} from '../../../shared/model.js';
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
   * The user forgets one of its devices: it leaves the registry, and stays out until its source
   * announces it again (a changed or a new announcement; the same retained one does not count).
   * Returns false when the device is not this dialect's to forget.
   */
  forgetDevice?(deviceId: string): boolean;
  /**
   * The retained messages have had time to arrive after the connection was made: a device of this
   * dialect in the registry that nothing has announced by now is a ghost (restored from the last
   * run, its announcement gone meanwhile) and is removed.
   */
  settled?(): void;
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

/** One value of one entity: its metric (a tag; 'generic' when none fits), in the metric's unit. */
export interface DialectValue {
  /** The entity's key, unique within the device (see Entity). */
  entity: string;
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
  /** With a reason, the removal is logged (a ghost swept, a config removed, a bridge entry gone). */
  removeDevice(id: string, reason?: string): void;
  /** The ids of the registry's devices that are this dialect's (its source), restored ones too. */
  knownDevices(): string[];
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
  /**
   * The largest payload accepted on `topic` (the MQTT layer's cap for its family: Zigbee2MQTT's
   * device list and discovery configs may be larger than states); without a topic, a state's.
   */
  maxPayloadBytes(topic?: string): number;
  now(): number;
}

/**
 * A device's availability from its entities': offline when it is not reachable (or nothing of it
 * is available), partial when some entities say they are unavailable (a relay whose availability
 * topic says offline, next to a power sensor that has none), online otherwise.
 */
export function availabilityOf(entities: readonly Entity[], reachable: boolean): Availability {
  if (!reachable) return 'offline';
  let down = 0;
  for (const e of entities) if (e.available === false) down++;
  if (down === 0) return 'online';
  return down === entities.length ? 'offline' : 'partial';
}
