import { afterEach, describe, expect, it } from 'vitest';
import { createSimWorld, radioOf, SIM_ADDRESSES as A } from '../../../src/main/demo/radio/world.js';
import { nextMessage } from './core-helpers.js';
import { useBroker } from './fixtures.js';

/**
 * A BTHome sensor through the whole path: its advertisement on the simulated radio, real noble,
 * the BLE service, the bridge, a real Mosquitto, and a client reading what Home Assistant would.
 */
const net = useBroker();
const worlds: { radio: { dispose(): void } }[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.radio.dispose();
});

const SAN = A.climate.replace(/:/g, '_');
const CONFIG = `homeassistant/device/homebeat_${SAN}/config`;

interface Config {
  components: Record<string, Record<string, unknown>>;
}

describe('bridge: BTHome binary sensors and buttons', () => {
  it('a window contact is a binary_sensor of that class; a button press is an event entity and an event', async () => {
    const world = createSimWorld({ tickMs: 20, connectTimeoutMs: 200 });
    worlds.push(world);
    const e = await net.engine('gw-a', { ble: { radio: radioOf(world) } });
    const w = await net.client();
    await w.subscribeAsync(['homeassistant/device/+/config', 'homebeat/gw-a/#'], { qos: 1 });
    await e.waitMqtt((m) => m.state === 'connected');
    world.climate.everyTicks = Number.MAX_SAFE_INTEGER;
    // Battery 90 %, window open, button 1 pressed (BTHome v2, plain).
    world.climate.advertiseRaw(Buffer.from('40015a2d013a01', 'hex'));
    const withButton = nextMessage(w, CONFIG, (p) => p.includes('button_1'));
    const event = nextMessage(w, `homebeat/gw-a/${SAN}/button_1/event`);
    e.engine.settings.update({ ble: { paired: [{ id: A.climate, name: '', mode: 'keep' }] } });

    const config = JSON.parse(await withButton) as Config;
    // The window is the sensor's entity `window` now; in Home Assistant it keeps the id it had as
    // the sensor's `state` series, so the user's entity stays.
    expect(config.components[`${SAN}_state`]).toMatchObject({
      platform: 'binary_sensor',
      unique_id: `homebeat_${SAN}_state`,
      device_class: 'window',
      payload_on: '1',
      payload_off: '0',
      value_template: '{{ value_json.window }}',
    });
    expect(config.components[`${SAN}_state`]).not.toHaveProperty('unit_of_measurement');
    expect(config.components[`${SAN}_button_1`]).toMatchObject({
      platform: 'event',
      device_class: 'button',
      unique_id: `homebeat_${SAN}_button_1`,
      state_topic: `homebeat/gw-a/${SAN}/button_1/event`,
      event_types: expect.arrayContaining(['press', 'double_press', 'long_press']),
    });
    expect(JSON.parse(await event)).toMatchObject({ event_type: 'press' });
    expect(e.engine.devices.get(A.climate)).toMatchObject({
      binaryClass: 'window',
      eventSources: ['button_1'],
    });

    // Repeats of the same advertisement are one press; a new packet is a new press.
    const second = nextMessage(w, `homebeat/gw-a/${SAN}/button_1/event`, (p) =>
      p.includes('double_press'),
    );
    world.climate.advertiseRaw(Buffer.from('40015a2d013a02', 'hex'));
    expect(JSON.parse(await second)).toMatchObject({ event_type: 'double_press' });
  });
});
