/**
 * Every device definition in zigbee-herdsman-converters (a dev dependency), with its exposes as
 * Zigbee2MQTT serialises them into `bridge/devices`, and entries of that list built from them.
 *
 * Definitions are prepared the way Zigbee2MQTT prepares them (prepareDefinition adds the exposes of
 * their extends); a definition whose exposes are a function of the device is called the way
 * zigbee-herdsman-converters calls it for its own checks, with a dummy device and no options. One
 * that throws even so is counted, not hidden.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** An expose as JSON (Zigbee2MQTT sends `JSON.stringify` of the expose objects). */
export interface ExposeJson {
  type: string;
  name?: string;
  label?: string;
  property?: string;
  access?: number;
  category?: string;
  endpoint?: string;
  value_on?: unknown;
  value_off?: unknown;
  value_min?: number;
  value_max?: number;
  values?: unknown[];
  unit?: string;
  features?: ExposeJson[];
}

export interface ZhcDefinition {
  model: string;
  vendor: string;
  description: string;
  exposes: ExposeJson[];
  /** The options Zigbee2MQTT lists with it (calibrations, timeouts), as JSON. */
  options: unknown[];
  /** Its exposes came from a function of the device. */
  dynamic: boolean;
}

interface RawDefinition {
  model: string;
  vendor: string;
  description: string;
  exposes: unknown[] | ((device: unknown, options: unknown) => unknown[]);
  options?: unknown[];
}

interface Zhc {
  prepareDefinition(d: unknown): RawDefinition;
}

let cache: { definitions: ZhcDefinition[]; failed: string[]; total: number } | undefined;

/** All definitions (prepared once per test file); `failed`: models whose exposes threw. */
export function zhcDefinitions(): {
  definitions: ZhcDefinition[];
  failed: string[];
  total: number;
} {
  if (cache) return cache;
  const zhc = require('zigbee-herdsman-converters') as Zhc;
  const all = (require('zigbee-herdsman-converters/devices/index') as { default: unknown[] })
    .default;
  const definitions: ZhcDefinition[] = [];
  const failed: string[] = [];
  for (const raw of all) {
    const model = (raw as { model?: string }).model ?? '?';
    try {
      const d = zhc.prepareDefinition(raw);
      const dynamic = typeof d.exposes === 'function';
      const list =
        typeof d.exposes === 'function' ? d.exposes({ isDummyDevice: true }, {}) : d.exposes;
      definitions.push({
        model: d.model,
        vendor: d.vendor,
        description: d.description,
        exposes: JSON.parse(JSON.stringify(list)) as ExposeJson[],
        options: JSON.parse(JSON.stringify(d.options ?? [])) as unknown[],
        dynamic,
      });
    } catch {
      failed.push(model);
    }
  }
  cache = { definitions, failed, total: all.length };
  return cache;
}

/** An IEEE address for the n-th device, as Zigbee2MQTT prints them. */
export const ieeeOf = (n: number, prefix = '0x00158d00'): string =>
  `${prefix}${n.toString(16).padStart(8, '0')}`;

/** A `bridge/devices` entry (Zigbee2MQTT 2.x) for a definition, as a paired device would have. */
export function bridgeEntry(def: ZhcDefinition, n: number, friendlyName: string) {
  const router = def.exposes.some((e) =>
    ['light', 'switch', 'cover', 'climate', 'fan'].includes(e.type),
  );
  return {
    ieee_address: ieeeOf(n),
    type: router ? 'Router' : 'EndDevice',
    network_address: 0x1000 + n,
    supported: true,
    friendly_name: friendlyName,
    disabled: false,
    description: null,
    definition: {
      model: def.model,
      vendor: def.vendor,
      description: def.description,
      exposes: def.exposes,
      supports_ota: false,
      options: def.options,
      icon: null,
    },
    power_source: router ? 'Mains (single phase)' : 'Battery',
    software_build_id: null,
    date_code: null,
    model_id: def.model,
    interviewing: false,
    interview_completed: true,
    interview_state: 'SUCCESSFUL',
    manufacturer: def.vendor,
    endpoints: {
      1: {
        bindings: [
          {
            cluster: 'genOnOff',
            target: { type: 'endpoint', endpoint: 1, ieee_address: '0x00124b0024c2a1b0' },
          },
        ],
        // What Zigbee2MQTT configured for the first values it reports (a typical interview).
        configured_reportings: propertiesOf(def.exposes)
          .filter((e) => e.type === 'numeric')
          .slice(0, 3)
          .map((e) => ({
            cluster: `ms${(e.name ?? 'value').replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}`,
            attribute: 'measuredValue',
            minimum_report_interval: 10,
            maximum_report_interval: 3600,
            reportable_change: 100,
          })),
        clusters: {
          input: ['genBasic', 'genIdentify', ...(router ? ['genOnOff', 'genLevelCtrl'] : [])],
          output: ['genOta'],
        },
        scenes: [],
      },
    },
  };
}

/** The properties a device publishes or takes, with the expose that names each. */
export function propertiesOf(exposes: ExposeJson[]): ExposeJson[] {
  const out: ExposeJson[] = [];
  const walk = (e: ExposeJson) => {
    // A specific composite groups top-level properties; a generic one is one property (an object).
    if (e.property === undefined && Array.isArray(e.features)) e.features.forEach(walk);
    else if (typeof e.property === 'string') out.push(e);
  };
  exposes.forEach(walk);
  return out;
}

/** A plausible value for an expose, of its type (for a state carrying every property). */
export function sampleValue(e: ExposeJson): unknown {
  switch (e.type) {
    case 'numeric':
      return e.value_min ?? 1;
    case 'binary':
      return e.value_on;
    case 'enum':
      return e.values?.[0] ?? 'x';
    case 'text':
      return 'text';
    case 'list':
      return [];
    default:
      return {};
  }
}
