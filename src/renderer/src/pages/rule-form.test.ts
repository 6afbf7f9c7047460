import { describe, expect, it } from 'vitest';
import { ruleInputSchema } from '../../../shared/contract/index';
import { draftOf, newDraft, parseCommand, toRuleInput } from './rule-form';

describe('rule form', () => {
  it('turns a filled-in draft into a rule the engine’s schema accepts, and back', () => {
    const d = { ...newDraft(), name: 'Fan on', deviceId: 'strap', value: '170', forSec: '30' };
    d.actions = [
      {
        ...d.actions[0],
        type: 'command',
        deviceId: 'fan',
        entity: 'fan',
        command: 'state=ON, speed=3',
      },
    ];
    const parsed = ruleInputSchema.parse(toRuleInput(d));
    expect(parsed).toMatchObject({
      kind: 'threshold',
      metric: 'heart_rate',
      op: 'above',
      value: 170,
      forSec: 30,
      actions: [{ type: 'command', command: { state: 'ON', speed: 3 } }],
    });
    const again = draftOf({ ...parsed, id: 'r1' } as never);
    expect(again).toMatchObject({ id: 'r1', name: 'Fan on', value: '170', forSec: '30' });
  });

  it('an event rule: "any" leaves the control and event out; named ones go in and come back', () => {
    const any = { ...newDraft(), name: 'Any press', kind: 'event' as const, deviceId: 'btn' };
    expect(ruleInputSchema.parse(toRuleInput(any))).not.toHaveProperty('source');
    const named = { ...any, source: 'button_2', event: 'long_press' };
    const parsed = ruleInputSchema.parse(toRuleInput(named));
    expect(parsed).toMatchObject({ kind: 'event', source: 'button_2', event: 'long_press' });
    expect(draftOf({ ...parsed, id: 'r2' } as never)).toMatchObject({
      source: 'button_2',
      event: 'long_press',
    });
  });

  it("a threshold on a named entity keeps it; the device's own leaves it out", () => {
    const own = { ...newDraft(), name: 'Hot', metric: 'temperature', value: '30' };
    expect(ruleInputSchema.parse(toRuleInput(own))).not.toHaveProperty('entity');
    const probe = { ...own, valueEntity: 'temperature_2' };
    const parsed = ruleInputSchema.parse(toRuleInput(probe));
    expect(parsed).toMatchObject({ metric: 'temperature', entity: 'temperature_2' });
    expect(draftOf({ ...parsed, id: 'r3' } as never)).toMatchObject({
      valueEntity: 'temperature_2',
    });
  });

  it('leaves empty numbers for the engine to name', () => {
    const r = ruleInputSchema.safeParse(
      JSON.parse(JSON.stringify({ rule: toRuleInput({ ...newDraft(), name: 'x' }) })).rule,
    );
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['value']);
  });

  it('parses key=value commands', () => {
    expect(parseCommand('state=ON, brightness=40, on=true, t=a=b')).toEqual({
      state: 'ON',
      brightness: 40,
      on: true,
      t: 'a=b',
    });
  });
});
