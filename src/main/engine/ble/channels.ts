import { METRICS } from '../../../shared/metrics.js';
import type { DeviceRegistry } from '../devices.js';
import type { DecodedValue } from './decoders/index.js';

/**
 * A passive sensor (BTHome, or any advertisement format) can report several values of one metric in a packet: a window contact and a
 * battery-low flag (both binary 'state'), two temperature probes, a rotation and a UV index (both
 * 'generic'). History keeps one value per device, metric and time, so those would overwrite each
 * other. The first value of each metric in the packet stays on the sensor itself; every other one
 * gets a channel named after its sensor (a BTHome object, and instance), which becomes a device of its own
 * (`<mac>/<channel>`) with its own history, card, rules and Home Assistant entity.
 *
 * Object order within a packet is fixed by the sensor's firmware (bthome.io asks for ascending
 * ids), so the same value lands on the same channel in every packet.
 */
export interface Channel {
  /** null for the sensor itself. */
  key: string | null;
  /** A human label for the channel's device name ("Battery low", "Temperature 2"). */
  label: string;
  values: DecodedValue[];
}

/**
 * Binary flags about the sensor rather than what it senses: never its own 'state' while a real
 * one (window, motion, ...) is in the packet, so a window sensor's state is the window.
 */
const DIAGNOSTIC = new Set([
  'battery_low',
  'battery_charging',
  'connectivity',
  'problem',
  'tamper',
]);

const sensorOf = (v: DecodedValue): string =>
  typeof v.extra?.sensor === 'string' ? v.extra.sensor : v.metric;

export function splitChannels(values: DecodedValue[]): Channel[] {
  // Per metric, the sensor that stays on the device: the first one that is not a diagnostic flag.
  const first = new Map<string, string>();
  for (const v of values)
    if (!first.has(v.metric) && !(v.metric === 'state' && DIAGNOSTIC.has(sensorOf(v))))
      first.set(v.metric, sensorOf(v));
  // The sensor itself always: a packet of only events still says it is there.
  const out = new Map<string | null, Channel>([[null, { key: null, label: '', values: [] }]]);
  for (const v of values) {
    const sensor = sensorOf(v);
    const instance = typeof v.extra?.instance === 'number' ? v.extra.instance : 1;
    const owner = first.get(v.metric);
    let key: string | null = null;
    if (owner === undefined) first.set(v.metric, sensor);
    else if (owner !== sensor || instance > 1)
      key = instance > 1 ? `${sensor}_${instance}` : sensor;
    let ch = out.get(key);
    if (!ch) {
      ch = { key, label: key === null ? '' : labelOf(sensor, instance), values: [] };
      out.set(key, ch);
    }
    ch.values.push(v);
  }
  return [...out.values()];
}

/** The id of a channel's device. '/' cannot occur in a BLE address, so it never collides. */
export const channelId = (sensorId: string, key: string): string => `${sensorId}/${key}`;

/** Whether `id` is a channel of the sensor `sensorId`. */
export const isChannelOf = (id: string, sensorId: string): boolean => id.startsWith(`${sensorId}/`);

/** The devices a sensor's extra channels became: online, away and forgotten with the sensor. */
export const channelsOf = (devices: DeviceRegistry, sensorId: string) =>
  devices.list().filter((d) => isChannelOf(d.id, sensorId));

function labelOf(sensor: string, instance: number): string {
  const known = (METRICS as Record<string, { label: string }>)[sensor]?.label;
  const words = known ?? sensor.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return instance > 1 ? `${words} ${instance}` : words;
}
