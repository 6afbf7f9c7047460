/**
 * Home Assistant entity configs (expanded by ha-config.ts) -> validated entities: topics without
 * wildcards, the right types, the required keys, templates compiled (or marked unsupported), the
 * device an entity belongs to and its name, and its availability topics.
 */
import { isObject, type Json } from '../json.js';
import {
  HA_COMPONENTS,
  type HaAvailability,
  type HaComponent,
  type HaEntity,
  type RawEntityConfig,
} from './ha-config.js';
import { compileTemplate, type CompiledTemplate } from './template.js';

/** Components Home Assistant has that Homebeat does not map yet: skipped, logged as unsupported. */
const OTHER_HA_COMPONENTS = new Set(
  'alarm_control_panel camera date datetime device_automation device_tracker event fan humidifier image infrared lawn_mower notify number remote scene select siren tag text time update vacuum valve water_heater'.split(
    ' ',
  ),
);
const MAX_TOPIC = 1024;

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

  // Keyed by topic, as Home Assistant keys them: a topic listed twice is one, the last one wins.
  const availability = new Map<string, HaAvailability>();
  const addAvailability = (topic: unknown, on: unknown, off: unknown, tpl: unknown) => {
    if (typeof topic !== 'string') return;
    const t = typeof tpl === 'string' ? compileTemplate(tpl) : undefined;
    if (t && !t.ok) unsupported ??= `availability template: ${t.reason}`;
    availability.set(topic, {
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
  // Each list item has its own payloads, defaulting to online/offline (not the top-level ones).
  if (Array.isArray(c.availability))
    for (const a of c.availability as Json[])
      addAvailability(a.topic, a.payload_available, a.payload_not_available, a.value_template);
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
    category:
      c.entity_category === 'config' || c.entity_category === 'diagnostic'
        ? c.entity_category
        : 'primary',
    c,
    templates,
    unsupported,
    availability: [...availability.values()],
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
