const DETECTED = ['detected', 'clear'] as const;

/**
 * Home Assistant's binary_sensor device classes, each with what its on and off mean in words
 * (the dashboard shows "Window: open"; the bridge announces the class). A device's binaryClass is
 * one of these, or a source's own word the dashboard knows besides (see the renderer).
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
  vibration: DETECTED,
  window: ['open', 'closed'],
};
