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
/** Every gateway's wearable states. */
export const ALL_STATES = 'homebeat/+/+/state';
/** One gateway's wearable states (what a peer follows). */
export const peerStates = (gatewayId: string): string => `homebeat/${gatewayId}/+/state`;
/** Every gateway's availability topic. */
export const ALL_STATUS = 'homebeat/+/status';
