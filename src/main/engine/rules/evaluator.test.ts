import { describe, expect, it } from 'vitest';
import {
  batteryRuleSchema,
  binaryRuleSchema,
  eventRuleSchema,
  thresholdRuleSchema,
} from '../../../shared/contract/index.js';
import type { Device, DeviceEvent, Entity } from '../../../shared/model.js';
import { fillTemplate } from './actions.js';
import { RuleEvaluator, toBinary } from './evaluator.js';

describe('toBinary', () => {
  it('reads the usual on/off spellings and leaves unknown ones alone', () => {
    expect(['ON', 'open', 'detected', true, 1].map((v) => toBinary(v))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['off', 'Closed', 'clear', false, 0].map((v) => toBinary(v))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(toBinary('unavailable')).toBeUndefined();
    expect(toBinary({})).toBeUndefined();
  });
  it("reads Zigbee2MQTT's contact (true = closed) the other way round", () => {
    expect(toBinary(false, 'contact')).toBe(true);
    expect(toBinary(true, 'contact')).toBe(false);
  });
  it("reads a dialect's entity state ({ state: 'ON' }, canonical: ON = open) as it is", () => {
    expect(toBinary({ state: 'ON' }, 'contact')).toBe(true);
    expect(toBinary({ state: 'OFF' }, 'contact')).toBe(false);
    expect(toBinary({ state: 'ON' }, 'binary_sensor/front_door')).toBe(true);
    expect(toBinary({ brightness: 40 })).toBeUndefined();
  });
});

describe('fillTemplate', () => {
  it('fills known names and keeps unknown ones', () => {
    expect(
      fillTemplate('{device}: {value} {unit} {nope}', {
        device: 'Strap',
        value: '171',
        unit: 'bpm',
      }),
    ).toBe('Strap: 171 bpm {nope}');
  });
});

describe('RuleEvaluator', () => {
  const rule = thresholdRuleSchema.parse({
    id: 'r1',
    name: 'HR',
    kind: 'threshold',
    metric: 'heart_rate',
    op: 'below',
    value: 50,
    forSec: 10,
    cooldownSec: 0,
    actions: [{ type: 'notify' }],
  });
  const hr = (value: number | null, ts: number) => ({
    deviceId: 'd',
    metric: 'heart_rate' as const,
    value,
    unit: 'bpm',
    ts,
    source: 't',
    ...(value === null ? { status: 'nan' as const } : {}),
  });

  it('keeps a hold across a rule set that did not change, and drops it when the rule changes', () => {
    const ev = new RuleEvaluator();
    ev.setRules([rule]);
    expect(ev.onReadings([hr(45, 0)], 0)).toEqual([]);
    ev.setRules([rule]);
    expect(ev.onReadings([hr(44, 10_000)], 10_000)).toHaveLength(1);
    ev.setRules([{ ...rule, value: 49 }]);
    expect(ev.onReadings([hr(44, 20_000)], 20_000)).toEqual([]);
  });

  it('ignores special values (NaN) instead of treating them as numbers', () => {
    const ev = new RuleEvaluator();
    ev.setRules([{ ...rule, forSec: 0 }]);
    expect(ev.onReadings([hr(null, 0)], 0)).toEqual([]);
  });
});

describe('event rules', () => {
  const rule = eventRuleSchema.parse({
    id: 'ev',
    name: 'Lamp button',
    kind: 'event',
    deviceId: 'btn',
    source: 'button_1',
    event: 'double_press',
    cooldownSec: 0,
    actions: [{ type: 'notify' }],
  });
  const ev = (source: string, event: string, ts: number): DeviceEvent => ({
    deviceId: 'btn',
    source,
    event,
    ts,
    gateway: 'gw',
  });

  it('fires on the named control and event only', () => {
    const e = new RuleEvaluator();
    e.setRules([rule]);
    expect(e.onEvent(ev('button_1', 'press', 1000), 1000)).toEqual([]);
    expect(e.onEvent(ev('button_2', 'double_press', 2000), 2000)).toEqual([]);
    expect(e.onEvent({ ...ev('button_1', 'double_press', 3000), deviceId: 'x' }, 3000)).toEqual([]);
    const fired = e.onEvent(ev('button_1', 'double_press', 4000), 4000);
    expect(fired).toMatchObject([
      { deviceId: 'btn', event: { source: 'button_1', event: 'double_press' }, ts: 4000 },
    ]);
  });

  it('without a control or event named, any press fires; the cooldown and staleness hold', () => {
    const e = new RuleEvaluator({ staleMs: 60_000 });
    e.setRules([{ ...rule, source: undefined, event: undefined, cooldownSec: 10 }]);
    expect(e.onEvent(ev('dimmer_1', 'rotate_left', 1000), 1000)).toHaveLength(1);
    expect(e.onEvent(ev('button_1', 'press', 5000), 5000)).toHaveLength(0); // cooling down
    expect(e.onEvent(ev('button_1', 'press', 12_000), 12_000)).toHaveLength(1);
    expect(e.onEvent(ev('button_1', 'press', 0), 200_000)).toHaveLength(0); // stale
  });

  it('an invalid control or event is refused naming the field', () => {
    const bad = eventRuleSchema.safeParse({ ...rule, source: 'knob' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['source']);
  });
});

describe('rules follow entities', () => {
  const entity = (
    key: string,
    metric: 'temperature' | 'state' | 'battery',
    category: Entity['category'],
  ) => ({ key, name: key, metric, category }) satisfies Entity;
  const device: Device = {
    id: 'co2',
    transport: 'mqtt',
    source: 'zigbee2mqtt',
    kind: 'sensor',
    name: 'CO2 monitor',
    capabilities: ['temperature'],
    online: true,
    lastSeen: 0,
    gateways: [],
    latest: {},
    entities: [
      entity('temperature_offset', 'temperature', 'config'),
      entity('temperature', 'temperature', 'primary'),
      entity('temperature_2', 'temperature', 'primary'),
      entity('window', 'state', 'primary'),
      entity('battery_low', 'state', 'diagnostic'),
      entity('tamper', 'state', 'diagnostic'),
      entity('battery', 'battery', 'diagnostic'),
    ],
  };
  const lookup = (id: string) => (id === device.id ? device : undefined);
  const r = (key: string, value: number, ts: number) => ({
    deviceId: 'co2',
    entity: key,
    metric: device.entities!.find((e) => e.key === key)!.metric!,
    value,
    unit: '',
    ts,
    source: 't',
  });
  const base = { name: 'R', cooldownSec: 0, actions: [{ type: 'notify' as const }] };

  it("a metric rule follows the device's primary entity of it; config values never trip it", () => {
    const ev = new RuleEvaluator();
    ev.setRules([
      thresholdRuleSchema.parse({
        ...base,
        id: 'hot',
        kind: 'threshold',
        metric: 'temperature',
        op: 'above',
        value: 30,
      }),
    ]);
    // An offset of 40 and a second probe at 35 are not the device's temperature.
    expect(
      ev.onReadings([r('temperature_offset', 40, 1), r('temperature_2', 35, 1)], 1, lookup),
    ).toEqual([]);
    expect(ev.onReadings([r('temperature', 31, 2)], 2, lookup)).toMatchObject([
      { deviceId: 'co2', metric: 'temperature', entity: 'temperature', value: 31 },
    ]);
  });

  it('a rule that names an entity follows that one, whatever its category', () => {
    const ev = new RuleEvaluator();
    ev.setRules([
      thresholdRuleSchema.parse({
        ...base,
        id: 'off',
        kind: 'threshold',
        metric: 'temperature',
        entity: 'temperature_offset',
        op: 'above',
        value: 5,
      }),
    ]);
    expect(ev.onReadings([r('temperature', 31, 1)], 1, lookup)).toEqual([]);
    expect(ev.onReadings([r('temperature_offset', 6, 2)], 2, lookup)).toMatchObject([
      { entity: 'temperature_offset', value: 6 },
    ]);
  });

  it("a binary rule on 'state' is the device's own state; a named flag is that flag", () => {
    const ev = new RuleEvaluator();
    ev.setRules([
      binaryRuleSchema.parse({ ...base, id: 'open', kind: 'binary', deviceId: 'co2', to: 'any' }),
      binaryRuleSchema.parse({
        ...base,
        id: 'tamper',
        kind: 'binary',
        deviceId: 'co2',
        entity: 'tamper',
      }),
    ]);
    expect(
      ev.onReadings([r('window', 0, 1), r('battery_low', 0, 1), r('tamper', 0, 1)], 1, lookup),
    ).toEqual([]);
    // The battery-low flag changing is not the window opening.
    expect(ev.onReadings([r('battery_low', 1, 2)], 2, lookup)).toEqual([]);
    expect(
      ev.onReadings([r('window', 1, 3), r('tamper', 1, 3)], 3, lookup).map((f) => f.rule.id),
    ).toEqual(['open', 'tamper']);
  });

  it('battery rules still see a battery that is a diagnostic', () => {
    const ev = new RuleEvaluator();
    ev.setRules([batteryRuleSchema.parse({ ...base, id: 'low', kind: 'battery', belowPct: 20 })]);
    expect(ev.onReadings([r('battery', 10, 1)], 1, lookup)).toMatchObject([{ value: 10 }]);
  });

  it('an entity key in a rule is checked', () => {
    const bad = thresholdRuleSchema.safeParse({
      ...base,
      id: 'x',
      kind: 'threshold',
      metric: 'temperature',
      entity: '',
      op: 'above',
      value: 1,
    });
    expect(bad.error?.issues[0]?.path).toEqual(['entity']);
  });
});
