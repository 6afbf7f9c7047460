/**
 * Zigbee2MQTT binary values in the canonical meaning (src/shared/binary-classes.ts): 1 is the
 * class's "on" word (open, detected, wet, unlocked), 0 its "off" word.
 *
 * Zigbee2MQTT's own Home Assistant discovery takes `value_on` as Home Assistant's "on", which is
 * right for almost every definition (`contact` is defined with value_on false: an open door is
 * "on"). Two things override it, because a few definitions disagree with the property's documented
 * meaning: `contact` is true (or "ON") while the contact is closed, whatever value_on says; and a
 * value that is a word (OPEN, CLOSE, LOCK, UNLOCK) means that word, so a lock's value_on LOCK is
 * "locked" (0 in the lock class, whose "on" is unlocked), and its counterpart the opposite word
 * ("lock1" against "unlock" is locked).
 */
import { BINARY_CLASS_WORDS } from '../../../../shared/binary-classes.js';
/** The part of an expose this reads (see z2m-parse.ts). */
interface BinaryExpose {
  value_on?: unknown;
  value_off?: unknown;
}

/** Zigbee2MQTT binary properties as Home Assistant binary classes (as its own discovery has them). */
const CLASS_OF: Readonly<Record<string, string>> = {
  battery_low: 'battery',
  carbon_monoxide: 'carbon_monoxide',
  consumer_connected: 'plug',
  contact: 'door',
  fault: 'problem',
  garage_door_contact: 'garage_door',
  gas: 'gas',
  moving: 'moving',
  noise_detected: 'sound',
  occupancy: 'occupancy',
  presence: 'occupancy',
  setup: 'running',
  smoke: 'smoke',
  sos: 'safety',
  tamper: 'tamper',
  valve_alarm: 'problem',
  valve_state: 'opening',
  vibration: 'vibration',
  water_leak: 'moisture',
  window: 'window',
  window_open: 'window',
};

/** Properties that are true while a contact is made (closed), per Zigbee2MQTT's documentation. */
const CONTACT_MADE = new Set(['contact', 'garage_door_contact']);

/** Values that are words, as the word they mean. */
const WORDS: Readonly<Record<string, string>> = {
  open: 'open',
  opened: 'open',
  close: 'closed',
  closed: 'closed',
  lock: 'locked',
  locked: 'locked',
  unlock: 'unlocked',
  unlocked: 'unlocked',
};

const OPPOSITE: Readonly<Record<string, string>> = {
  open: 'closed',
  closed: 'open',
  locked: 'unlocked',
  unlocked: 'locked',
};

const wordOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? WORDS[v.toLowerCase()] : undefined;

export interface BinaryMeaning {
  /** The Home Assistant class whose words it takes; undefined: on/off. */
  cls?: string;
  /** 1 or 0 in the canonical meaning; undefined when the value is neither of the expose's. */
  read(v: unknown): 0 | 1 | undefined;
}

/**
 * The meaning of one binary expose. `name` is its name without endpoint; `inLock`: it is the state
 * of a lock composite. A class comes from the name, or from the values when they are open/close or
 * lock/unlock words (a valve's OPEN/CLOSE state is an opening; a child lock's LOCK/UNLOCK a lock).
 */
export function binaryMeaning(f: BinaryExpose, name: string, inLock = false): BinaryMeaning {
  const on = f.value_on;
  const off = f.value_off;
  const words = [wordOf(on), wordOf(off)];
  let cls = Object.hasOwn(CLASS_OF, name) ? CLASS_OF[name] : undefined;
  if (!cls && (inLock || words.includes('locked') || words.includes('unlocked'))) cls = 'lock';
  if (!cls && (words.includes('open') || words.includes('closed'))) cls = 'opening';
  const classWords = cls ? BINARY_CLASS_WORDS[cls] : undefined;
  const contactMade = CONTACT_MADE.has(name);
  const read = (v: unknown): 0 | 1 | undefined => {
    if (v !== on && v !== off) return undefined;
    if (contactMade && (typeof v === 'boolean' || v === 'ON' || v === 'OFF'))
      return v === true || v === 'ON' ? 0 : 1;
    // A word means itself; a value that is not one, next to one that is, means the opposite.
    const w = wordOf(v) ?? OPPOSITE[wordOf(v === on ? off : on) ?? ''];
    if (w && classWords) {
      if (w === classWords[0]) return 1;
      if (w === classWords[1]) return 0;
    }
    return v === on ? 1 : 0;
  };
  return { cls, read };
}
