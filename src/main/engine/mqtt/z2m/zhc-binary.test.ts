/**
 * Every binary expose of every zigbee-herdsman-converters definition, both of its values, through
 * the Zigbee2MQTT dialect to the word the dashboard shows. The canonical meaning of a binary
 * reading is the Home Assistant class's "on" word for 1 (open, detected, wet, unlocked), so:
 *
 * - `contact` (and garage_door_contact) is true while the contact is made: true/ON is closed,
 *   false/OFF is open (Zigbee2MQTT's documentation; the expose's own description says so);
 * - a value that is a word means that word (OPEN, CLOSE, LOCK, UNLOCK: a lock's value_on LOCK is
 *   "locked", which is 0 in the lock class), and its counterpart the opposite word (a keypad
 *   lockout's "lock1" against "unlock" is locked; a window's "not_opened" against "opened" closed);
 * - otherwise value_on is the documented "on" of the property (water_leak: wet, occupancy:
 *   detected, tamper: tampered, battery_low: low, ...), or plain on/off when it has no class.
 *
 * The expected words below are written from those rules, not from the dialect's tables.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryWord } from '../../../../shared/binary-classes.js';
import { bridgeEntry, zhcDefinitions, type ExposeJson } from '../../../../../test/helpers/zhc.js';
import { toDevice } from './z2m-parse.js';
import { readZ2mState } from './z2m-state.js';

const DETECTED: [string, string] = ['detected', 'clear'];
/** What value_on and value_off mean, per property, in the dashboard's words. */
const DOCUMENTED: Record<string, [on: string, off: string]> = {
  water_leak: ['wet', 'dry'],
  occupancy: DETECTED,
  presence: DETECTED,
  smoke: DETECTED,
  gas: DETECTED,
  carbon_monoxide: DETECTED,
  vibration: DETECTED,
  moving: DETECTED,
  noise_detected: DETECTED,
  tamper: ['tampered', 'clear'],
  battery_low: ['low', 'normal'],
  window: ['open', 'closed'],
  window_open: ['open', 'closed'],
  valve_state: ['open', 'closed'],
  sos: ['unsafe', 'safe'],
  fault: ['problem', 'OK'],
  valve_alarm: ['problem', 'OK'],
  consumer_connected: ['plugged in', 'unplugged'],
  setup: ['running', 'not running'],
};
const WORDS: Record<string, string> = {
  open: 'open',
  opened: 'open',
  close: 'closed',
  closed: 'closed',
  lock: 'locked',
  locked: 'locked',
  unlock: 'unlocked',
  unlocked: 'unlocked',
};

const OPPOSITE: Record<string, string> = {
  open: 'closed',
  closed: 'open',
  locked: 'unlocked',
  unlocked: 'locked',
};
const wordOf = (v: unknown) => (typeof v === 'string' ? WORDS[v.toLowerCase()] : undefined);

function expectedWord(name: string, v: unknown, other: unknown, isOn: boolean): string {
  if (name === 'contact' || name === 'garage_door_contact')
    return v === true || v === 'ON' ? 'closed' : 'open';
  const w = wordOf(v) ?? (wordOf(other) ? OPPOSITE[wordOf(other)!] : undefined);
  if (w) return w;
  const pair = DOCUMENTED[name] ?? ['on', 'off'];
  return isOn ? pair[0] : pair[1];
}

interface Case {
  model: string;
  property: string;
  name: string;
  value: unknown;
  other: unknown;
  isOn: boolean;
}

const cases: Case[] = [];
const devices = new Map<string, ReturnType<typeof toDevice>>();

beforeAll(() => {
  zhcDefinitions().definitions.forEach((def, i) => {
    const entry = bridgeEntry(def, i, `dev ${i}`);
    const dev = toDevice(entry, entry.ieee_address, entry.friendly_name);
    devices.set(`${i}`, dev);
    const walk = (e: ExposeJson) => {
      if (e.property === undefined && Array.isArray(e.features)) e.features.forEach(walk);
      else if (e.type === 'binary' && typeof e.property === 'string' && (e.access ?? 1) & 1)
        for (const [value, other, isOn] of [
          [e.value_on, e.value_off, true],
          [e.value_off, e.value_on, false],
        ] as const)
          cases.push({
            model: `${i}`,
            property: e.property,
            name: e.name ?? '',
            value,
            other,
            isOn,
          });
    };
    def.exposes.forEach(walk);
  });
}, 120_000);

describe('binary exposes of every definition, in the canonical meaning', () => {
  it('map each value to the right word (open/closed, detected/clear, wet/dry, locked/unlocked)', () => {
    const wrong: string[] = [];
    const byWord = new Map<string, number>();
    for (const c of cases) {
      const dev = devices.get(c.model)!;
      const upd = readZ2mState(dev, { [c.property]: c.value });
      const r = upd.values.find((v) => v.entity === c.property);
      const cls = dev.props.get(c.property)?.binary?.cls;
      const got = r ? binaryWord(r.value, cls) : `no reading (${upd.errors.join('; ')})`;
      const want = expectedWord(c.name, c.value, c.other, c.isOn);
      byWord.set(want, (byWord.get(want) ?? 0) + 1);
      if (got !== want)
        wrong.push(`${dev.model} ${c.property}=${JSON.stringify(c.value)}: ${got}, not ${want}`);
    }
    console.log(
      `${cases.length / 2} binary exposes (${cases.length} values) checked: ` +
        [...byWord].map(([w, n]) => `${w} ${n}`).join(', '),
    );
    expect(wrong).toEqual([]);
    expect(cases.length).toBeGreaterThan(10_000);
  });

  it('an Aqara door sensor (contact: false) is open, and its state says so', () => {
    const c = cases.find((x) => x.name === 'contact' && x.value === false)!;
    const dev = devices.get(c.model)!;
    const upd = readZ2mState(dev, { contact: false });
    expect(upd.values).toContainEqual({ entity: 'contact', metric: 'state', value: 1, unit: '' });
    expect(dev.props.get('contact')?.binary?.cls).toBe('door');
    expect(binaryWord(1, 'door')).toBe('open');
    expect(upd.states.contact).toEqual({ state: 'ON' });
  });
});
