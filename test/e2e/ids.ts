/**
 * The simulated household's ids, as `serve --simulate` creates it (src/main/demo/radio/world.ts
 * and src/main/demo/home). Kept here so a renamed device fails one place.
 */
export const STRAP = 'c0:ff:ee:00:00:01';
/** Left unpaired by the demo, for the pairing test. */
export const SPARE_STRAP = 'c0:ff:ee:00:00:08';
export const HALL_LIGHT_NAME = 'Hall light';
export const HALL_LIGHT_SET_TOPIC = 'simhome/hall_light/set';
export const BLINDS_NAME = 'Living room blinds';
export const LOCK_NAME = 'Front door lock';

export const deviceHash = (id: string) => `#/device/${encodeURIComponent(id)}`;
