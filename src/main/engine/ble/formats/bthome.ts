import { BTHOME_UUID, decodeBthome } from '../bthome/index.js';
import { DecodeError } from '../decoders/index.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat } from './format.js';
import { checkCounter, serviceDataOf } from './util.js';

/**
 * Where a device's bind key is kept in the host's secret store. The name says BTHome for history:
 * it is the device's key whatever its format (MiBeacon's is entered the same way).
 */
export const bindKeySecret = (mac: string) => `bthome:${mac.toLowerCase()}`;

const F = { id: 'bthome', name: 'BTHome' };
const serviceData = (a: Advertisement) => serviceDataOf(a, BTHOME_UUID);

interface BthomeState {
  counter: number;
  /** The last reason a parse stopped early, so a device that always sends it warns once. */
  stopped: string;
}

/**
 * BTHome v2 (service data 0xFCD2, https://bthome.io/format), as its reference parser reads it:
 * plain, or AES-CCM encrypted with the bind key from the secret store. Once a device has a bind
 * key, a plain packet from it is refused (a downgrade must not be accepted); an encrypted packet
 * whose counter did not increase is a replay, refused with a clear error. A frame with an object
 * id this parser does not know keeps what came before it, with the reason logged.
 */
export const bthomeFormat: AdvertFormat<BthomeState> = {
  id: 'bthome',
  name: 'BTHome',
  source: 'bthome',
  matches: (a) => serviceData(a) !== undefined,
  decode(a, ctx) {
    const data = serviceData(a)!;
    const keyHex = ctx.secrets.get(bindKeySecret(ctx.deviceId));
    const key = keyHex ? Buffer.from(keyHex, 'hex') : undefined;
    const res = decodeBthome(data, { mac: ctx.deviceId, key });
    if (key && !res.encrypted) {
      throw new DecodeError(
        'BTHome: unencrypted packet from a device that has a bind key: refused (downgrade)',
        data.toString('hex'),
        F.id,
      );
    }
    if (res.counter !== undefined) checkCounter(F, ctx.state, res.counter, data);
    if (res.stopped) {
      const again = ctx.state.stopped === res.stopped;
      ctx.state.stopped = res.stopped;
      (again ? ctx.log.debug : ctx.log.warn)('BTHome parse stopped early', {
        device: ctx.deviceId,
        reason: res.stopped,
        hex: data.toString('hex'),
      });
    }
    return { values: res.values, events: res.events };
  },
  pairingNote(a, ctx) {
    const data = serviceData(a);
    const encrypted = data !== undefined && (data[0] & 0x01) === 1;
    if (encrypted && !ctx.secrets.get(bindKeySecret(ctx.deviceId)))
      return 'encrypted: set its bind key';
    return undefined;
  },
};
