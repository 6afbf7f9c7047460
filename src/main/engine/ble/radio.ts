/**
 * Where advertisements and GATT links come from. The BLE service talks to a Radio only: the local
 * adapter through noble (noble-radio.ts) is the first; a remote radio (an MQTT BLE gateway, an
 * ESPHome Bluetooth proxy) can implement the advertisement side and report that it cannot connect.
 * UUIDs follow noble's convention throughout: lower-case hex without dashes ('180d', 'fcd2').
 */
import type { Logger } from '../logging.js';

/**
 * The adapter as the radio reports it. 'unsupported' and 'unauthorized' mean no Bluetooth here (no
 * stack, no adapter, no permission): a state the app shows, never an error it stops on.
 */
export type RadioState =
  'unknown' | 'resetting' | 'unsupported' | 'unauthorized' | 'poweredOff' | 'poweredOn';

/** One advertisement (with its scan response merged in, as the stack reports it). */
export interface Advertisement {
  /** The device's stable id: its BLE address, lower-case with colons. */
  address: string;
  rssi: number;
  /** The advertised local name, when there is one. */
  name?: string;
  serviceUuids: string[];
  serviceData: { uuid: string; data: Buffer }[];
  /** Manufacturer specific data as on air: the company id (u16, little-endian) first. */
  manufacturerData?: Buffer;
  connectable: boolean;
}

/** What a radio reports to whoever opened it. */
export interface RadioListener {
  /** `reason` says in words why an adapter is not on, where the radio knows. */
  state(state: RadioState, reason?: string): void;
  /** Scanning started or stopped (the stack may stop a scan by itself). */
  scanning(on: boolean): void;
  advertisement(a: Advertisement): void;
}

export interface GattCharacteristic {
  readonly uuid: string;
  /** 'read', 'write', 'writeWithoutResponse', 'notify', 'indicate', ... */
  readonly properties: readonly string[];
  read(): Promise<Buffer>;
  write(data: Buffer, withoutResponse: boolean): Promise<void>;
  /** Enables notifications or indications; `onData` gets each one until the link ends. */
  subscribe(onData: (data: Buffer) => void): Promise<void>;
}

export interface GattService {
  readonly uuid: string;
  characteristics(): Promise<GattCharacteristic[]>;
}

/** A connected peripheral. Operations never time out by themselves: callers guard them. */
export interface GattLink {
  /** The signal strength last heard from the device. */
  readonly rssi: number;
  services(): Promise<GattService[]>;
  readRssi(): Promise<number>;
  /** Called once when the link goes down without disconnect() being called first. */
  onDisconnect(listener: (reason: unknown) => void): void;
  /** Closes the link (or calls off one still being set up); notifications stop at once. */
  disconnect(): void;
}

export interface Radio {
  /** The devices on this radio are simulated (the demo); the status says so. */
  readonly simulated: boolean;
  /** Whether connect() can work at all: an advertisement-only radio says no. */
  readonly canConnect: boolean;
  /** Starts the adapter and reporting; the state follows, at once or later. Called once. */
  open(listener: RadioListener): void;
  /** Resolves when scanning has started; rejects when the adapter cannot scan now. */
  startScanning(): Promise<void>;
  stopScanning(): void;
  /**
   * A GATT link to a device heard on this radio. Aborting `signal` calls the attempt off. A radio
   * that cannot connect rejects with CannotConnectError.
   */
  connect(address: string, signal: AbortSignal): Promise<GattLink>;
  /** Stops scanning and reporting; the radio is not used again. */
  dispose(): void;
}

/** Built by the BLE service when Bluetooth is first wanted (noble must not load before). */
export type RadioFactory = (env: { log: Logger }) => Radio;

export class CannotConnectError extends Error {
  constructor(why = 'this radio only listens to advertisements') {
    super(`cannot connect: ${why}`);
    this.name = 'CannotConnectError';
  }
}
