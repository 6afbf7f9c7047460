import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type withBindingsFn from '@abandonware/noble/with-bindings';
import { NobleRadio, type Noble } from './noble-radio.js';
import type { RadioFactory } from './radio.js';
import { UnavailableRadio } from './unavailable-radio.js';

export type LoadResult = { ok: true; noble: Noble } | { ok: false; reason: string };

/**
 * Loads noble only when the BLE service starts: on a machine without a Bluetooth stack the HCI
 * binding throws at require time (EAFNOSUPPORT), which must become an adapter state, not a crash
 * of whoever imported this module.
 *
 * With a bindings object (the simulated radio) it builds a real Noble over it via
 * `with-bindings`, which never touches the HCI binding.
 */
export function loadNoble(
  opts: { binding?: EventEmitter; require?: NodeJS.Require } = {},
): LoadResult {
  const req = opts.require ?? createRequire(import.meta.url);
  try {
    if (opts.binding) {
      const withBindings = req('@abandonware/noble/with-bindings') as typeof withBindingsFn;
      return { ok: true, noble: withBindings(opts.binding) };
    }
    return { ok: true, noble: req('@abandonware/noble') as Noble };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e?.message ? e.message : String(err);
    return {
      ok: false,
      reason: e?.code && !reason.includes(e.code) ? `${e.code}: ${reason}` : reason,
    };
  }
}

export interface NobleRadioSource {
  /** noble bindings to use instead of the platform's (the demo's simulated radio). */
  binding?: EventEmitter;
  /** Replaces the module loader (tests of noble failing to load). */
  require?: NodeJS.Require;
  /** The bindings' devices are simulated: the status says so. */
  simulated?: boolean;
}

/**
 * The local radio: noble over the platform's Bluetooth stack, or over the given bindings. When
 * noble cannot load, the radio is one that reports the adapter unavailable, with the reason.
 */
export const nobleRadio =
  (src: NobleRadioSource = {}): RadioFactory =>
  ({ log }) => {
    const res = loadNoble(src);
    if (res.ok) return new NobleRadio({ noble: res.noble, log, simulated: src.simulated });
    log.warn('Bluetooth unavailable; everything else runs on', { reason: res.reason });
    return new UnavailableRadio(res.reason);
  };
