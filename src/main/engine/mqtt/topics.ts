/** Topic helpers shared by the connection, the bridge and the gateway peers. */

/** MQTT filter matching (`+` one level, `#` the rest); `$`-topics only match explicit filters. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  return matchLevels(filter.split('/'), topic.split('/'), topic.startsWith('$'));
}

/** topicMatches on levels already split (the subscription table splits each filter once). */
export function matchLevels(f: readonly string[], t: readonly string[], system: boolean): boolean {
  if (system && !f[0]!.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    const seg = f[i];
    if (seg === '#') return true;
    if (i >= t.length) return false;
    if (seg !== '+' && seg !== t[i]) return false;
  }
  return f.length === t.length;
}

export const hasWildcard = (topic: string): boolean => /[#+]/.test(topic);

/**
 * A device id as one topic level and an object id: BLE addresses carry ':' which Home Assistant
 * refuses in object ids, and '/', '+', '#' would change the topic's meaning.
 */
export function sanitiseId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

export const statusTopic = (gatewayId: string): string => `homebeat/${gatewayId}/status`;
export const alertTopic = (gatewayId: string): string => `homebeat/${gatewayId}/alert`;
export const stateTopic = (gatewayId: string, deviceId: string): string =>
  `homebeat/${gatewayId}/${sanitiseId(deviceId)}/state`;
/** A wearable's availability as its bridging gateway reports it. */
export const availabilityTopic = (gatewayId: string, deviceId: string): string =>
  `homebeat/${gatewayId}/${sanitiseId(deviceId)}/availability`;
/** Every RR interval of a wearable, as events (never coalesced, so none is lost to a newer one). */
export const rrTopic = (gatewayId: string, deviceId: string): string =>
  `homebeat/${gatewayId}/${sanitiseId(deviceId)}/rr`;
/** A button's or dimmer's events. */
export const eventTopic = (gatewayId: string, deviceId: string, source: string): string =>
  `homebeat/${gatewayId}/${sanitiseId(deviceId)}/${sanitiseId(source)}/event`;
/** What a gateway announces (retained) about a wearable it hears: the signal, for the election. */
export const hearsTopic = (gatewayId: string, deviceId: string): string =>
  `homebeat/${gatewayId}/${sanitiseId(deviceId)}/hears`;
/** Every gateway's announcements. */
export const ALL_HEARS = 'homebeat/+/+/hears';
/** A wearable's Home Assistant device-level discovery config (shared by every gateway). */
export const discoveryTopic = (prefix: string, deviceId: string): string =>
  `${prefix}/device/homebeat_${sanitiseId(deviceId)}/config`;
/** Every gateway's wearable states. */
export const ALL_STATES = 'homebeat/+/+/state';
/** One gateway's wearable states (what a peer follows). */
export const peerStates = (gatewayId: string): string => `homebeat/${gatewayId}/+/state`;
/** Every gateway's availability topic. */
export const ALL_STATUS = 'homebeat/+/status';
