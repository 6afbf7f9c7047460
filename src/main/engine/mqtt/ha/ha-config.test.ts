import { describe, expect, it } from 'vitest';
import {
  parseConfigTopic,
  parseDiscoveryMessage,
  type HaEntity,
  type RawEntityConfig,
} from './ha-config.js';
import { toEntity } from './ha-entity.js';
import { buildHaCommand, controlOf } from './ha-command.js';
import { applyState } from './ha-state.js';

function one(topic: string, payload: unknown): RawEntityConfig[] {
  const where = parseConfigTopic('homeassistant', topic);
  if (!where) throw new Error('bad topic');
  const m = parseDiscoveryMessage(where, topic, JSON.stringify(payload));
  if (m.kind !== 'entities') throw new Error(JSON.stringify(m));
  return m.entities;
}

function entity(topic: string, payload: unknown): HaEntity {
  const r = toEntity(one(topic, payload)[0]);
  if ('reason' in r) throw new Error(r.reason);
  return r.entity;
}

describe('discovery topics and payloads', () => {
  it('parses topics with and without node_id, and refuses others', () => {
    expect(parseConfigTopic('homeassistant', 'homeassistant/sensor/abc/config')).toEqual({
      component: 'sensor',
      objectId: 'abc',
    });
    expect(parseConfigTopic('homeassistant', 'homeassistant/light/node-1/obj_2/config')).toEqual({
      component: 'light',
      nodeId: 'node-1',
      objectId: 'obj_2',
    });
    expect(parseConfigTopic('homeassistant', 'homeassistant/sensor/a/b/c/config')).toBeNull();
    expect(parseConfigTopic('homeassistant', 'homeassistant/sensor/a.b/config')).toBeNull();
    expect(parseConfigTopic('homeassistant', 'other/sensor/a/config')).toBeNull();
  });

  it('expands abbreviations in the config, device, origin and availability entries', () => {
    const [e] = one('homeassistant/sensor/n/x/config', {
      stat_t: 's',
      dev_cla: 'temperature',
      dev: { ids: ['i'], mf: 'M', mdl: 'D', sw: '1', hw: '2', sa: 'Hall', cns: [['mac', 'aa']] },
      o: { name: 'O', sw: '3', url: 'u' },
      avty: [{ t: 'a', pl_avail: 'up' }],
    });
    expect(e.key).toBe('sensor/n/x');
    expect(e.config).toEqual({
      state_topic: 's',
      device_class: 'temperature',
      device: {
        identifiers: ['i'],
        manufacturer: 'M',
        model: 'D',
        sw_version: '1',
        hw_version: '2',
        suggested_area: 'Hall',
        connections: [['mac', 'aa']],
      },
      origin: { name: 'O', sw_version: '3', support_url: 'u' },
      availability: [{ topic: 'a', payload_available: 'up' }],
    });
  });

  it('substitutes ~ at the start or end of *topic values and availability topics only', () => {
    const [e] = one('homeassistant/switch/x/config', {
      '~': 'base/dev',
      cmd_t: '~/set',
      stat_t: 'pre/~',
      name: '~name',
      avty: [{ t: '~/avail' }],
    });
    expect(e.config).toMatchObject({
      command_topic: 'base/dev/set',
      state_topic: 'pre/base/dev',
      name: '~name',
      availability: [{ topic: 'base/dev/avail' }],
    });
    expect(e.config['~']).toBeUndefined();
  });

  it('splits a device-level config; component options win over shared ones', () => {
    const where = parseConfigTopic('homeassistant', 'homeassistant/device/d1/config')!;
    const m = parseDiscoveryMessage(
      where,
      'homeassistant/device/d1/config',
      JSON.stringify({
        dev: { ids: 'd1' },
        o: { name: 'x' },
        '~': 'dev/d1',
        stat_t: '~/state',
        qos: 1,
        cmps: {
          a: { p: 'sensor', val_tpl: '{{ value_json.a }}' },
          b: { p: 'binary_sensor', stat_t: '~/b', qos: 0 },
          gone: { p: 'switch' },
        },
      }),
    );
    expect(m.kind).toBe('entities');
    if (m.kind !== 'entities') return;
    expect(m.removed).toEqual(['switch/d1/gone']);
    expect(m.entities.map((e) => [e.key, e.config.state_topic, e.config.qos])).toEqual([
      ['sensor/d1/a', 'dev/d1/state', 1],
      ['binary_sensor/d1/b', 'dev/d1/b', 0],
    ]);
    expect(m.entities[0].config.device).toEqual({ identifiers: 'd1' });
  });

  it('refuses wildcards, wrong types and unknown components with a reason', () => {
    const reason = (topic: string, p: unknown) => {
      const r = toEntity(one(topic, p)[0]);
      return 'reason' in r ? r.reason : 'accepted';
    };
    expect(reason('homeassistant/sensor/x/config', { stat_t: 'a/#' })).toMatch(
      /wildcard in state_topic/,
    );
    expect(reason('homeassistant/sensor/x/config', { stat_t: 1 })).toMatch(
      /wrong type: state_topic/,
    );
    expect(reason('homeassistant/sensor/x/config', { stat_t: 's', val_tpl: 3 })).toMatch(
      /wrong type: value_template/,
    );
    expect(reason('homeassistant/climate/x/config', { modes: 'heat' })).toMatch(/modes/);
    expect(reason('homeassistant/vacuum/x/config', {})).toMatch(/unsupported component/);
    expect(reason('homeassistant/nonsense/x/config', {})).toMatch(/unknown component/);
  });
});

describe('Home Assistant entities in and out', () => {
  it('default-schema light: on_command_type brightness sends only the brightness', () => {
    const e = entity('homeassistant/light/x/config', {
      cmd_t: 'l/set',
      stat_t: 'l/state',
      bri_cmd_t: 'l/bri/set',
      bri_stat_t: 'l/bri',
      bri_scl: 254,
      on_cmd_type: 'brightness',
    });
    expect(controlOf(e)).toEqual({
      entity: 'light/x',
      kind: 'light',
      name: 'light',
      brightness: true,
    });
    expect(buildHaCommand(e, { state: 'ON', brightness: 50 })).toEqual({
      publishes: [{ topic: 'l/bri/set', payload: '127', qos: 0, retain: false }],
      optimistic: false,
    });
    expect(buildHaCommand(e, { brightness: 0 })).toMatchObject({
      publishes: [{ topic: 'l/set', payload: 'OFF' }],
    });
    expect(applyState(e, 'brightness', '254')).toEqual({ patch: { brightness: 100 } });
  });

  it('JSON light, kelvin colour temperature, command templates and optimistic switches', () => {
    const j = entity('homeassistant/light/j/config', {
      schema: 'json',
      cmd_t: 'j/set',
      stat_t: 'j',
      sup_clrm: ['color_temp'],
      clr_temp_k: true,
      min_k: 2000,
      max_k: 6500,
    });
    expect(controlOf(j)).toMatchObject({ brightness: true, colorTemp: { min: 154, max: 500 } });
    const built = buildHaCommand(j, { color_temp: 250 });
    expect('publishes' in built && JSON.parse(built.publishes[0].payload)).toEqual({
      state: 'ON',
      color_temp: 4000,
    });
    expect(applyState(j, 'light_json', '{"state":"ON","color_temp":4000}')).toEqual({
      patch: { state: 'ON', color_temp: 250 },
    });
    const sw = entity('homeassistant/switch/s/config', {
      cmd_t: 's/set',
      cmd_tpl: '{"on": "{{ value }}"}',
      pl_on: 'yes',
      ret: true,
      qos: 1,
    });
    expect(buildHaCommand(sw, { state: 'ON' })).toEqual({
      publishes: [{ topic: 's/set', payload: '{"on": "yes"}', qos: 1, retain: true }],
      optimistic: true,
    });
  });

  it('cover position and climate in Fahrenheit convert both ways', () => {
    const c = entity('homeassistant/cover/c/config', {
      cmd_t: 'c/set',
      pos_t: 'c/pos',
      set_pos_t: 'c/pos/set',
      pos_open: 255,
      pos_clsd: 0,
    });
    expect(buildHaCommand(c, { position: 50 })).toMatchObject({
      publishes: [{ topic: 'c/pos/set', payload: '128' }],
    });
    expect(applyState(c, 'position', '255')).toEqual({ patch: { position: 100 } });
    const t = entity('homeassistant/climate/t/config', {
      temp_cmd_t: 't/set',
      temp_stat_t: 't/state',
      temp_unit: 'F',
    });
    expect(buildHaCommand(t, { setpoint: 20 })).toMatchObject({
      publishes: [{ topic: 't/set', payload: '68' }],
    });
    expect(applyState(t, 'setpoint', '68')).toEqual({ patch: { setpoint: 20 } });
  });
});
