import type { DeviceEvent, Reading, Transport } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import { decodeBthome, type BthomeEvent } from './bthome/index.js';
import { DecodeError } from './decoders/index.js';
import { toReadings } from './readings.js';
import { channelId, splitChannels } from './bthome/channels.js';

export const bindKeySecret = (mac: string) => `bthome:${mac.toLowerCase()}`;

interface Seen {
  hex: string;
  counter?: number;
  /** The last failure warned about and when: the same failure warns once a minute, else debug. */
  failed?: { msg: string; at: number };
}

const REWARN_MS = 60_000;

/**
 * Passive BTHome v2 sensors: no connection, readings arrive in advertisements (service data
 * 0xFCD2), encrypted ones with the bind key from the secret store. Sensors repeat each packet
 * several times; a repeat (same bytes) or a replay (encryption counter not increasing) is dropped.
 */
export class BthomeReceiver {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly log: Logger,
    private readonly transport: Transport,
    private readonly onEvent: (e: DeviceEvent) => void = () => {},
  ) {}

  /** Forget what was seen (a new bind key must be tried on the next packet at once). */
  reset(id: string): void {
    this.seen.delete(id);
  }

  handle(id: string, name: string, data: Buffer, rssi: number): void {
    const hex = data.toString('hex');
    const prev = this.seen.get(id);
    if (prev?.hex === hex) return;
    const now = this.ctx.ports.clock.now();
    const keyHex = this.ctx.ports.secrets.get(bindKeySecret(id));
    const key = keyHex ? Buffer.from(keyHex, 'hex') : undefined;
    let res;
    try {
      res = decodeBthome(data, { mac: id, key });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // A sensor with a wrong key fails on every packet: warn once a minute, the rest at debug.
      const repeat = prev?.failed?.msg === msg && now - prev.failed.at < REWARN_MS;
      const failed = repeat ? prev!.failed : { msg, at: now };
      this.seen.set(id, { hex, counter: prev?.counter, failed });
      (repeat ? this.log.debug : this.log.warn)('decode failed', {
        device: id,
        characteristic: 'fcd2',
        hex: err instanceof DecodeError ? err.hex : hex,
        error: msg,
      });
      return;
    }
    if (res.counter !== undefined && prev?.counter !== undefined && res.counter <= prev.counter) {
      this.log.debug('BTHome replay dropped', { device: id, counter: res.counter });
      return;
    }
    this.seen.set(id, { hex, counter: res.counter ?? prev?.counter });
    const gateway = this.ctx.gatewayId();
    const readings: Reading[] = [];
    for (const ch of splitChannels(res.values)) {
      const deviceId = ch.key === null ? id : channelId(id, ch.key);
      const own = toReadings(ch.values, { deviceId, source: 'bthome', gateway, now });
      const binaryOnly = own.every((r) => r.metric === 'state' || r.metric === 'battery');
      const binary = ch.values.find((v) => v.metric === 'state')?.extra?.sensor;
      this.ctx.devices.upsert({
        id: deviceId,
        transport: this.transport,
        source: 'bthome',
        kind: own.length > 0 && binaryOnly ? 'binary_sensor' : 'sensor',
        name: ch.key === null ? name || undefined : `${name || id} ${ch.label}`,
        // Pairing is the sensor's; its channels come and go with it.
        ...(ch.key === null ? { paired: true } : {}),
        online: true,
        rssi,
        lastSeen: now,
        gateways: [gateway],
        ...(typeof binary === 'string' ? { binaryClass: binary } : {}),
      });
      readings.push(...own);
    }
    this.ctx.readings.publish(readings);
    if (res.events?.length) this.handleEvents(id, res.events, gateway, now);
  }

  /** Button presses and dimmer turns: logged, remembered as the device's controls, and emitted. */
  private handleEvents(id: string, events: BthomeEvent[], gateway: string, now: number): void {
    // 'none' is a multi-button device saying "not this one" in a packet about another button.
    const real = events.filter((e) => e.event !== 'none');
    if (!real.length) return;
    this.log.info('BTHome event', { device: id, events: real });
    const known = this.ctx.devices.get(id)?.eventSources ?? [];
    const sources = real.map((e) => `${e.type}_${e.index + 1}`);
    const added = sources.filter((s, i) => !known.includes(s) && sources.indexOf(s) === i);
    if (added.length) this.ctx.devices.upsert({ id, eventSources: [...known, ...added] });
    real.forEach((e, i) => {
      const ev: DeviceEvent = {
        deviceId: id,
        source: sources[i]!,
        event: e.event,
        ts: now,
        gateway,
      };
      if (e.steps !== undefined) ev.steps = e.steps;
      this.onEvent(ev);
    });
  }
}
