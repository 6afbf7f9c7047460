/**
 * Home Assistant binary sensors in the canonical meaning: payload_on is 1, which is the device
 * class's "on" (Home Assistant's binary_sensor documentation: door "on means open", lock "on means
 * open (unlocked)", moisture "on means wet", ...). Every class, default and custom payloads.
 */
import { describe, expect, it } from 'vitest';
import { BINARY_CLASS_WORDS, binaryWord } from '../../../../shared/binary-classes.js';
import { parseDiscoveryMessage, parseConfigTopic } from './ha-config.js';
import { entityOf } from './ha-device.js';
import { toEntity } from './ha-entity.js';
import { applyState } from './ha-state.js';

/** From Home Assistant's documentation: what "on" means for each class, in our words. */
const ON_MEANS: Record<string, [on: string, off: string]> = {
  battery: ['low', 'normal'],
  battery_charging: ['charging', 'not charging'],
  carbon_monoxide: ['detected', 'clear'],
  cold: ['cold', 'normal'],
  connectivity: ['connected', 'disconnected'],
  door: ['open', 'closed'],
  garage_door: ['open', 'closed'],
  gas: ['detected', 'clear'],
  heat: ['hot', 'normal'],
  light: ['light', 'no light'],
  lock: ['unlocked', 'locked'],
  moisture: ['wet', 'dry'],
  motion: ['detected', 'clear'],
  moving: ['detected', 'clear'],
  occupancy: ['detected', 'clear'],
  opening: ['open', 'closed'],
  plug: ['plugged in', 'unplugged'],
  power: ['on', 'off'],
  presence: ['home', 'away'],
  problem: ['problem', 'OK'],
  running: ['running', 'not running'],
  safety: ['unsafe', 'safe'],
  smoke: ['detected', 'clear'],
  sound: ['detected', 'clear'],
  tamper: ['tampered', 'clear'],
  update: ['update available', 'up-to-date'],
  vibration: ['detected', 'clear'],
  window: ['open', 'closed'],
};

function entity(cls: string, config: Record<string, unknown> = {}) {
  const topic = `homeassistant/binary_sensor/t_${cls}/config`;
  const msg = parseDiscoveryMessage(
    parseConfigTopic('homeassistant', topic)!,
    topic,
    JSON.stringify({ stat_t: `t/${cls}`, dev_cla: cls, uniq_id: `t_${cls}`, ...config }),
  );
  if (msg.kind !== 'entities') throw new Error(msg.kind);
  const r = toEntity(msg.entities[0]);
  if ('reason' in r) throw new Error(r.reason);
  return r.entity;
}

describe("Home Assistant binary sensors: payload_on is the class's on", () => {
  it('every class of the documentation is in the word table', () => {
    expect(Object.keys(BINARY_CLASS_WORDS).sort()).toEqual(Object.keys(ON_MEANS).sort());
  });

  for (const [cls, [on, off]] of Object.entries(ON_MEANS)) {
    it(`${cls}: ON is ${on}, OFF is ${off}; custom payloads too`, () => {
      const e = entity(cls);
      expect(entityOf(e, {})).toMatchObject({ metric: 'state', binaryClass: cls });
      const word = (payload: string, ent = e) => {
        const u = applyState(ent, 'binary', payload);
        return u.binary === undefined ? `refused: ${u.error}` : binaryWord(u.binary, cls);
      };
      expect([word('ON'), word('OFF')]).toEqual([on, off]);
      // A device that says "open"/"closed" (or anything) for on/off: payload_on is still on.
      const custom = entity(cls, { pl_on: 'yes', pl_off: 'no' });
      expect([word('yes', custom), word('no', custom), word('ON', custom)]).toEqual([
        on,
        off,
        expect.stringMatching(/^refused/),
      ]);
    });
  }
});
