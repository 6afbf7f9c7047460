import { isMetric, METRICS, type Metric } from './metrics.js';
import type { Device, Entity, EntityCategory } from './model.js';

/**
 * Metrics about the device rather than what it is for: its own battery and signal. Their entities
 * are diagnostics unless the source says otherwise, so they are never a device's main value.
 */
const DIAGNOSTIC_METRICS = new Set<Metric>(['battery', 'rssi']);

export const defaultCategory = (metric: Metric | undefined): EntityCategory =>
  metric !== undefined && DIAGNOSTIC_METRICS.has(metric) ? 'diagnostic' : 'primary';

/** "battery_low" -> "Battery low". */
export const words = (key: string): string =>
  key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * A name for an entity from its key and metric: the metric's label when the key is the metric
 * ("Heart rate"), the label and what the key adds otherwise ("Temperature 2", "Cadence power
 * meter"), or the key in words.
 */
export function entityName(key: string, metric?: Metric): string {
  const label = metric && metric !== 'generic' && metric !== 'state' ? METRICS[metric].label : '';
  if (!label) return isMetric(key) ? METRICS[key].label : words(key);
  if (key === metric) return label;
  if (key.startsWith(`${metric}_`))
    return `${label} ${key.slice(metric!.length + 1).replace(/_/g, ' ')}`;
  return words(key);
}

/**
 * A device's entities: those it declares, then one for every other key of its latest values (a
 * device restored from an older snapshot, or one whose source names no entities), so callers see
 * every value of a device as an entity.
 */
export function entitiesOf(d: Pick<Device, 'entities' | 'latest'>): Entity[] {
  const declared = d.entities ?? [];
  const keys = Object.keys(d.latest);
  if (keys.every((k) => declared.some((e) => e.key === k))) return declared;
  const out = declared.slice();
  for (const key of keys) {
    if (out.some((e) => e.key === key)) continue;
    const metric = d.latest[key]?.metric ?? (isMetric(key) ? key : undefined);
    out.push({
      key,
      name: entityName(key, metric),
      ...(metric ? { metric, unit: d.latest[key]?.unit } : {}),
      category: defaultCategory(metric),
    });
  }
  return out;
}

/**
 * The entity a rule or a card means by "the device's <metric>": its first primary entity of the
 * metric; for a device-health metric (battery, signal) that no primary entity measures, the first
 * diagnostic one. A configuration entity (an offset, a threshold) is never it.
 */
export function entityForMetric(entities: readonly Entity[], metric: Metric): Entity | undefined {
  const primary = entities.find((e) => e.metric === metric && e.category === 'primary');
  if (primary || !DIAGNOSTIC_METRICS.has(metric)) return primary;
  return entities.find((e) => e.metric === metric && e.category === 'diagnostic');
}

/**
 * Whether the value under `key` is the device's value of `metric`, the one a rule on the metric
 * means: the entity entityForMetric picks among those the device declares. A configuration or
 * diagnostic entity (an offset, a battery-low flag) never is. A device that declares no entity of
 * the metric is judged by the key: the metric's own name is its value.
 */
export function isMetricEntity(
  entities: readonly Entity[] | undefined,
  key: string,
  metric: Metric,
): boolean {
  const target = entities && entityForMetric(entities, metric);
  if (target) return target.key === key;
  if (entities?.some((e) => e.key === key)) return false;
  return key === metric;
}
