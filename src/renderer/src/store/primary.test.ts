import { describe, expect, it } from 'vitest';
import { entityName } from '../../../shared/entities';
import type { Device } from '../../../shared/model';
import { entityLabel, formatValue, metricLabel, otherEntities, primaryEntities } from './primary';

describe('binary states in words', () => {
  it('says what the sensor senses', () => {
    expect([formatValue(1, 'state', 'window'), formatValue(0, 'state', 'window')]).toEqual([
      'open',
      'closed',
    ]);
    expect([formatValue(1, 'state', 'motion'), formatValue(0, 'state', 'motion')]).toEqual([
      'detected',
      'clear',
    ]);
    // Home Assistant's sense of a lock: on is unlocked.
    expect(formatValue(1, 'state', 'lock')).toBe('unlocked');
    expect(metricLabel('state', 'battery_low')).toBe('Battery low');
  });

  it('falls back to on/off and "State" when the class is unknown or absent', () => {
    expect(formatValue(1, 'state')).toBe('on');
    expect(formatValue(0, 'state', 'generic_boolean')).toBe('off');
    expect(metricLabel('state')).toBe('State');
    expect(metricLabel('state', '<b>x</b>')).toBe('State');
    expect(formatValue(null, 'state', 'window')).toBe('—');
  });
});

describe('entities on a card', () => {
  const bike: Device = {
    id: 'bike',
    transport: 'ble',
    source: 'ble',
    kind: 'cycling',
    name: 'Bike',
    capabilities: ['power', 'cadence', 'speed'],
    online: true,
    lastSeen: 0,
    gateways: [],
    latest: {},
    entities: [
      { key: 'power', name: 'Power', metric: 'power', category: 'primary' },
      {
        key: 'cadence_power_meter',
        name: entityName('cadence_power_meter', 'cadence'),
        metric: 'cadence',
        category: 'primary',
      },
      { key: 'battery', name: 'Battery', metric: 'battery', category: 'diagnostic' },
      { key: 'speed', name: 'Speed', metric: 'speed', category: 'primary' },
      { key: 'cadence', name: 'Cadence', metric: 'cadence', category: 'primary' },
      { key: 'crank_length', name: 'Crank length', metric: 'distance', category: 'config' },
    ],
  };

  it("shows primary entities by the kind's order, a metric's own entity before a second one", () => {
    expect(primaryEntities(bike, 99).map((e) => e.key)).toEqual([
      'power',
      'speed',
      'cadence',
      'cadence_power_meter',
    ]);
    expect(primaryEntities(bike, 99).map((e) => entityLabel(bike, e))).toEqual([
      'Power',
      'Speed',
      'Cadence',
      'Cadence power meter',
    ]);
    expect(otherEntities(bike, 'config').map((e) => e.key)).toEqual(['crank_length']);
    expect(otherEntities(bike, 'diagnostic').map((e) => e.key)).toEqual(['battery']);
  });

  it('an older device without entities shows what its latest values and capabilities say', () => {
    const old: Device = {
      ...bike,
      kind: 'binary_sensor',
      entities: undefined,
      binaryClass: 'window',
      capabilities: ['state'],
      latest: {
        state: { metric: 'state', value: 1, unit: '', ts: 1 },
        battery: { metric: 'battery', value: 90, unit: '%', ts: 1 },
      },
    };
    const [state] = primaryEntities(old);
    expect([state!.key, entityLabel(old, state!)]).toEqual(['state', 'Window']);
    expect(otherEntities(old, 'diagnostic').map((e) => e.key)).toEqual(['battery']);
  });
});
