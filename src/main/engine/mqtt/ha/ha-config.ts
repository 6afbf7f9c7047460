/**
 * Home Assistant MQTT discovery messages -> entity configs, and the entity types. Pure: no MQTT.
 * Handles per-entity configs (`<prefix>/<component>/[<node_id>/]<object_id>/config`) and
 * device-level configs (`<prefix>/device/<object_id>/config` with `dev`, `o`, `cmps`), expands the
 * abbreviations and the `~` topic base the way Home Assistant's discovery.py does. A message that
 * is not a config says why. Validating each entity is ha-entity.ts's job.
 */
import {
  ABBREVIATIONS,
  DEVICE_ABBREVIATIONS,
  ORIGIN_ABBREVIATIONS,
  SHARED_OPTIONS,
} from './abbreviations.js';
import type { EntityCategory } from '../../../../shared/model.js';
import type { CompiledTemplate } from './template.js';
import { isObject, type Json } from '../json.js';

export const HA_COMPONENTS = [
  'sensor',
  'binary_sensor',
  'switch',
  'light',
  'climate',
  'cover',
  'lock',
  'button',
] as const;
export type HaComponent = (typeof HA_COMPONENTS)[number];

const TOPIC_MATCHER = /^(\w+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;
const MAX_COMPONENTS = 200;

export interface ConfigTopic {
  component: string;
  nodeId?: string;
  objectId: string;
}

/** One entity's config, every key in full and `~` resolved. */
export interface RawEntityConfig {
  /** The entity's handle inside Homebeat: `<component>/[<node_id>/]<object_id>`. */
  key: string;
  component: string;
  configTopic: string;
  config: Json;
}

export type DiscoveryMessage =
  | { kind: 'remove' }
  /** `removed`: keys a device-level config dropped (a component with nothing but `platform`). */
  | { kind: 'entities'; entities: RawEntityConfig[]; removed: string[] }
  | { kind: 'error'; reason: string };

export interface HaAvailability {
  topic: string;
  available: string;
  notAvailable: string;
  template?: CompiledTemplate;
}

export interface HaEntity {
  key: string;
  component: HaComponent;
  configTopic: string;
  deviceId: string;
  device: {
    name?: string;
    model?: string;
    manufacturer?: string;
    firmware?: string;
    area?: string;
  };
  name: string;
  /** From its `entity_category`: a config or diagnostic entity is never the device's value. */
  category: EntityCategory;
  /** The expanded config. */
  c: Json;
  templates: Map<string, CompiledTemplate>;
  /** Why a template of this entity cannot be evaluated (the entity is shown, not executed). */
  unsupported?: string;
  /** One per topic (a topic listed twice is one, as in Home Assistant); empty: always available. */
  availability: HaAvailability[];
  availabilityMode: 'all' | 'any' | 'latest';
}

export function parseConfigTopic(prefix: string, topic: string): ConfigTopic | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const m = TOPIC_MATCHER.exec(topic.slice(prefix.length + 1));
  if (!m) return null;
  return m[2]
    ? { component: m[1], nodeId: m[2], objectId: m[3] }
    : { component: m[1], objectId: m[3] };
}

function expandKeys(o: Json, table: Readonly<Record<string, string>>): Json {
  // fromEntries defines every key, `__proto__` included (assignment would set the prototype).
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [Object.hasOwn(table, k) ? table[k] : k, v]),
  );
}

function expandComponent(o: Json): Json {
  const c = expandKeys(o, ABBREVIATIONS);
  if (Array.isArray(c.availability))
    c.availability = c.availability.map((a) => (isObject(a) ? expandKeys(a, ABBREVIATIONS) : a));
  return c;
}

function expandAll(o: Json): Json {
  const c = expandComponent(o);
  if (isObject(c.device)) c.device = expandKeys(c.device, DEVICE_ABBREVIATIONS);
  if (isObject(c.origin)) c.origin = expandKeys(c.origin, ORIGIN_ABBREVIATIONS);
  if (isObject(c.components)) {
    c.components = Object.fromEntries(
      Object.entries(c.components).map(([id, v]) => [id, isObject(v) ? expandComponent(v) : v]),
    );
  }
  return c;
}

/** `~` at the start or end of a `*topic` value (and of each availability topic) is the base. */
function replaceTopicBase(c: Json): void {
  if (!('~' in c)) return;
  const base = String(c['~']);
  delete c['~'];
  const sub = (v: string): string => {
    let out = v;
    if (v.startsWith('~')) out = base + v.slice(1);
    // Two tests on the original value, as Home Assistant does: for "~" alone the end wins.
    if (v.endsWith('~')) out = v.slice(0, -1) + base;
    return out;
  };
  for (const [k, v] of Object.entries(c))
    if (typeof v === 'string' && v && k.endsWith('topic')) c[k] = sub(v);
  if (Array.isArray(c.availability))
    for (const a of c.availability)
      if (isObject(a) && typeof a.topic === 'string' && a.topic) a.topic = sub(a.topic);
}

/** Splits one discovery message into entity configs (one, or one per device component). */
export function parseDiscoveryMessage(
  where: ConfigTopic,
  topic: string,
  payload: string,
): DiscoveryMessage {
  if (payload.length === 0) return { kind: 'remove' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (err) {
    return { kind: 'error', reason: `malformed JSON: ${(err as Error).message}` };
  }
  if (!isObject(parsed)) return { kind: 'error', reason: 'the config is not a JSON object' };
  if ('migrate_discovery' in parsed || 'migr_discvry' in parsed)
    return { kind: 'entities', entities: [], removed: [] };
  const c = expandAll(parsed);
  const node = where.nodeId ? `${where.nodeId}/` : '';
  if (where.component !== 'device') {
    replaceTopicBase(c);
    const key = `${where.component}/${node}${where.objectId}`;
    return {
      kind: 'entities',
      entities: [{ key, component: where.component, configTopic: topic, config: c }],
      removed: [],
    };
  }
  if (!isObject(c.device)) return { kind: 'error', reason: 'a device config needs "dev"' };
  if (!isObject(c.components)) return { kind: 'error', reason: 'a device config needs "cmps"' };
  const comps = Object.entries(c.components);
  if (comps.length > MAX_COMPONENTS)
    return { kind: 'error', reason: `more than ${MAX_COMPONENTS} components` };
  const entities: RawEntityConfig[] = [];
  const removed: string[] = [];
  for (const [id, raw] of comps) {
    if (!isObject(raw) || typeof raw.platform !== 'string')
      return { kind: 'error', reason: `component "${id}" has no platform ("p")` };
    const { platform, ...rest } = raw;
    const key = `${platform}/${node}${where.objectId}/${id}`;
    if (Object.keys(rest).length === 0) {
      removed.push(key);
      continue;
    }
    const config: Json = { ...rest, device: c.device };
    if (c.origin !== undefined) config.origin = c.origin;
    if ('~' in c && !('~' in config)) config['~'] = c['~'];
    for (const opt of SHARED_OPTIONS) if (opt in c && !(opt in config)) config[opt] = c[opt];
    replaceTopicBase(config);
    entities.push({ key, component: platform, configTopic: topic, config });
  }
  return { kind: 'entities', entities, removed };
}
