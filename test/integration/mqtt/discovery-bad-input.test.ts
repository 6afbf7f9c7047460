import { describe, expect, it } from 'vitest';
import { device, latestOf, send, waitFor, warnings } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

const home = useSmartHome();

/** Garbage on the discovery topics: [topic, payload, the reason expected in the log]. */
const CONFIGS: [string, unknown, RegExp][] = [
  ['homeassistant/sensor/bad_json/config', '{"name": "x", "stat_t":', /malformed JSON/],
  ['homeassistant/sensor/bad_array/config', '[1, 2, 3]', /not a JSON object/],
  ['homeassistant/sensor/bad_number/config', '42', /not a JSON object/],
  ['homeassistant/sensor/bad_name/config', { name: 5, stat_t: 'fx/bad/name' }, /wrong type: name/],
  ['homeassistant/sensor/bad_qos/config', { stat_t: 'fx/bad/qos', qos: '1' }, /wrong type: qos/],
  ['homeassistant/sensor/bad_topic_type/config', { stat_t: ['a', 'b'] }, /wrong type: state_topic/],
  [
    'homeassistant/sensor/bad_wild/config',
    { stat_t: 'house/+/temperature' },
    /wildcard in state_topic/,
  ],
  [
    'homeassistant/switch/bad_hash/config',
    { cmd_t: 'house/#', stat_t: 'x/y' },
    /wildcard in command_topic/,
  ],
  [
    'homeassistant/sensor/bad_avty/config',
    { stat_t: 'x/z', avty: [{ t: 'x/+' }] },
    /wildcard in availability/,
  ],
  ['homeassistant/foo/bad_component/config', { stat_t: 'x/foo' }, /unknown component "foo"/],
  ['homeassistant/fan/bad_fan/config', { cmd_t: 'x/fan' }, /unsupported component "fan"/],
  ['homeassistant/sensor/bad id!/config', { stat_t: 'x/id' }, /illegal discovery topic/],
  ['homeassistant/device/bad_device/config', { dev: { ids: 'x' } }, /needs "cmps"/],
  [
    'homeassistant/device/bad_platform/config',
    { dev: { ids: 'x' }, cmps: { a: { stat_t: 'x' } } },
    /no platform/,
  ],
  ['homeassistant/sensor/bad_missing/config', { name: 'no state topic' }, /needs state_topic/],
  // Over the discovery family's cap (1 MiB by default; device-level configs may be large).
  ['homeassistant/sensor/bad_big/config', 'x'.repeat(1100 * 1024), /oversized/],
];

describe('bad input is logged once per topic with the reason, and ignored', () => {
  it('refuses garbage configs; a good device still works afterwards', async () => {
    for (let round = 0; round < 2; round++)
      for (const [topic, payload] of CONFIGS) await send(home.pub, topic, payload, round === 0);
    await send(home.pub, 'homeassistant/sensor/good_t/config', {
      name: 'Good',
      dev_cla: 'temperature',
      unit_of_meas: '°C',
      stat_t: 'fx/good_t',
      uniq_id: 'fx_good_t',
    });
    await waitFor('good device', () => device(home.te, 'fx_good_t'));
    for (const [topic, , reason] of CONFIGS) {
      const w = warnings(home.te, topic);
      expect(w, topic).toHaveLength(1);
      expect(w[0].reason, topic).toMatch(reason);
    }
    expect(home.te.engine.devices.list().map((d) => d.id)).toEqual(['fx_good_t']);

    // Garbage on a state topic: logged once; a good value afterwards is stored. A retained first
    // value shows the state subscription is active before the live messages go out.
    await send(home.pub, 'fx/good_t', '20');
    await waitFor(
      'first reading',
      () => latestOf(device(home.te, 'fx_good_t'), 'temperature')?.value === 20,
    );
    await send(home.pub, 'fx/good_t', 'warm', false);
    await send(home.pub, 'fx/good_t', 'hot', false);
    await send(home.pub, 'fx/good_t', '21.5', false);
    await waitFor(
      'reading',
      () => latestOf(device(home.te, 'fx_good_t'), 'temperature')?.value === 21.5,
    );
    expect(warnings(home.te, 'fx/good_t')).toHaveLength(1);
    expect(warnings(home.te, 'fx/good_t')[0].reason).toMatch(/not a number/);
    expect(home.te.engine.status().state).toBe('running');
  });

  it('a template over a payload that is not JSON fails that message only', async () => {
    await send(home.pub, 'homeassistant/sensor/fx_tpl/config', {
      dev_cla: 'humidity',
      unit_of_meas: '%',
      stat_t: 'fx/tpl',
      val_tpl: '{{ value_json.h }}',
      uniq_id: 'fx_tpl',
    });
    await waitFor('tpl device', () => device(home.te, 'fx_tpl'));
    await send(home.pub, 'fx/tpl', '{"h": 40}');
    await waitFor(
      'first humidity',
      () => latestOf(device(home.te, 'fx_tpl'), 'humidity')?.value === 40,
    );
    await send(home.pub, 'fx/tpl', 'not json', false);
    await send(home.pub, 'fx/tpl', '{"other": 1}', false);
    await send(home.pub, 'fx/tpl', '{"h": 55}', false);
    await waitFor('humidity', () => latestOf(device(home.te, 'fx_tpl'), 'humidity')?.value === 55);
    const w = warnings(home.te, 'fx/tpl');
    // Once per topic and kind of problem: the second template failure is not logged again.
    expect(w.map((x) => x.reason)).toEqual(['value_template: the payload is not JSON']);
  });

  it('Zigbee2MQTT garbage: bridge/devices and device states', async () => {
    const base = 'zigbee2mqtt';
    await send(home.pub, `${base}/bridge/devices`, '[{"ieee_address": ', false);
    await send(home.pub, `${base}/bridge/devices`, { not: 'a list' }, false);
    await send(home.pub, `${base}/bridge/devices`, [
      { ieee_address: '0xbad', friendly_name: 'bad/+/name', type: 'Router', definition: null },
      'not an object',
      {
        ieee_address: '0x00158d00aa000001',
        friendly_name: 'lab/sensor',
        type: 'EndDevice',
        definition: {
          model: 'WSDCGQ11LM',
          vendor: 'Aqara',
          exposes: [
            {
              type: 'numeric',
              name: 'temperature',
              property: 'temperature',
              access: 1,
              unit: '°C',
            },
            { type: 'numeric', name: 'humidity', property: 'humidity', access: 1, unit: '%' },
          ],
        },
      },
    ]);
    await waitFor('z2m device', () => device(home.te, '0x00158d00aa000001'));
    expect(device(home.te, '0xbad')).toBeUndefined();
    await send(home.pub, `${base}/lab/sensor`, '{"temperature": 2', true);
    // Delivered (retained) once the device's subscription is active: then the live ones can follow.
    await waitFor('first warning', () => warnings(home.te, `${base}/lab/sensor`).length === 1);
    await send(home.pub, `${base}/lab/sensor`, '[1]', false);
    await send(home.pub, `${base}/lab/sensor`, { temperature: 'hot', humidity: 40 }, false);
    await send(home.pub, `${base}/lab/sensor/availability`, 'maybe', false);
    await send(home.pub, `${base}/lab/sensor`, { temperature: 20.5, humidity: 41 }, false);
    await waitFor(
      'z2m reading',
      () => latestOf(device(home.te, '0x00158d00aa000001'), 'temperature')?.value === 20.5,
    );
    expect(latestOf(device(home.te, '0x00158d00aa000001'), 'humidity')?.value).toBe(41);
    const reasons = (t: string) => warnings(home.te, t).map((w) => w.reason);
    expect(reasons(`${base}/bridge/devices`)).toEqual([
      expect.stringMatching(/^malformed JSON/),
      'bridge/devices is not a list',
      expect.stringMatching(/^skipped 2 entries/),
    ]);
    expect(reasons(`${base}/lab/sensor`)).toEqual([
      expect.stringMatching(/^malformed JSON/),
      'the state is not a JSON object',
      expect.stringMatching(/^wrong type for temperature/),
    ]);
    expect(reasons(`${base}/lab/sensor/availability`)).toEqual([
      'availability is neither online nor offline',
    ]);
  });
});
