/**
 * Availability per entity, on a real Mosquitto, seen through the dashboard's contract: a plug
 * whose relay's LWT says Offline while its power sensor (no availability topic) reports is
 * partial, its relay unavailable with the reason and refusing commands; Zigbee2MQTT's per-device
 * availability and bridge state make every entity of a device unavailable, with the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Device } from '../../../src/shared/model.js';
import { send, waitFor } from './discovery-helpers.js';
import { useSmartHome } from './fixtures.js';

const home = useSmartHome();

async function getDevice(id: string): Promise<Device | undefined> {
  const r = await home.te.engine.request('getDevice', { id });
  return r.ok ? (r.value as Device) : undefined;
}

async function command(deviceId: string, entity: string, state: string) {
  return home.te.engine.request('sendCommand', { deviceId, entity, command: { state } });
}

/** The power sensor's latest value: latest values are keyed by entity. */
const POWER = 'sensor/plug_7c9e/power';
const power = (d: Device | undefined) => d?.latest[POWER]?.value;

/** Waits until `pred` holds for the device, then reads it through the contract (getDevice). */
async function until(id: string, what: string, pred: (d: Device) => boolean): Promise<Device> {
  await waitFor(what, () => {
    const d = home.te.engine.devices.get(id);
    return d !== undefined && pred(d);
  });
  const d = await getDevice(id);
  if (!d) throw new Error(`getDevice ${id} failed`);
  return d;
}

describe('Home Assistant: a plug whose relay is offline and whose power sensor has no LWT', () => {
  const dev = { ids: ['plug_7c9e'], name: 'Desk plug', mf: 'Gosund', mdl: 'SP111' };
  const RELAY = 'switch/plug_7c9e/relay';

  it('is partial; the relay is unavailable with the reason and refuses commands', async () => {
    await send(home.pub, 'homeassistant/switch/plug_7c9e/relay/config', {
      name: 'Relay',
      uniq_id: 'plug_7c9e_relay',
      cmd_t: 'cmnd/plug_7c9e/POWER',
      stat_t: 'stat/plug_7c9e/POWER',
      avty_t: 'tele/plug_7c9e/LWT',
      pl_avail: 'Online',
      pl_not_avail: 'Offline',
      dev,
    });
    await send(home.pub, 'homeassistant/sensor/plug_7c9e/power/config', {
      name: 'Power',
      uniq_id: 'plug_7c9e_power',
      stat_t: 'energy/plug_7c9e/power',
      dev_cla: 'power',
      unit_of_meas: 'W',
      dev,
    });
    await send(home.pub, 'tele/plug_7c9e/LWT', 'Offline');
    await send(home.pub, 'energy/plug_7c9e/power', '41.5');
    const d = await until(
      'plug_7c9e',
      'partial plug',
      (x) => x.availability === 'partial' && power(x) === 41.5,
    );
    expect(d.online).toBe(true);
    expect(d.entities?.find((e) => e.key === RELAY)).toMatchObject({
      available: false,
      unavailableReason: 'tele/plug_7c9e/LWT says offline',
      control: 'switch',
    });
    expect(d.entities?.find((e) => e.key === POWER)?.available).toBeUndefined();

    const refused = await command('plug_7c9e', RELAY, 'ON');
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: `Relay (${RELAY}) is unavailable: tele/plug_7c9e/LWT says offline`,
      },
    });

    await send(home.pub, 'tele/plug_7c9e/LWT', 'Online');
    await until('plug_7c9e', 'plug online', (x) => x.availability === 'online');
    const sent = await command('plug_7c9e', RELAY, 'ON');
    expect(sent).toMatchObject({ ok: true, value: { state: 'pending' } });
  });

  it('with every entity unavailable the device is offline', async () => {
    await send(home.pub, 'homeassistant/sensor/plug_7c9e/power/config', {
      name: 'Power',
      uniq_id: 'plug_7c9e_power',
      stat_t: 'energy/plug_7c9e/power',
      avty: [{ t: 'energy/plug_7c9e/status', val_tpl: '{{ value_json.state }}' }],
      dev_cla: 'power',
      unit_of_meas: 'W',
      dev,
    });
    await send(home.pub, 'energy/plug_7c9e/status', { state: 'offline' });
    await send(home.pub, 'tele/plug_7c9e/LWT', 'Offline');
    const d = await until('plug_7c9e', 'plug offline', (x) => x.availability === 'offline');
    expect(d.online).toBe(false);
    // A value still arriving does not make an offline device online.
    await send(home.pub, 'energy/plug_7c9e/power', '40', false);
    await waitFor('reading', () => power(home.te.engine.devices.get('plug_7c9e')) === 40);
    expect(home.te.engine.devices.get('plug_7c9e')?.online).toBe(false);
  });
});

describe('Zigbee2MQTT: availability per device, and the bridge', () => {
  const list = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../fixtures/mqtt/zigbee2mqtt-home.json'), 'utf8'),
  ) as { ieee_address: string; friendly_name: string; definition: { model: string } | null }[];
  const plug = list.find((d) => d.definition?.model === 'TS011F_plug_1')!;
  const topic = `zigbee2mqtt/${plug.friendly_name}`;

  it('offline by its availability topic: every entity unavailable, commands refused', async () => {
    await send(home.pub, 'zigbee2mqtt/bridge/state', { state: 'online' });
    await send(home.pub, 'zigbee2mqtt/bridge/devices', [list[0], plug]);
    await send(home.pub, `${topic}/availability`, { state: 'offline' });
    const d = await until(
      plug.ieee_address,
      'z2m plug offline',
      // Offline by its own word (a device not heard from yet is offline too, but not unavailable).
      (x) => x.availability === 'offline' && x.entities?.[0]?.available === false,
    );
    expect(d.online).toBe(false);
    expect(d.entities?.every((e) => e.available === false)).toBe(true);
    expect(d.entities?.find((e) => e.key === 'switch')?.unavailableReason).toBe(
      'Zigbee2MQTT reports it offline',
    );
    const r = await command(plug.ieee_address, 'switch', 'ON');
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    await send(home.pub, `${topic}/availability`, 'online');
    const up = await until(plug.ieee_address, 'online', (x) => x.availability === 'online');
    expect(up.entities?.some((e) => e.available === false)).toBe(false);

    await send(home.pub, 'zigbee2mqtt/bridge/state', 'offline');
    const down = await until(
      plug.ieee_address,
      'bridge offline',
      (x) => x.availability === 'offline',
    );
    expect(down.entities?.[0]?.unavailableReason).toBe('the Zigbee2MQTT bridge is offline');
    await send(home.pub, 'zigbee2mqtt/bridge/state', { state: 'online' });
    await until(plug.ieee_address, 'bridge back', (x) => x.availability === 'online');
  });
});
