import { BTHOME_UUID, decodeBthome } from '../bthome/index.js';
import type { Advertisement } from '../radio.js';
import type { AdvertFormat } from './format.js';

/** Where a BTHome sensor's bind key is kept in the host's secret store. */
export const bindKeySecret = (mac: string) => `bthome:${mac.toLowerCase()}`;

const serviceData = (a: Advertisement) => a.serviceData.find((d) => d.uuid === BTHOME_UUID)?.data;

/**
 * BTHome v2 (service data 0xFCD2, https://bthome.io/format): plain, or AES-CCM encrypted with the
 * bind key from the secret store. An encrypted packet whose counter did not increase is a replay
 * and is dropped.
 */
export const bthomeFormat: AdvertFormat<{ counter: number }> = {
  id: 'bthome',
  name: 'BTHome',
  source: 'bthome',
  matches: (a) => serviceData(a) !== undefined,
  decode(a, ctx) {
    const keyHex = ctx.secrets.get(bindKeySecret(ctx.deviceId));
    const key = keyHex ? Buffer.from(keyHex, 'hex') : undefined;
    const res = decodeBthome(serviceData(a)!, { mac: ctx.deviceId, key });
    if (res.counter !== undefined) {
      const last = ctx.state.counter;
      if (last !== undefined && res.counter <= last) {
        ctx.log.debug('BTHome replay dropped', { device: ctx.deviceId, counter: res.counter });
        return null;
      }
      ctx.state.counter = res.counter;
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
