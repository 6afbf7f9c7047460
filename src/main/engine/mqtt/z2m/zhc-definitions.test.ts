/**
 * Every device definition of zigbee-herdsman-converters through the Zigbee2MQTT dialect: each
 * property it exposes (plain exposes, features of light/switch/climate/cover/lock/fan, endpoints)
 * is its own entity, no two share a key, mapping never throws, and a state carrying every property
 * is read without an error, each numeric or binary value as a reading of its own entity.
 *
 * How many definitions map completely, and what does not map, is printed (informational: the
 * unmapped kinds are values Homebeat keeps no series or control for, e.g. write-only settings).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bridgeEntry,
  propertiesOf,
  sampleValue,
  zhcDefinitions,
  type ZhcDefinition,
} from '../../../../../test/helpers/zhc.js';
import { entitiesOf } from './z2m-device.js';
import { toDevice, type Z2mDevice } from './z2m-parse.js';
import { readZ2mState } from './z2m-state.js';

let defs: ZhcDefinition[] = [];
let parsed: { def: ZhcDefinition; dev: Z2mDevice }[] = [];

beforeAll(() => {
  const z = zhcDefinitions();
  defs = z.definitions;
  console.log(
    `zigbee-herdsman-converters: ${z.total} definitions, ${defs.filter((d) => d.dynamic).length} ` +
      `with exposes computed from the device, ${z.failed.length} whose exposes threw ` +
      `(${z.failed.slice(0, 5).join(', ')})`,
  );
  parsed = defs.map((def, i) => {
    const entry = bridgeEntry(def, i, `dev ${i}`);
    return { def, dev: toDevice(entry, entry.ieee_address, entry.friendly_name) };
  });
}, 120_000);

describe('every zigbee-herdsman-converters definition in the Zigbee2MQTT dialect', () => {
  it('loads them all', () => {
    const z = zhcDefinitions();
    expect(z.total).toBeGreaterThan(4000);
    expect(z.failed).toEqual([]);
  });

  it('gives every property its own entity; no two share a key', () => {
    const collisions: string[] = [];
    const missing: string[] = [];
    for (const { def, dev } of parsed) {
      for (const e of propertiesOf(def.exposes))
        if (!dev.props.has(e.property!)) missing.push(`${def.model}: ${e.property}`);
      const keys = entitiesOf(dev, { online: true }).map((e) => e.key);
      const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
      if (twice.length) collisions.push(`${def.model}: ${twice.join(', ')}`);
    }
    expect(missing).toEqual([]);
    expect(collisions).toEqual([]);
  });

  it('reads a state carrying every property: one reading per numeric or binary value', () => {
    const problems: string[] = [];
    for (const { def, dev } of parsed) {
      const state: Record<string, unknown> = {};
      for (const e of propertiesOf(def.exposes)) state[e.property!] ??= sampleValue(e);
      const upd = readZ2mState(dev, state);
      if (upd.errors.length || upd.unknown.length)
        problems.push(`${def.model}: ${[...upd.errors, ...upd.unknown].join('; ')}`);
      const entities = upd.values.map((v) => v.entity);
      if (new Set(entities).size !== entities.length) problems.push(`${def.model}: twice`);
      for (const p of dev.props.values()) {
        const series = p.published && (p.type === 'numeric' || p.type === 'binary');
        if (series && !entities.includes(p.key)) problems.push(`${def.model}: ${p.key} unread`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('prints how many definitions map completely, and what does not map', () => {
    const kinds = new Map<string, number>();
    let full = 0;
    let properties = 0;
    for (const { dev } of parsed) {
      properties += dev.props.size;
      if (dev.unmapped.length === 0) full++;
      for (const k of new Set(dev.unmapped)) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const list = [...kinds].sort((a, b) => b[1] - a[1]);
    console.log(
      `${full} of ${parsed.length} definitions map every property to a series, a state or a ` +
        `control (${properties} properties in all); not mapped, by definitions having it: ` +
        list.map(([k, n]) => `${k} ${n}`).join(', '),
    );
    expect(full).toBeGreaterThan(parsed.length / 2);
  });
});
