import type { Metric } from './metrics.js';

export type Transport = 'ble' | 'mqtt';

/** What a device can do; the dashboard picks controls and icons from these. */
export type DeviceKind =
  | 'heart_rate'
  | 'thermometer'
  | 'scale'
  | 'blood_pressure'
  | 'pulse_oximeter'
  | 'glucose'
  | 'cycling'
  | 'running'
  | 'sensor'
  | 'light'
  | 'switch'
  | 'binary_sensor'
  | 'climate'
  | 'cover'
  | 'lock'
  | 'button'
  | 'gateway'
  | 'other';

/** Where a device comes from: a radio, another Homebeat gateway, or the dialect that owns it. */
export type DeviceSource = 'ble' | 'bthome' | 'homebeat_gateway' | SmartHomeSource;

/**
 * A smart-home dialect's own name for its devices: the built-in ones, or any other dialect's (the
 * engine takes its dialects from the composition, so the list is open; the dashboard shows an
 * unknown one as it is).
 */
export type SmartHomeSource = 'ha_discovery' | 'zigbee2mqtt' | (string & {});

/** A control the dashboard or a rule can drive; `entity` is the transport's own handle. */
export interface DeviceControl {
  entity: string;
  kind: 'switch' | 'light' | 'climate' | 'cover' | 'lock' | 'button';
  name: string;
  /** Present for lights that dim; values 0..100 %. */
  brightness?: boolean;
  colorTemp?: { min: number; max: number };
  setpoint?: { min: number; max: number; step: number };
  modes?: string[];
}

/**
 * What an entity is to its device: its primary values (what the device is for), configuration
 * (offsets, thresholds, modes) or diagnostics (link quality, battery low flags, firmware). Only
 * primary entities are shown as the device's value; the others are kept and shown as such.
 */
export type EntityCategory = 'primary' | 'config' | 'diagnostic';

/**
 * One value or control of a device: a Zigbee2MQTT property with its endpoint (`temperature`,
 * `state_l1`), a Home Assistant entity, a GATT characteristic field (`heart_rate`,
 * `rr_interval`), a BTHome object instance (`temperature_2`). Readings form one series per
 * (device, entity key); the metric is a tag saying what the entity measures.
 */
export interface Entity {
  /** Unique within its device; stable across restarts. */
  key: string;
  name: string;
  /** What it measures, for display, rules and the bridge; absent for text-like entities. */
  metric?: Metric;
  unit?: string;
  category: EntityCategory;
  /** Its own availability, where its source reports one; absent: it follows the device's. */
  available?: boolean;
  /** Why it is unavailable, in words (e.g. "relay offline (availability topic)"). */
  unavailableReason?: string;
  /** What a binary entity senses (door, window, motion, ...), for its words. */
  binaryClass?: string;
  /** The kind of control it offers, when it takes commands (its `entity` handle is the key). */
  control?: DeviceControl['kind'];
}

/** Online: everything available; partial: some entities unavailable; offline: the device is. */
export type Availability = 'online' | 'partial' | 'offline';

/** The newest value of one entity of a device (by its time, then by arrival). */
export interface LatestValue {
  /** What the entity measures: its key is the metric's name for most, not for all. */
  metric: Metric;
  value: number | null;
  unit: string;
  ts: number;
  /** Set when the device sent a special value (IEEE-11073 NaN, NRes, ±INF) instead of a number. */
  status?: ReadingStatus;
}

export interface Device {
  /** Stable: BLE address (lower-case, colon-separated) or the MQTT unique id. */
  id: string;
  transport: Transport;
  source: DeviceSource;
  kind: DeviceKind;
  name: string;
  model?: string;
  manufacturer?: string;
  firmware?: string;
  room?: string;
  capabilities: Metric[];
  /** Its values and controls, each its own series; see Entity. */
  entities?: Entity[];
  /** Derived from `online` and the entities' own availability. */
  availability?: Availability;
  controls?: DeviceControl[];
  /** Current state of controllable entities, keyed by entity (e.g. { state: 'ON', brightness: 40 }). */
  state?: Record<string, unknown>;
  online: boolean;
  lastSeen: number | null;
  battery?: number;
  rssi?: number;
  paired?: boolean;
  /** Gateway ids that see this device; one device even when several gateways report it. */
  gateways: string[];
  /**
   * The newest value of each entity, keyed by entity key (see Entity): `temperature` and
   * `temperature_2` are two. Where the key is the metric's name, as it is for most, this reads as it
   * did when values were keyed by metric.
   */
  latest: Partial<Record<string, LatestValue>>;
  /** What its binary 'state' senses (door, window, motion, ...), where the device says. */
  binaryClass?: string;
  /** The buttons and dimmers it has sent events from ('button_1', 'dimmer_1'), in first-seen order. */
  eventSources?: string[];
}

/** A momentary event from a device (a button pressed, a dimmer turned): not a reading. */
export interface DeviceEvent {
  deviceId: string;
  /** 'button_1', 'dimmer_2': which control of the device, numbered from 1. */
  source: string;
  /** press, double_press, triple_press, long_press, ..., rotate_left, rotate_right */
  event: string;
  /** Dimmer steps turned. */
  steps?: number;
  ts: number;
  gateway: string;
}

export type ReadingStatus = 'ok' | 'nan' | 'nres' | 'pos_inf' | 'neg_inf' | 'invalid';

export interface Reading {
  deviceId: string;
  /**
   * The entity of the device this value belongs to (see Entity). Optional only while every
   * producer learns to set it: the reading bus fills in the metric's name where it is absent.
   */
  entity?: string;
  metric: Metric;
  /** null only when status is not 'ok'. */
  value: number | null;
  unit: string;
  /** Milliseconds since the epoch; the device's own time where it gives one. */
  ts: number;
  source: string;
  status?: ReadingStatus;
  /** Which gateway produced the reading (multi-gateway setups). */
  gateway?: string;
}

export interface DevicePatch extends Partial<Omit<Device, 'id'>> {
  id: string;
}

export interface DevicesDelta {
  upserted: Device[];
  removed: string[];
}
