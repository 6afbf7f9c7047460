import type { Settings } from '../../../shared/settings.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import { bindKeySecret } from './formats/bthome.js';
import type { Advertisement } from './radio.js';
import type { Scanner } from './scanner.js';
import type { Progress } from './session.js';

/** A pairing-screen scan ends by itself, so a forgotten screen does not scan for ever. */
const USER_SCAN_MS = 120_000;

/** What the BLE methods need of the service, and no more: they cannot reach into it. */
export interface BleControl {
  readonly ctx: EngineContext;
  readonly log: Logger;
  /** The scanner once Bluetooth has been wanted; null while it is off in settings. */
  scanner(): Scanner | null;
  /** Read from its advertisements only: no session, nothing to connect to. */
  isPassive(a: Advertisement): boolean;
  /** What the pairing screen should say about a passive device (from its format). */
  pairingNote(a: Advertisement): string | undefined;
  /** Reports a pair request's progress from the session about to be started for it. */
  reportPairing(id: string, progress: Progress): void;
  /** Forgets what the advertisement formats kept of a device (a new key is tried at once). */
  resetAdverts(id: string): void;
}

/** The contract's BLE methods (inputs already validated by their zod schemas). */
export function bleHandlers(svc: BleControl): Partial<Handlers> {
  let userScanTimer: unknown = null;
  const scanner = () => {
    const sc = svc.scanner();
    if (sc) return sc;
    throw new EngineError('unavailable', 'Bluetooth unavailable: disabled');
  };
  /** The scanner of an adapter that can scan now or later (not one that is unavailable). */
  const usable = () => {
    const sc = scanner();
    if (sc.adapter === 'unavailable')
      throw new EngineError('unavailable', sc.reason ?? 'the Bluetooth adapter is unavailable');
    return sc;
  };
  const saveBle = (patch: Partial<Settings['ble']>) => {
    svc.ctx.settings.update({ ble: patch });
  };
  const progress =
    (id: string) =>
    (step: string, done = false, error?: string) => {
      const e: { id: string; step: string; done: boolean; error?: string } = { id, step, done };
      if (error) e.error = error;
      svc.ctx.events.emit('pairProgress', [e]);
    };
  const { clock } = svc.ctx.ports;

  return {
    startScan: () => {
      const sc = usable();
      // Powered off: the scan starts when the adapter comes on.
      sc.setWanted('user', true);
      clock.clearTimeout(userScanTimer);
      userScanTimer = clock.setTimeout(() => svc.scanner()?.setWanted('user', false), USER_SCAN_MS);
      (userScanTimer as { unref?: () => void } | null)?.unref?.();
      return { scanning: !sc.off };
    },
    stopScan: () => {
      const sc = scanner();
      clock.clearTimeout(userScanTimer);
      sc.setWanted('user', false);
      // Paired devices still need the background scan; say so rather than pretend.
      return {
        scanning: svc.ctx.settings.get().ble.paired.length > 0 && sc.adapter === 'scanning',
      };
    },
    listScanResults: () => svc.scanner()?.list() ?? [],
    pairDevice: ({ id: raw, mode }) => {
      const id = raw.toLowerCase();
      const sc = usable();
      const s = svc.ctx.settings.get().ble;
      if (s.deny.includes(id) || (s.allow.length > 0 && !s.allow.includes(id)))
        throw new EngineError('forbidden', `${id} is blocked by the allow/deny lists`, 'id');
      const seen = sc.get(id);
      if (!seen) throw new EngineError('not_found', `${id} has not been seen in a scan`, 'id');
      const report = progress(id);
      const advert = sc.lastAdvert(id);
      const passive = !advert || svc.isPassive(advert);
      if (!passive) svc.reportPairing(id, report);
      saveBle({
        paired: [
          ...s.paired.filter((p) => p.id !== id),
          { id, name: seen.name.slice(0, 100), mode },
        ],
      });
      report('saved');
      if (passive) report('listening', true, advert && svc.pairingNote(advert));
      svc.log.info('paired', { device: id, mode, passive });
      return { id };
    },
    forgetDevice: ({ id: raw }) => {
      const id = raw.toLowerCase();
      const s = svc.ctx.settings.get().ble;
      if (!s.paired.some((p) => p.id === id) && !s.bthomeKeys.includes(id))
        throw new EngineError('not_found', `${id} is not paired`, 'id');
      svc.ctx.ports.secrets.delete(bindKeySecret(id));
      saveBle({
        paired: s.paired.filter((p) => p.id !== id),
        bthomeKeys: s.bthomeKeys.filter((k) => k !== id),
      });
      svc.ctx.devices.remove(id);
      svc.log.info('forgotten', { device: id });
      return { id };
    },
    setBindKey: ({ id: raw, key }) => {
      const id = raw.toLowerCase();
      svc.ctx.ports.secrets.set(bindKeySecret(id), key.toLowerCase());
      const s = svc.ctx.settings.get().ble;
      if (!s.bthomeKeys.includes(id)) saveBle({ bthomeKeys: [...s.bthomeKeys, id] });
      svc.resetAdverts(id);
      svc.log.info('BTHome bind key stored', { device: id });
      return { id };
    },
  };
}
