/**
 * An advertisement format: how a passive sensor's readings travel in its advertisements (BTHome
 * service data, a vendor's manufacturer data, ...). A format is one module against this interface
 * plus one row in the table (formats/index.ts); the advertisement receiver does the rest (repeats,
 * failure logging, devices, entities, readings, events).
 */
import type { DeviceKind, DeviceSource } from '../../../../shared/model.js';
import type { Logger } from '../../logging.js';
import type { DecodedValue } from '../decoders/index.js';
import type { Advertisement } from '../radio.js';

/** What a format may use while decoding one device's advertisement. */
export interface FormatContext<S extends object = Record<string, unknown>> {
  /** The device's id: its address, lower-case with colons. */
  readonly deviceId: string;
  /** The host's secrets, read-only: bind keys and the like. */
  readonly secrets: { get(name: string): string | undefined };
  /**
   * This format's own state for this device (a replay counter, say), kept across advertisements
   * and cleared when the device's key changes.
   */
  readonly state: Partial<S>;
  readonly log: Logger;
}

/** A momentary event (a button press, a dimmer turn) of the n-th control of its type. */
export interface FormatEvent {
  type: string;
  event: string;
  /** Which control of a multi-button device, from 0. */
  index: number;
  steps?: number;
}

export interface FormatReport {
  /** Decoded values, each an entity of the device (see advert-entities.ts). */
  values: DecodedValue[];
  events?: FormatEvent[];
  /** What the advertisement tells of the device itself. */
  device?: { kind?: DeviceKind; model?: string; manufacturer?: string; firmware?: string };
  /** Facts that are not readings: a beacon's identity (iBeacon UUID, Eddystone URL), a MAC. */
  extra?: Record<string, unknown>;
}

export interface AdvertFormat<S extends object = Record<string, unknown>> {
  /** Short and stable, e.g. 'bthome'. */
  readonly id: string;
  /** What logs call it, e.g. 'BTHome'. */
  readonly name: string;
  /** What the device list calls where its devices come from. */
  readonly source: DeviceSource;
  /** Whether an advertisement is in this format: cheap (a service-data UUID, a company id). */
  matches(a: Advertisement): boolean;
  /**
   * Decodes a matching advertisement. Throws (a DecodeError, with the bytes) on what it cannot
   * read; returns null when there is nothing new in it (a replayed packet).
   */
  decode(a: Advertisement, ctx: FormatContext<S>): FormatReport | null;
  /** A word for the pairing screen about this device (e.g. that it needs a bind key). */
  pairingNote?(a: Advertisement, ctx: FormatContext<S>): string | undefined;
}
