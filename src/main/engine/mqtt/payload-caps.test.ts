import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/settings.js';
import { payloadCap, payloadFamily } from './payload-caps.js';

const s = { ...defaultSettings().mqtt, zigbee2mqttBase: 'z2m/home', discoveryPrefix: 'ha' };

describe('payload caps per topic family', () => {
  it.each([
    ['z2m/home/bridge/devices', 'z2m-bridge'],
    ['z2m/home/bridge/groups', 'z2m-bridge'],
    ['z2m/home/bridge/state', 'state'],
    ['z2m/home/bridge/devices/x', 'state'],
    ['z2m/homeX/bridge/devices', 'state'],
    ['zigbee2mqtt/bridge/devices', 'state'],
    ['ha/sensor/kitchen/config', 'discovery'],
    ['ha/sensor/node_1/kitchen/config', 'discovery'],
    ['ha/device/node_1/config', 'discovery'],
    ['ha/config', 'state'],
    ['ha/sensor/config', 'state'],
    ['hax/sensor/kitchen/config', 'state'],
    ['ha/sensor/kitchen/state', 'state'],
    ['z2m/home/lamp', 'state'],
  ])('%s is %s', (topic, family) => expect(payloadFamily(topic, s)).toBe(family));

  it('defaults: 16 MiB for the Zigbee2MQTT lists, 1 MiB for discovery, 256 KiB for the rest', () => {
    const d = defaultSettings().mqtt;
    expect(payloadCap('zigbee2mqtt/bridge/devices', d)).toEqual({
      family: 'z2m-bridge',
      max: 16 * 1024 * 1024,
    });
    expect(payloadCap('homeassistant/light/l1/config', d).max).toBe(1024 * 1024);
    expect(payloadCap('zigbee2mqtt/lamp', d).max).toBe(256 * 1024);
  });
});
