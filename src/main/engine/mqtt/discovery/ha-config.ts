/**
 * Home Assistant MQTT discovery messages -> validated entity configs. Pure: no MQTT, no engine.
 * Handles per-entity configs (`<prefix>/<component>/[<node_id>/]<object_id>/config`) and
 * device-level configs (`<prefix>/device/<object_id>/config` with `dev`, `o`, `cmps`), expands the
 * abbreviations and the `~` topic base the way Home Assistant's discovery.py does, and refuses
 * anything unsafe (wildcards in topics, wrong types) with a reason.
 */
import {
  ABBREVIATIONS,
  DEVICE_ABBREVIATIONS,
  ORIGIN_ABBREVIATIONS,
  SHARED_OPTIONS,
} from './abbreviations.js';
import { compileTemplate, type CompiledTemplate } from './template.js';

export type Json = Record<string, unknown>;

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

/** Components Home Assistant has that Homebeat does not map yet: skipped, logged as unsupported. */
const OTHER_HA_COMPONENTS = new Set(
  'alarm_control_panel camera date datetime device_automation device_tracker event fan humidifier image infrared lawn_mower notify number remote scene select siren tag text time update vacuum valve water_heater'.split(
    ' ',
  ),
);

const TOPIC_MATCHER = /^(\w+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;
const MAX_TOPIC = 1024;
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
  /** The expanded config. */
  c: Json;
  templates: Map<string, CompiledTemplate>;
  /** Why a template of this entity cannot be evaluated (the entity is shown, not executed). */
  unsupported?: string;
  availability: HaAvailability[];
  availabilityMode: 'all' | 'any' | 'latest';
}

export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseConfigTopic(prefix: string, topic: string): ConfigTopic | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const m = TOPIC_MATCHER.exec(topic.slice(prefix.length + 1));
  if (!m) return null;
  return m[2]
    ? { component: m[1], nodeId: m[2], objectId: m[3] }
    : { component: m[1], objectId: m[3] };
}

function expandKeys(o: Json, table: Readonly<Record<string, string>>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[Object.hasOwn(table, k) ? table[k] : k] = v;
  return out;
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
    const comps: Json = {};
    for (const [id, v] of Object.entries(c.components))
      comps[id] = isObject(v) ? expandComponent(v) : v;
    c.components = comps;
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

export const isHaComponent = (c: string): c is HaComponent =>
  (HA_COMPONENTS as readonly string[]).includes(c);

/** Topics we would subscribe to or publish on: strings, no wildcards, sane length. */
function checkTopics(c: Json): string | undefined {
  for (const [k, v] of Object.entries(c)) {
    if (!k.endsWith('topic')) continue;
    const bad = badTopic(k, v);
    if (bad) return bad;
  }
  if (c.availability !== undefined) {
    if (!Array.isArray(c.availability)) return 'wrong type: availability must be a list';
    if (c.availability.length > 16) return 'too many availability entries';
    for (const a of c.availability) {
      if (!isObject(a)) return 'wrong type: an availability entry is not an object';
      const bad = badTopic('availability.topic', a.topic);
      if (bad) return bad;
    }
  }
  return undefined;
}

function badTopic(key: string, v: unknown): string | undefined {
  if (typeof v !== 'string') return `wrong type: ${key} must be a string`;
  if (v.length === 0 || v.length > MAX_TOPIC) return `${key} is empty or too long`;
  if (/[+#]/.test(v)) return `wildcard in ${key}: "${v}"`;
  if (v.includes('\u0000')) return `NUL in ${key}`;
  return undefined;
}

const REQUIRED: Partial<Record<HaComponent, string[]>> = {
  sensor: ['state_topic'],
  binary_sensor: ['state_topic'],
  switch: ['command_topic'],
  light: ['command_topic'],
  lock: ['command_topic'],
  button: ['command_topic'],
};

const NUMERIC_KEYS = [
  'qos',
  'brightness_scale',
  'min_temp',
  'max_temp',
  'temp_step',
  'precision',
  'position_open',
  'position_closed',
  'min_mireds',
  'max_mireds',
];

const str = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;

/** Validates a config and gathers what the runtime needs; `reason` says why it was refused. */
export function toEntity(raw: RawEntityConfig): { entity: HaEntity } | { reason: string } {
  const { component, config: c } = raw;
  if (!isHaComponent(component))
    return {
      reason: OTHER_HA_COMPONENTS.has(component)
        ? `unsupported component "${component}"`
        : `unknown component "${component}"`,
    };
  const badTopics = checkTopics(c);
  if (badTopics) return { reason: badTopics };
  for (const k of REQUIRED[component] ?? [])
    if (c[k] === undefined) return { reason: `${component} needs ${k}` };
  for (const k of NUMERIC_KEYS)
    if (c[k] !== undefined && typeof c[k] !== 'number')
      return { reason: `wrong type: ${k} must be a number` };
  if (c.name !== undefined && c.name !== null && typeof c.name !== 'string')
    return { reason: 'wrong type: name must be a string' };
  if (
    c.modes !== undefined &&
    !(Array.isArray(c.modes) && c.modes.every((m) => typeof m === 'string'))
  )
    return { reason: 'wrong type: modes must be a list of strings' };

  const templates = new Map<string, CompiledTemplate>();
  let unsupported: string | undefined;
  for (const [k, v] of Object.entries(c)) {
    if (!k.endsWith('_template')) continue;
    if (typeof v !== 'string') return { reason: `wrong type: ${k} must be a string` };
    const t = compileTemplate(v);
    if (t.ok) templates.set(k, t.template);
    else unsupported ??= `${k}: ${t.reason}`;
  }

  const dev = isObject(c.device) ? c.device : {};
  const deviceId = deviceIdOf(dev, c, raw.key);
  if (deviceId.length > 200) return { reason: 'the device identifier is longer than 200' };

  const availability: HaAvailability[] = [];
  const addAvailability = (topic: unknown, on: unknown, off: unknown, tpl: unknown) => {
    if (typeof topic !== 'string') return;
    const t = typeof tpl === 'string' ? compileTemplate(tpl) : undefined;
    if (t && !t.ok) unsupported ??= `availability template: ${t.reason}`;
    availability.push({
      topic,
      available: str(on) ?? 'online',
      notAvailable: str(off) ?? 'offline',
      template: t?.ok ? t.template : undefined,
    });
  };
  addAvailability(
    c.availability_topic,
    c.payload_available,
    c.payload_not_available,
    c.availability_template,
  );
  if (Array.isArray(c.availability))
    for (const a of c.availability as Json[])
      addAvailability(
        a.topic,
        a.payload_available ?? c.payload_available,
        a.payload_not_available ?? c.payload_not_available,
        a.value_template,
      );
  const mode = c.availability_mode;

  const entity: HaEntity = {
    key: raw.key,
    component,
    configTopic: raw.configTopic,
    deviceId,
    device: {
      name: str(dev.name),
      model: str(dev.model),
      manufacturer: str(dev.manufacturer),
      firmware: str(dev.sw_version),
      area: str(dev.suggested_area),
    },
    name: entityName(component, c, str(dev.name)),
    c,
    templates,
    unsupported,
    availability,
    availabilityMode: mode === 'all' || mode === 'any' ? mode : 'latest',
  };
  return { entity };
}

/** One device per `identifiers` (or `connections`); an entity without a device is its own. */
function deviceIdOf(dev: Json, c: Json, key: string): string {
  const ids = Array.isArray(dev.identifiers) ? dev.identifiers : [dev.identifiers];
  const id = ids.map(str).find((s) => s);
  if (id) return id;
  if (Array.isArray(dev.connections)) {
    const first = dev.connections.find((x) => Array.isArray(x) && x.length === 2);
    if (Array.isArray(first)) return `${str(first[0])}:${str(first[1])}`;
  }
  return str(c.unique_id) || `ha:${key}`;
}

function entityName(component: string, c: Json, deviceName: string | undefined): string {
  if (typeof c.name === 'string' && c.name) return c.name;
  if (c.name === null && deviceName) return deviceName;
  if (typeof c.device_class === 'string') {
    const w = c.device_class.replace(/_/g, ' ');
    return w.charAt(0).toUpperCase() + w.slice(1);
  }
  return deviceName ?? component.replace(/_/g, ' ');
}

/** Whether a config came from a Homebeat bridge (ours or another gateway's): not a smart-home device. */
export function isHomebeatConfig(c: Json): boolean {
  const o = isObject(c.origin) ? c.origin : undefined;
  return typeof o?.name === 'string' && /^homebeat$/i.test(o.name.trim());
}
