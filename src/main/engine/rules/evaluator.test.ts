import { describe, expect, it } from 'vitest';
import { thresholdRuleSchema } from '../../../shared/contract/index.js';
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
