import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as nobleModule from '@abandonware/noble';
import type withBindingsFn from '@abandonware/noble/with-bindings';

export type Noble = typeof nobleModule;
export type { Advertisement, Characteristic, Peripheral, Service } from '@abandonware/noble';

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
