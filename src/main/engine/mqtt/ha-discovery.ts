import { METRICS, type Metric } from '../../../shared/metrics.js';
import { BINARY_CLASS_WORDS } from '../../../shared/binary-classes.js';
import { CONTROL_EVENTS } from '../../../shared/control-events.js';
import type { Device, EntityCategory } from '../../../shared/model.js';
import { sanitiseId } from './topics.js';

/** Home Assistant's sensor vocabulary for our metrics (device_class, state_class). */
const HA_SENSOR: Partial<Record<Metric, { dc?: string; sc?: string; icon?: string }>> = {
  heart_rate: { sc: 'measurement', icon: 'mdi:heart-pulse' },
  rr_interval: { dc: 'duration', sc: 'measurement' },
  energy_expended: { sc: 'total_increasing', icon: 'mdi:fire' },
  temperature: { dc: 'temperature', sc: 'measurement' },
  humidity: { dc: 'humidity', sc: 'measurement' },
  pressure: { dc: 'atmospheric_pressure', sc: 'measurement' },
  illuminance: { dc: 'illuminance', sc: 'measurement' },
  weight: { dc: 'weight', sc: 'measurement' },
  height: { dc: 'distance', sc: 'measurement' },
  bmi: { sc: 'measurement' },
  spo2: { sc: 'measurement', icon: 'mdi:water-percent' },
  pulse: { sc: 'measurement', icon: 'mdi:heart-pulse' },
  perfusion_index: { sc: 'measurement' },
  systolic: { sc: 'measurement' },
  diastolic: { sc: 'measurement' },
  mean_arterial_pressure: { sc: 'measurement' },
  battery: { dc: 'battery', sc: 'measurement' },
  voltage: { dc: 'voltage', sc: 'measurement' },
  current: { dc: 'current', sc: 'measurement' },
  energy: { dc: 'energy', sc: 'total_increasing' },
  steps: { sc: 'total_increasing', icon: 'mdi:walk' },
  distance: { dc: 'distance', sc: 'total_increasing' },
  speed: { dc: 'speed', sc: 'measurement' },
  cadence: { sc: 'measurement' },
  stride_length: { dc: 'distance', sc: 'measurement' },
  power: { dc: 'power', sc: 'measurement' },
  co2: { dc: 'carbon_dioxide', sc: 'measurement' },
  tvoc: { dc: 'volatile_organic_compounds', sc: 'measurement' },
  pm25: { dc: 'pm25', sc: 'measurement' },
  pm10: { dc: 'pm10', sc: 'measurement' },
  moisture: { dc: 'moisture', sc: 'measurement' },
  rssi: { dc: 'signal_strength', sc: 'measurement' },
  glucose: { sc: 'measurement' },
};

/**
 * The binary_sensor device class for what a BTHome binary sensor senses: the same word when it is
 * one of Home Assistant's classes (BINARY_CLASS_WORDS), but for these.
 */
const HA_BINARY_CLASS: Record<string, string | undefined> = {
  battery_low: 'battery',
  generic_boolean: undefined,
};
const haBinaryClass = (c: string | undefined): string | undefined => {
  if (c === undefined) return undefined;
  if (Object.hasOwn(HA_BINARY_CLASS, c)) return HA_BINARY_CLASS[c];
  return Object.hasOwn(BINARY_CLASS_WORDS, c) ? c : undefined;
};

/** Units Home Assistant spells differently from our canonical list. */
const HA_UNIT: Partial<Record<string, string>> = { steps: 'steps', 'mmol/L': 'mmol/L' };

/** One Home Assistant entity of a wearable: an entity of the device, with what it measures. */
export interface BridgedEntity {
  key: string;
  metric: Metric;
  name?: string;
  category?: EntityCategory;
  binaryClass?: string;
  /**
   * Its id in Home Assistant (unique id, object id), when not its key: the metric's name for the
   * device's main entity of a metric that no entity is keyed by (a BTHome window contact, keyed
   * `window`, was the sensor's `state` series before values were keyed by entity).
   */
  id?: string;
}

/**
 * Unique id of a wearable's entity. For an entity whose key is its metric (every wearable before
 * entities had keys of their own) this is `homebeat_<dev>_<metric>`, as before, so the entities
 * users have in Home Assistant keep their history and customisations.
 */
export const uniqueId = (deviceId: string, key: string): string =>
  `homebeat_${sanitiseId(deviceId)}_${sanitiseId(key)}`;

/** Fields of the state payload that are not entity values (an entity so named is not bridged). */
export const STATE_FIELDS = new Set([
  'gateway',
  'device',
  'name',
  'kind',
  'ts',
  'time',
  'timestamps',
  'metrics',
  'readings',
]);

const valueTemplate = (key: string): string =>
  /^[a-z_][a-z0-9_]*$/i.test(key) ? `{{ value_json.${key} }}` : `{{ value_json['${key}'] }}`;

export interface DiscoveryTopics {
  gateway: string;
  state: string;
  status: string;
  availability: string;
  rr: string;
  event(source: string): string;
}

/** The device-level discovery config of a wearable, naming the owner gateway's topics. */
export function discoveryConfig(
  d: Device,
  entities: BridgedEntity[],
  t: DiscoveryTopics,
  version: string,
): Record<string, unknown> {
  const san = sanitiseId(d.id);
  const components: Record<string, Record<string, unknown>> = {};
  for (const e of entities) components[`${san}_${sanitiseId(e.id ?? e.key)}`] = component(d, e);
  for (const source of d.eventSources ?? []) {
    const [type = '', n = ''] = source.split('_');
    if (type !== 'button' && type !== 'dimmer') continue;
    const c: Record<string, unknown> = {
      platform: 'event',
      unique_id: `homebeat_${san}_${sanitiseId(source)}`,
      object_id: `${san}_${sanitiseId(source)}`,
      name: `${type === 'button' ? 'Button' : 'Dimmer'} ${n}`,
      state_topic: t.event(source),
      event_types: CONTROL_EVENTS[type],
    };
    if (type === 'button') c.device_class = 'button';
    components[`${san}_${sanitiseId(source)}`] = c;
  }
  // Every RR interval reaches Home Assistant as the rr_interval entity's attributes.
  for (const e of entities)
    if (e.metric === 'rr_interval')
      components[`${san}_${sanitiseId(e.id ?? e.key)}`]!.json_attributes_topic = t.rr;
  const device: Record<string, unknown> = {
    identifiers: [`homebeat_${san}`],
    connections: [['bluetooth', d.id]],
    name: d.name || d.id,
    via_device: `homebeat_gateway_${t.gateway}`,
  };
  if (d.manufacturer) device.manufacturer = d.manufacturer;
  if (d.model) device.model = d.model;
  if (d.firmware) device.sw_version = d.firmware;
  return {
    device,
    origin: { name: 'Homebeat', sw_version: version },
    components,
    state_topic: t.state,
    availability: [{ topic: t.status }, { topic: t.availability }],
    availability_mode: 'all',
    qos: 1,
  };
}

function component(d: Device, e: BridgedEntity): Record<string, unknown> {
  const { metric: m, key } = e;
  const ha = HA_SENSOR[m] ?? {};
  const unit = METRICS[m].unit;
  const c: Record<string, unknown> = {
    platform: 'sensor',
    unique_id: uniqueId(d.id, e.id ?? key),
    object_id: `${sanitiseId(d.id)}_${sanitiseId(e.id ?? key)}`,
    name: e.name ?? (key === m ? METRICS[m].label : `${METRICS[m].label} (${key})`),
    value_template: valueTemplate(key),
  };
  if (unit) c.unit_of_measurement = HA_UNIT[unit] ?? unit;
  if (ha.dc) c.device_class = ha.dc;
  if (ha.sc) c.state_class = ha.sc;
  if (ha.icon) c.icon = ha.icon;
  // Home Assistant refuses sensors in the config category: read-only settings are diagnostics there.
  if (e.category === 'config' || e.category === 'diagnostic' || m === 'battery' || m === 'rssi')
    c.entity_category = 'diagnostic';
  if (m === 'state') {
    // A binary state is a binary_sensor in Home Assistant, not a number.
    c.platform = 'binary_sensor';
    c.payload_on = '1';
    c.payload_off = '0';
    const dc = haBinaryClass(e.binaryClass ?? d.binaryClass);
    if (dc) c.device_class = dc;
    delete c.unit_of_measurement;
    delete c.state_class;
  }
  return c;
}
