import { describe, expect, it } from 'vitest';
import { device, latestOf, send, waitFor } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

/**
 * Names that come from devices (a Zigbee2MQTT expose property, a Home Assistant device class or
 * unit, an entity key) are looked up with Object.hasOwn or in Maps. Issue 14: one named like an
 * Object prototype member threw a TypeError in the metric lookup, and the whole bridge/devices
 * list was dropped.
 */
const home = useSmartHome();
const PROTO = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'];

describe('names like Object prototype members', () => {
  it('Zigbee2MQTT: one odd device does not drop the bridge/devices list, and its values work', async () => {
    const base = 'zigbee2mqtt';
    const exposes = PROTO.map((name) => ({
      type: 'numeric',
      name,
      property: name,
      access: 1,
      unit: name,
    }));
    await send(home.pub, `${base}/bridge/devices`, [
      {
        ieee_address: '0x00158d00proto001',
        friendly_name: 'lab/odd',
        type: 'EndDevice',
        definition: { model: 'X', vendor: 'Y', exposes },
      },
      {
        ieee_address: '0x00158d00proto002',
        friendly_name: 'lab/plain',
        type: 'EndDevice',
        definition: {
          model: 'WSDCGQ11LM',
          vendor: 'Aqara',
          exposes: [
            { type: 'numeric', name: 'temperature', property: 'temperature', unit: '°C' },
            { type: 'binary', name: 'toString', property: 'toString', value_on: 1, value_off: 0 },
          ],
        },
      },
    ]);
    await waitFor('the plain device', () => device(home.te, '0x00158d00proto002'));
    await waitFor('the odd device', () => device(home.te, '0x00158d00proto001'));
    await send(home.pub, `${base}/lab/plain`, { temperature: 19.5, toString: 1 });
    await waitFor(
      'a plain reading',
      () => device(home.te, '0x00158d00proto002')?.latest.temperature?.value === 19.5,
    );
    // The odd device's values are states of its own entities, named as the device names them.
    await send(
      home.pub,
      `${base}/lab/odd`,
      '{"toString": 1, "__proto__": 2, "constructor": 3, "hasOwnProperty": 4, "valueOf": 5}',
    );
    const odd = await waitFor('the odd states', () => {
      // Values are kept per entity, keyed as the device names them (issue 10's entity model).
      const st = device(home.te, '0x00158d00proto001')?.latest;
      return st && Object.keys(st).length === PROTO.length ? st : undefined;
    });
    for (const [i, name] of PROTO.entries()) {
      expect(Object.hasOwn(odd, name), name).toBe(true);
      expect(Object.getOwnPropertyDescriptor(odd, name)?.value).toMatchObject({ value: i + 1 });
    }
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(home.te.engine.status().state).toBe('running');
  });

  it('Home Assistant: a device class or unit named like a prototype member is just unknown', async () => {
    for (const name of PROTO)
      await send(home.pub, `homeassistant/sensor/fx_${name.replace(/_/g, '')}/config`, {
        name: `odd ${name}`,
        dev_cla: name,
        unit_of_meas: name,
        stat_t: `fx/odd/${name}`,
        uniq_id: `fx_odd_${name}`,
      });
    await send(home.pub, 'homeassistant/sensor/fx_fine/config', {
      dev_cla: 'temperature',
      unit_of_meas: '°C',
      stat_t: 'fx/fine',
      uniq_id: 'fx_fine',
    });
    await waitFor('the fine sensor', () => device(home.te, 'fx_fine'));
    for (const name of PROTO) await waitFor(name, () => device(home.te, `fx_odd_${name}`));
    await send(home.pub, 'fx/odd/constructor', '7');
    await send(home.pub, 'fx/fine', '21');
    await waitFor(
      'a fine reading',
      () => latestOf(device(home.te, 'fx_fine'), 'temperature')?.value,
    );
    // A device-level discovery whose components are named like prototype members.
    await send(home.pub, 'homeassistant/device/fx_cmps/config', {
      dev: { ids: 'fx_cmps', name: 'Components' },
      o: { name: 'test' },
      cmps: Object.fromEntries(
        ['constructor', 'toString', '__proto__', 'temp'].map((id) => [
          id,
          {
            p: 'sensor',
            dev_cla: 'temperature',
            unit_of_meas: '°C',
            stat_t: `fx/cmps/${id}`,
            uniq_id: `fx_cmps_${id}`,
          },
        ]),
      ),
    });
    for (const id of ['constructor', 'toString', '__proto__', 'temp'])
      await waitFor(
        `component ${id}`,
        () => device(home.te, `fx_cmps_${id}`) ?? device(home.te, 'fx_cmps'),
      );
    expect(home.te.engine.status().state).toBe('running');
  });
});
