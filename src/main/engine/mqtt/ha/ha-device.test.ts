import { describe, expect, it } from 'vitest';
import { parseConfigTopic, parseDiscoveryMessage, type HaEntity } from './ha-config.js';
import { devicePatch } from './ha-device.js';
import { toEntity } from './ha-entity.js';

/** An ESPHome-like air sensor: measurements, a diagnostic battery flag, a config LED switch. */
function entities(): HaEntity[] {
  const topic = 'homeassistant/device/air_01/config';
  const msg = parseDiscoveryMessage(
    parseConfigTopic('homeassistant', topic)!,
    topic,
    JSON.stringify({
      dev: { ids: ['air_01'], name: 'Air sensor' },
      o: { name: 'esphome' },
      stat_t: 'air_01/state',
      cmps: {
        t: {
          p: 'sensor',
          dev_cla: 'temperature',
          unit_of_meas: '°C',
          val_tpl: '{{ value_json.t }}',
        },
        t_off: {
          p: 'sensor',
          name: 'Temperature offset',
          unit_of_meas: '°C',
          ent_cat: 'config',
          val_tpl: '{{ value_json.t_off }}',
        },
        rssi: {
          p: 'sensor',
          dev_cla: 'signal_strength',
          unit_of_meas: 'dBm',
          ent_cat: 'diagnostic',
          val_tpl: '{{ value_json.rssi }}',
        },
        low: {
          p: 'binary_sensor',
          dev_cla: 'battery',
          ent_cat: 'diagnostic',
          val_tpl: '{{ value_json.low }}',
        },
        win: { p: 'binary_sensor', dev_cla: 'window', val_tpl: '{{ value_json.win }}' },
        led: { p: 'switch', name: 'LED', cmd_t: 'air_01/led/set', ent_cat: 'config' },
        up: { p: 'sensor', name: 'Uptime', avty_t: 'air_01/up/status' },
      },
    }),
  );
  if (msg.kind !== 'entities') throw new Error(msg.kind);
  return msg.entities
    .map((raw) => toEntity(raw))
    .map((r) => {
      if ('reason' in r) throw new Error(r.reason);
      return r.entity;
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

describe('a Home Assistant device from its entities', () => {
  it('is named by its primary entities; settings and diagnostics are kept, marked, never its value', () => {
    const list = entities();
    const p = devicePatch('air_01', list, (e) =>
      e.availability.length ? { available: false, reason: 'air_01/up/status says offline' } : {},
    );
    expect(p.kind).toBe('sensor');
    expect(p.controls).toEqual([{ entity: 'switch/air_01/led', kind: 'switch', name: 'LED' }]);
    expect(p.capabilities?.sort()).toEqual(['state', 'temperature']);
    expect(p.binaryClass).toBe('window');
    const byKey = Object.fromEntries(p.entities!.map((e) => [e.key.split('/').pop(), e]));
    expect(byKey.t).toMatchObject({ metric: 'temperature', unit: '°C', category: 'primary' });
    // An offset in °C is a setting, not a temperature.
    expect(byKey.t_off).toMatchObject({ metric: 'generic', unit: '°C', category: 'config' });
    expect(byKey.rssi).toMatchObject({ metric: 'rssi', category: 'diagnostic' });
    expect(byKey.low).toMatchObject({
      metric: 'state',
      binaryClass: 'battery',
      category: 'diagnostic',
    });
    expect(byKey.led).toMatchObject({ control: 'switch', category: 'config' });
    // A sensor with no unit, state class or numeric device class is text: no metric.
    expect(byKey.up).toMatchObject({
      available: false,
      unavailableReason: 'air_01/up/status says offline',
    });
    expect(byKey.up.metric).toBeUndefined();
    expect(p).toMatchObject({ availability: 'partial', online: true });
  });
});
