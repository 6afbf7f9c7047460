import { describe, expect, it } from 'vitest';
import { splitChannels } from './channels.js';
import { decodeBthome, encodeBthome } from './bthome/index.js';

const split = (objects: { id: number; value: number }[]) =>
  splitChannels(decodeBthome(encodeBthome(objects), {}).values).map((c) => ({
    key: c.key,
    label: c.label,
    values: c.values.map((v) => [v.metric, v.value]),
  }));

describe('BTHome channels', () => {
  it('one value per metric stays on the sensor', () => {
    expect(
      split([
        { id: 0x01, value: 80 },
        { id: 0x02, value: 21.5 },
        { id: 0x03, value: 40 },
      ]),
    ).toEqual([
      {
        key: null,
        label: '',
        values: [
          ['battery', 80],
          ['temperature', 21.5],
          ['humidity', 40],
        ],
      },
    ]);
  });

  it('a second temperature and a second binary sensor each get a channel', () => {
    expect(
      split([
        { id: 0x02, value: 21.5 },
        { id: 0x02, value: 4.25 },
        { id: 0x21, value: 1 },
        { id: 0x2b, value: 0 },
      ]),
    ).toEqual([
      {
        key: null,
        label: '',
        values: [
          ['temperature', 21.5],
          ['state', 1],
        ],
      },
      { key: 'temperature_2', label: 'Temperature 2', values: [['temperature', 4.25]] },
      { key: 'tamper', label: 'Tamper', values: [['state', 0]] },
    ]);
  });

  it("a diagnostic flag never takes the sensor's own state from a real one", () => {
    // battery_low (0x15) comes first by id, the window (0x2d) is still the sensor's state.
    const got = split([
      { id: 0x15, value: 1 },
      { id: 0x2d, value: 0 },
    ]);
    expect(got).toEqual([
      { key: null, label: '', values: [['state', 0]] },
      { key: 'battery_low', label: 'Battery low', values: [['state', 1]] },
    ]);
    // Alone, a diagnostic flag is the sensor's state.
    expect(split([{ id: 0x15, value: 1 }])).toEqual([
      { key: null, label: '', values: [['state', 1]] },
    ]);
  });

  it('a packet of only events still yields the sensor itself', () => {
    expect(split([{ id: 0x3a, value: 1 }])).toEqual([{ key: null, label: '', values: [] }]);
  });
});
