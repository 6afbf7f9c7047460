import { describe, expect, it } from 'vitest';
import { buildZ2mCommand } from './z2m-command.js';
import { controlsOf, parseBridgeDevices } from './z2m-parse.js';
import { readZ2mState } from './z2m-state.js';

const bulb = {
  ieee_address: '0x01',
  friendly_name: 'a/b',
  type: 'Router',
  definition: {
    model: 'M',
    vendor: 'V',
    exposes: [
      {
        type: 'light',
        features: [
          {
            type: 'binary',
            name: 'state',
            property: 'state',
            access: 7,
            value_on: 'ON',
            value_off: 'OFF',
          },
          {
            type: 'numeric',
            name: 'brightness',
            property: 'brightness',
            access: 7,
            value_max: 254,
          },
          {
            type: 'numeric',
            name: 'color_temp',
            property: 'color_temp',
            access: 1,
            value_min: 150,
            value_max: 500,
          },
        ],
      },
      { type: 'numeric', name: 'illuminance', property: 'illuminance', access: 1 },
      { type: 'numeric', name: 'temperature', property: 'temperature', access: 1, unit: '°F' },
    ],
  },
};

function parse(list: unknown[]) {
  const r = parseBridgeDevices(list);
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('Zigbee2MQTT exposes', () => {
  it('builds controls from settable features only; raw illuminance is no illuminance', () => {
    const [d] = parse([bulb]).devices;
    expect(controlsOf(d)).toEqual([
      { entity: 'light', kind: 'light', name: 'light', brightness: true },
    ]);
    // Every property is its own entity, the light's features too (they were not before).
    expect([...d.props.values()].map((s) => [s.key, s.mapping?.metric])).toEqual([
      ['state', undefined],
      ['brightness', 'brightness'],
      ['color_temp', 'color_temp'],
      ['illuminance', 'generic'],
      ['temperature', 'temperature'],
    ]);
    const st = readZ2mState(d, { state: 'ON', brightness: 127, temperature: 68 });
    expect(st.states.light).toEqual({ state: 'ON', brightness: 50 });
    const t = st.values.find((v) => v.entity === 'temperature');
    expect(t?.value).toBeCloseTo(20, 6);
    expect(st.values.map((v) => [v.entity, v.metric, v.value])).toContainEqual([
      'brightness',
      'brightness',
      50,
    ]);
  });

  it('names entities per endpoint and sends the properties the features name', () => {
    const [d] = parse([
      {
        ieee_address: '0x02',
        friendly_name: 'two',
        definition: {
          exposes: [
            {
              type: 'switch',
              endpoint: 'l1',
              features: [
                {
                  type: 'binary',
                  name: 'state',
                  property: 'state_l1',
                  access: 7,
                  value_on: 'ON',
                  value_off: 'OFF',
                },
              ],
            },
            {
              type: 'switch',
              endpoint: 'l2',
              features: [
                {
                  type: 'binary',
                  name: 'state',
                  property: 'state_l2',
                  access: 7,
                  value_on: 'ON',
                  value_off: 'OFF',
                },
              ],
            },
            {
              type: 'lock',
              features: [
                {
                  type: 'binary',
                  name: 'state',
                  property: 'state',
                  access: 3,
                  value_on: 'LOCK',
                  value_off: 'UNLOCK',
                },
              ],
            },
          ],
        },
      },
    ]).devices;
    expect(d.controls.map((e) => e.key)).toEqual(['switch_l1', 'switch_l2', 'lock']);
    expect(buildZ2mCommand(d.controls[1], { state: 'ON' })).toEqual({ state_l2: 'ON' });
    expect(buildZ2mCommand(d.controls[2], { state: 'UNLOCK' })).toEqual({ state: 'UNLOCK' });
    expect(readZ2mState(d, { state: 'LOCK' }).states.lock).toEqual({ state: 'LOCKED' });
  });

  it('refuses what it cannot set, and reports unusable entries', () => {
    const r = parse([
      bulb,
      { ieee_address: '0x03', friendly_name: 'x/#' },
      'junk',
      { friendly_name: 'no ieee' },
    ]);
    expect(r.devices).toHaveLength(1);
    expect(r.problems).toHaveLength(3);
    expect(buildZ2mCommand(r.devices[0].controls[0], { color_temp: 300 })).toEqual({
      error: 'this light cannot set colour temperature',
    });
    expect(parseBridgeDevices({})).toEqual({ error: 'bridge/devices is not a list' });
  });
});
