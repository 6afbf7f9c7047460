import type { Settings } from '../../../shared/settings.js';

/**
 * Incoming payloads are capped per topic family, not by one number: Zigbee2MQTT publishes its
 * whole device list (with every device's exposes) as one retained message, about 4 KiB per real
 * device, so a network of ~70 devices already passes 256 KiB, and a list dropped whole means no
 * Zigbee device appears at all. Ordinary states stay small, so a runaway publisher there is still
 * stopped early. Decided here, by topic, before any handler (a dialect) parses a byte.
 *
 * - `z2m-bridge`: `<zigbee2mqttBase>/bridge/devices` and `/bridge/groups` (mqtt.maxBridgePayloadBytes,
 *   16 MiB by default);
 * - `discovery`: Home Assistant discovery configs, `<discoveryPrefix>/<component>/[<node>/]<object>/config`
 *   (mqtt.maxDiscoveryPayloadBytes, 1 MiB by default: device-level discovery carries every
 *   component of a device in one message);
 * - `state`: everything else (mqtt.maxPayloadBytes, 256 KiB by default).
 */
export type PayloadFamily = 'z2m-bridge' | 'discovery' | 'state';

type CapSettings = Pick<
  Settings['mqtt'],
  | 'zigbee2mqttBase'
  | 'discoveryPrefix'
  | 'maxPayloadBytes'
  | 'maxDiscoveryPayloadBytes'
  | 'maxBridgePayloadBytes'
>;

/** The Zigbee2MQTT bridge topics that carry whole lists. */
const BRIDGE_LISTS = ['bridge/devices', 'bridge/groups'];

export function payloadFamily(topic: string, s: CapSettings): PayloadFamily {
  const base = s.zigbee2mqttBase;
  if (
    topic.length > base.length + 1 &&
    topic.startsWith(base) &&
    topic[base.length] === '/' &&
    BRIDGE_LISTS.includes(topic.slice(base.length + 1))
  )
    return 'z2m-bridge';
  const prefix = s.discoveryPrefix;
  if (topic.endsWith('/config') && topic.startsWith(prefix) && topic[prefix.length] === '/') {
    // <prefix>/<component>/<object>/config or <prefix>/<component>/<node>/<object>/config
    const levels = topic.slice(prefix.length + 1).split('/').length;
    if (levels === 3 || levels === 4) return 'discovery';
  }
  return 'state';
}

/** The largest payload accepted on `topic`, and the family that decided it. */
export function payloadCap(topic: string, s: CapSettings): { family: PayloadFamily; max: number } {
  const family = payloadFamily(topic, s);
  const max =
    family === 'z2m-bridge'
      ? s.maxBridgePayloadBytes
      : family === 'discovery'
        ? s.maxDiscoveryPayloadBytes
        : s.maxPayloadBytes;
  return { family, max };
}
