const DETECTED = ['detected', 'clear'] as const;

/**
 * Home Assistant's binary_sensor device classes, each with what its on and off mean in words
 * (the dashboard shows "Window: open"; the bridge announces the class). A device's binaryClass is
 * one of these, or a source's own word the dashboard knows besides (BINARY_WORDS).
 *
 * The canonical meaning of a binary reading, for every source: 1 is the class's "on" word (open,
 * detected, wet, unlocked, low, ...), 0 its "off" word. Dialects translate what their devices send
 * into that (a Zigbee2MQTT `contact: false` is an open door: 1), so one word table serves all.
 */
export const BINARY_CLASS_WORDS: Readonly<Record<string, readonly [on: string, off: string]>> = {
  battery: ['low', 'normal'],
  battery_charging: ['charging', 'not charging'],
  carbon_monoxide: DETECTED,
  cold: ['cold', 'normal'],
  connectivity: ['connected', 'disconnected'],
  door: ['open', 'closed'],
  garage_door: ['open', 'closed'],
  gas: DETECTED,
  heat: ['hot', 'normal'],
  light: ['light', 'no light'],
  lock: ['unlocked', 'locked'],
  moisture: ['wet', 'dry'],
  motion: DETECTED,
  moving: DETECTED,
  occupancy: DETECTED,
  opening: ['open', 'closed'],
  plug: ['plugged in', 'unplugged'],
  power: ['on', 'off'],
  presence: ['home', 'away'],
  problem: ['problem', 'OK'],
  running: ['running', 'not running'],
  safety: ['unsafe', 'safe'],
  smoke: DETECTED,
  sound: DETECTED,
  tamper: ['tampered', 'clear'],
  update: ['update available', 'up-to-date'],
  vibration: DETECTED,
  window: ['open', 'closed'],
};

/**
 * The words for 1 and 0 of a binary reading: Home Assistant's classes, and two words sources used
 * besides: BTHome's battery_low, and 'contact', which older Homebeat versions gave Zigbee2MQTT
 * door sensors (their stored readings were already 1 = open; only the words were wrong).
 */
export const BINARY_WORDS: Readonly<Record<string, readonly [on: string, off: string]>> = {
  ...BINARY_CLASS_WORDS,
  battery_low: ['low', 'normal'],
  contact: ['open', 'closed'],
};

/** The word for a canonical binary value (1 or 0) of a class; 'on'/'off' when the class is unknown. */
export function binaryWord(value: number, binaryClass?: string): string {
  const words =
    binaryClass && Object.hasOwn(BINARY_WORDS, binaryClass)
      ? BINARY_WORDS[binaryClass]!
      : (['on', 'off'] as const);
  return value ? words[0] : words[1];
}
