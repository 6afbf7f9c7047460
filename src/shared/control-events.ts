/**
 * What a device's controls send, as BTHome v2 numbers them (bthome.io, event data): the decoder
 * reads codes with these tables; rules and Home Assistant's event entities list the names.
 */
export const BUTTON_EVENTS: Readonly<Record<number, string>> = {
  0x00: 'none',
  0x01: 'press',
  0x02: 'double_press',
  0x03: 'triple_press',
  0x04: 'long_press',
  0x05: 'long_double_press',
  0x06: 'long_triple_press',
  0x80: 'hold_press',
};

export const DIMMER_EVENTS: Readonly<Record<number, string>> = {
  0x00: 'none',
  0x01: 'rotate_left',
  0x02: 'rotate_right',
};

/** 'none' is a multi-button device saying "not this one": never an event of its own. */
const named = (codes: Readonly<Record<number, string>>): readonly string[] =>
  Object.values(codes).filter((e) => e !== 'none');

/** The events each kind of control can send, for rules and Home Assistant's event entities. */
export const CONTROL_EVENTS: Readonly<Record<'button' | 'dimmer', readonly string[]>> = {
  button: named(BUTTON_EVENTS),
  dimmer: named(DIMMER_EVENTS),
};
