import { describe, expect, it } from 'vitest';
import { decodeSwitchBot, switchBotFormat } from './switchbot.js';
import { advert, errorOf, hex, pairs } from './test-helpers.js';

// Frames built from SwitchBot's BLE API documentation (OpenWonderLabs/SwitchBotAPI-BLE).
describe('SwitchBot sensors (service data 0xFD3D / 0x000D)', () => {
  it('Meter and Meter Plus: temperature with its sign bit, humidity, battery', () => {
    const r = decodeSwitchBot(hex('54 00 64 05 97 2c'));
    expect(r.device).toEqual({ manufacturer: 'SwitchBot', model: 'Meter' });
    expect(pairs(r.values)).toEqual([
      ['battery', 100],
      ['temperature', 23.5],
      ['humidity', 44],
    ]);
    const plus = decodeSwitchBot(hex('69 00 5a 05 05 30'));
    expect(plus.device?.model).toBe('Meter Plus');
    expect(pairs(plus.values)[1]).toEqual(['temperature', -5.5]);
  });

  it('Contact Sensor: motion, light, open; Motion Sensor: motion and light level', () => {
    expect(pairs(decodeSwitchBot(hex('64 40 5a 03 0000 0000 00')).values)).toEqual([
      ['battery', 90],
      ['motion', 1],
      ['light', 1],
      ['opening', 1],
    ]);
    expect(pairs(decodeSwitchBot(hex('64 00 5a 00 0000 0000 00')).values).slice(1)).toEqual([
      ['motion', 0],
      ['light', 0],
      ['opening', 0],
    ]);
    const m = decodeSwitchBot(hex('73 40 5a 0000 02'));
    expect(m.device?.model).toBe('Motion Sensor');
    expect(pairs(m.values)).toEqual([
      ['battery', 90],
      ['motion', 1],
      ['light', 1],
    ]);
  });

  it('matches the sensors under both UUIDs, not a Bot; short and encrypted frames are errors', () => {
    const svc = (uuid: string, h: string) => advert({ serviceData: [{ uuid, data: hex(h) }] });
    expect(switchBotFormat.matches(svc('fd3d', '540064059 72c'.replace(' ', '')))).toBe(true);
    expect(switchBotFormat.matches(svc('000d', '54006405972c'))).toBe(true);
    expect(switchBotFormat.matches(svc('fd3d', '480064'))).toBe(false); // Bot
    expect(errorOf(() => decodeSwitchBot(hex('540064'))).message).toBe(
      'SwitchBot: Meter frame needs 6 bytes, got 3',
    );
    expect(errorOf(() => decodeSwitchBot(hex('d40064059 72c'.replace(' ', '')))).message).toMatch(
      /encrypted/,
    );
    expect(errorOf(() => decodeSwitchBot(hex('54'))).message).toMatch(/too short/);
  });
});
