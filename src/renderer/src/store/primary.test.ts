import { describe, expect, it } from 'vitest';
import { formatValue, metricLabel } from './primary';

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
