/**
 * Values filed by entity, never by unit: real devices whose values share a unit (a CO₂ monitor's
 * temperature and its offset, a three-phase meter's powers, a two-channel meter's endpoints, a
 * Tasmota's two probes and its energy today/yesterday/total) each give one series per value, on a
 * real Mosquitto. The Zigbee2MQTT devices are entries of zigbee2mqtt-home.json (generated from
 * zigbee-herdsman-converters); the Tasmota configs follow Tasmota's Home Assistant discovery.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device, Reading } from '../../../src/shared/model.js';
import { device, send, waitFor } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

const home = useSmartHome();
const HOME = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/mqtt/zigbee2mqtt-home.json'), 'utf8'),
) as { ieee_address: string; friendly_name: string; definition: { model: string } | null }[];
const entry = (model: string) => HOME.find((d) => d.definition?.model === model)!;

let readings: Reading[] = [];
beforeAll(() => {
  home.te.engine.readings.subscribe((r) => readings.push(...r));
});

/** The newest reading of each entity of a device. */
function byEntity(id: string): Record<string, Reading> {
  const out: Record<string, Reading> = {};
  for (const r of readings) if (r.deviceId === id) out[r.entity ?? `(none) ${r.metric}`] = r;
  return out;
}

const entityKeys = (d: Device | undefined) => (d?.entities ?? []).map((e) => e.key);

describe('Zigbee2MQTT: one series per property', () => {
  const co2 = entry('DIYRuZ_AirSense');
  const meter3 = entry('EMIZB-151');
  const meter2 = entry('ZWPM16-2');

  it('a CO₂ monitor: its offset is not its temperature, its threshold not its CO₂', async () => {
    readings = [];
    await send(home.pub, 'zigbee2mqtt/bridge/devices', [co2, meter3, meter2]);
    await waitFor('devices', () =>
      [co2, meter3, meter2].every((d) => device(home.te, d.ieee_address)),
    );
    await send(home.pub, `zigbee2mqtt/${co2.friendly_name}`, {
      co2: 612,
      temperature: 21.4,
      humidity: 40,
      pressure: 1013,
      led_feedback: 'ON',
      enable_abc: 'OFF',
      threshold1: 1000,
      threshold2: 2000,
      temperature_offset: -1.5,
      humidity_offset: 0,
      pressure_offset: 0,
    });
    await waitFor('co2 values', () => byEntity(co2.ieee_address).temperature_offset);
    const r = byEntity(co2.ieee_address);
    expect(r.temperature).toMatchObject({ metric: 'temperature', value: 21.4, unit: '°C' });
    expect(r.temperature_offset).toMatchObject({ metric: 'generic', value: -1.5, unit: '°C' });
    expect(r.co2).toMatchObject({ metric: 'co2', value: 612 });
    expect(r.threshold1).toMatchObject({ metric: 'generic', value: 1000, unit: 'ppm' });
    expect(r.led_feedback).toMatchObject({ metric: 'state', value: 1 });
    expect(readings.filter((x) => x.deviceId === co2.ieee_address).every((x) => x.entity)).toBe(
      true,
    );
    const d = device(home.te, co2.ieee_address)!;
    expect(d.latest.temperature?.value).toBe(21.4);
    expect(d.latest.co2?.value).toBe(612);
    expect(d.capabilities.sort()).toEqual(['co2', 'humidity', 'pressure', 'temperature']);
    const cat = Object.fromEntries(d.entities!.map((e) => [e.key, e.category]));
    expect(cat).toMatchObject({
      temperature: 'primary',
      co2: 'primary',
      temperature_offset: 'config',
      threshold1: 'config',
      led_feedback: 'config',
    });
  });

  it('a three-phase meter: each phase its own power; energy and its tiers apart', async () => {
    await send(home.pub, `zigbee2mqtt/${meter3.friendly_name}`, {
      power: 230,
      power_phase_b: 120,
      power_phase_c: 80,
      voltage: 231,
      voltage_phase_b: 229,
      voltage_phase_c: 232,
      current: 1,
      current_phase_b: 0.5,
      current_phase_c: 0.35,
      energy: 1234.5,
      energy_tier_1: 600,
      energy_tier_2: 634.5,
      produced_energy: 12,
      produced_energy_tier_1: 6,
      produced_energy_tier_2: 6,
    });
    await waitFor('meter values', () => byEntity(meter3.ieee_address).produced_energy_tier_2);
    const r = byEntity(meter3.ieee_address);
    const powers = ['power', 'power_phase_b', 'power_phase_c'].map((k) => [
      k,
      r[k].metric,
      r[k].value,
    ]);
    expect(powers).toEqual([
      ['power', 'power', 230],
      ['power_phase_b', 'power', 120],
      ['power_phase_c', 'power', 80],
    ]);
    expect([r.energy.value, r.energy_tier_1.value, r.energy_tier_2.value]).toEqual([
      1234.5, 600, 634.5,
    ]);
    expect(r.energy_tier_1.metric).toBe('energy');
  });

  it('a two-channel meter: endpoints l1 and l2 are two entities each', async () => {
    await send(home.pub, `zigbee2mqtt/${meter2.friendly_name}`, {
      power_l1: 10,
      power_l2: 20,
      energy_l1: 1.5,
      energy_l2: 2.5,
      daily_energy_l1: 0.1,
      daily_energy_l2: 0.2,
      voltage_l1: 230,
      voltage_l2: 230,
      current_l1: 0.05,
      current_l2: 0.1,
    });
    await waitFor('channels', () => byEntity(meter2.ieee_address).current_l2);
    const r = byEntity(meter2.ieee_address);
    expect([
      r.power_l1.value,
      r.power_l2.value,
      r.energy_l1.value,
      r.daily_energy_l1.value,
    ]).toEqual([10, 20, 1.5, 0.1]);
    const keys = entityKeys(device(home.te, meter2.ieee_address));
    expect(new Set(keys).size).toBe(keys.length);
    const names = device(home.te, meter2.ieee_address)!.entities!.map((e) => e.name);
    expect(names).toContain('Power l2');
  });
});

describe('Home Assistant (Tasmota discovery): one series per entity', () => {
  const base = 'homeassistant/sensor';
  const sensor = (id: string, name: string, tpl: string, unit: string, cls: string) =>
    send(home.pub, `${base}/A1B2C3_${id}/config`, {
      name: `Tasmota ${name}`,
      stat_t: 'tele/tasmota_A1B2C3/SENSOR',
      avty_t: 'tele/tasmota_A1B2C3/LWT',
      pl_avail: 'Online',
      pl_not_avail: 'Offline',
      uniq_id: `A1B2C3_${id}`,
      dev: { ids: ['A1B2C3'], name: 'Tasmota', mdl: 'Sonoff TH', mf: 'Tasmota' },
      unit_of_meas: unit,
      dev_cla: cls,
      frc_upd: true,
      val_tpl: tpl,
    });

  it('two temperature probes and energy today, yesterday and total', async () => {
    readings = [];
    await sensor(
      'DS18B20-1_Temperature',
      'DS18B20-1 Temperature',
      "{{value_json['DS18B20-1'].Temperature}}",
      '°C',
      'temperature',
    );
    await sensor(
      'DS18B20-2_Temperature',
      'DS18B20-2 Temperature',
      "{{value_json['DS18B20-2'].Temperature}}",
      '°C',
      'temperature',
    );
    for (const k of ['Today', 'Yesterday', 'Total'])
      await sensor(
        `ENERGY_${k}`,
        `ENERGY ${k}`,
        `{{value_json['ENERGY']['${k}']}}`,
        'kWh',
        'energy',
      );
    await send(home.pub, 'tele/tasmota_A1B2C3/LWT', 'Online');
    await waitFor('tasmota', () => device(home.te, 'A1B2C3')?.entities?.length === 5);
    await send(home.pub, 'tele/tasmota_A1B2C3/SENSOR', {
      Time: '2026-12-01T06:00:00',
      'DS18B20-1': { Id: '01144A0CB2AA', Temperature: 21.5 },
      'DS18B20-2': { Id: '0114550B25AA', Temperature: 48.3 },
      ENERGY: { Total: 320.81, Yesterday: 1.42, Today: 0.37, Power: 12, Voltage: 230 },
      TempUnit: 'C',
    });
    const r = () => byEntity('A1B2C3');
    await waitFor('values', () => Object.keys(r()).length === 5);
    expect(r()['sensor/A1B2C3_DS18B20-1_Temperature']).toMatchObject({
      metric: 'temperature',
      value: 21.5,
    });
    expect(r()['sensor/A1B2C3_DS18B20-2_Temperature']).toMatchObject({
      metric: 'temperature',
      value: 48.3,
    });
    expect(
      ['Today', 'Yesterday', 'Total'].map((k) => r()[`sensor/A1B2C3_ENERGY_${k}`].value),
    ).toEqual([0.37, 1.42, 320.81]);
    expect(device(home.te, 'A1B2C3')?.availability).toBe('online');
  });
});
