import { describe, expect, it } from 'vitest';
import { advertEntity, entityKeys } from './advert-entities.js';
import { decodeBthome, encodeBthome } from './bthome/index.js';
import type { DecodedValue } from './decoders/index.js';

const entities = (objects: { id: number; value: number }[]) => {
  const values = decodeBthome(encodeBthome(objects), {}).values;
  const keys = entityKeys(values);
  return values.map((v, i) => advertEntity(v, keys[i]!));
};

describe("a passive sensor's values as its entities", () => {
  it('one value per metric: each is an entity keyed by the object', () => {
    expect(
      entities([
        { id: 0x01, value: 80 },
        { id: 0x02, value: 21.5 },
        { id: 0x03, value: 40 },
      ]),
    ).toEqual([
      { key: 'battery', name: 'Battery', metric: 'battery', unit: '%', category: 'diagnostic' },
      {
        key: 'temperature',
        name: 'Temperature',
        metric: 'temperature',
        unit: '°C',
        category: 'primary',
      },
      { key: 'humidity', name: 'Humidity', metric: 'humidity', unit: '%', category: 'primary' },
    ]);
  });

  // These were channel devices (`<mac>/temperature_2`, `<mac>/tamper`) before: now entities.
  it('a second temperature and a second binary sensor are entities of the sensor', () => {
    const got = entities([
      { id: 0x02, value: 21.5 },
      { id: 0x02, value: 4.25 },
      { id: 0x21, value: 1 },
      { id: 0x2b, value: 0 },
    ]);
    expect(got.map((e) => [e.key, e.name, e.metric, e.category, e.binaryClass])).toEqual([
      ['temperature', 'Temperature', 'temperature', 'primary', undefined],
      ['temperature_2', 'Temperature 2', 'temperature', 'primary', undefined],
      ['motion', 'Motion', 'state', 'primary', 'motion'],
      ['tamper', 'Tamper', 'state', 'diagnostic', 'tamper'],
    ]);
  });

  it("a diagnostic flag is a diagnostic entity, never the sensor's own state", () => {
    const got = entities([
      { id: 0x15, value: 1 },
      { id: 0x2d, value: 0 },
    ]);
    expect(got.map((e) => [e.key, e.category])).toEqual([
      ['battery_low', 'diagnostic'],
      ['window', 'primary'],
    ]);
  });

  it("a format that names no entities gets the metric's name, numbered when it repeats", () => {
    const t = (value: number): DecodedValue => ({ metric: 'temperature', value, unit: '°C' });
    expect(entityKeys([t(1), t(2), { ...t(3), entity: 'probe' }, t(4)])).toEqual([
      'temperature',
      'temperature_2',
      'probe',
      'temperature_3',
    ]);
  });
});
