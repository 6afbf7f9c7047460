import type { DeviceEvent } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import { advertEntity, declareEntities, entityKeys } from './advert-entities.js';
import { DecodeError } from './decoders/index.js';
import type { AdvertFormat, FormatContext, FormatEvent, FormatReport } from './formats/index.js';
import type { Advertisement } from './radio.js';
import { toReadings } from './readings.js';

interface Seen {
  /** The advertisement's data as last handled: sensors repeat each packet several times. */
  data: string;
  /** The last failure warned about and when: the same failure warns once a minute, else debug. */
  failed?: { msg: string; at: number };
}

const REWARN_MS = 60_000;

export interface AdvertReceiverOptions {
  ctx: EngineContext;
  log: Logger;
  /** The table of formats, first match wins. */
  formats: readonly AdvertFormat[];
  onEvent(e: DeviceEvent): void;
}

/**
 * Passive sensors: no connection, their readings arrive in advertisements in one of the formats of
 * the table. A repeat (the same data again) is dropped before decoding; what a format decodes
 * becomes the sensor's device, its entities (one per value: see advert-entities.ts), readings and
 * events. A decode failure is logged with the raw
 * bytes and never stops anything.
 */
export class AdvertReceiver {
  private readonly seen = new Map<string, Seen>();
  /** Each format's own state per device (replay counters, ...). */
  private readonly states = new Map<string, Map<AdvertFormat, Record<string, unknown>>>();

  constructor(private readonly o: AdvertReceiverOptions) {}

  /** The format an advertisement is in, if any. */
  match(a: Advertisement): AdvertFormat | undefined {
    return this.o.formats.find((f) => f.matches(a));
  }

  /** A note for the pairing screen from the device's format (e.g. a bind key is needed). */
  pairingNote(a: Advertisement): string | undefined {
    const f = this.match(a);
    return f?.pairingNote?.(a, this.contextOf(f, a.address));
  }

  /** Forgets what was seen of a device (a new bind key must be tried on the next packet). */
  reset(id: string): void {
    this.seen.delete(id);
    this.states.delete(id);
  }

  /** Handles an advertisement of a paired device; false when it is in no known format. */
  handle(a: Advertisement): boolean {
    const format = this.match(a);
    if (!format) return false;
    const id = a.address;
    const data = fingerprint(a);
    const prev = this.seen.get(id);
    if (prev?.data === data) return true;
    const now = this.o.ctx.ports.clock.now();
    let report: FormatReport | null;
    try {
      report = format.decode(a, this.contextOf(format, id));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // A sensor with a wrong key fails on every packet: warn once a minute, the rest at debug.
      const repeat = prev?.failed?.msg === msg && now - prev.failed.at < REWARN_MS;
      this.seen.set(id, { data, failed: repeat ? prev!.failed : { msg, at: now } });
      (repeat ? this.o.log.debug : this.o.log.warn)('decode failed', {
        device: id,
        characteristic: err instanceof DecodeError ? err.characteristic : format.id,
        hex: err instanceof DecodeError ? err.hex : data,
        error: msg,
      });
      return true;
    }
    this.seen.set(id, { data });
    if (report) this.publish(a, format, report, now);
    return true;
  }

  private contextOf(format: AdvertFormat, id: string): FormatContext {
    let perDevice = this.states.get(id);
    if (!perDevice) this.states.set(id, (perDevice = new Map()));
    let state = perDevice.get(format);
    if (!state) perDevice.set(format, (state = {}));
    return {
      deviceId: id,
      secrets: this.o.ctx.ports.secrets,
      state,
      log: this.o.log,
    };
  }

  private publish(a: Advertisement, format: AdvertFormat, r: FormatReport, now: number): void {
    const { ctx } = this.o;
    const id = a.address;
    const gateway = ctx.gatewayId();
    // Every value is an entity of the sensor, keyed so that none shares a series with another.
    const keys = entityKeys(r.values);
    const readings = toReadings(r.values, { deviceId: id, source: format.source, gateway, now });
    readings.forEach((x, i) => (x.entity = keys[i]));
    const entities = r.values.map((v, i) => advertEntity(v, keys[i]!));
    // The device's binary class is its own state's (a window), else a lone flag's (battery low).
    const state =
      entities.find((e) => e.metric === 'state' && e.category === 'primary') ??
      entities.find((e) => e.metric === 'state');
    const binaryOnly = readings.every((x) => x.metric === 'state' || x.metric === 'battery');
    ctx.devices.upsert({
      id,
      transport: 'ble',
      source: format.source,
      kind: readings.length > 0 && binaryOnly ? 'binary_sensor' : 'sensor',
      name: a.name || undefined,
      paired: true,
      ...r.device,
      online: true,
      rssi: a.rssi,
      lastSeen: now,
      gateways: [gateway],
      ...(state?.binaryClass ? { binaryClass: state.binaryClass } : {}),
    });
    // Declared before the readings, so the registry files them under these names and categories.
    declareEntities(ctx.devices, id, entities);
    ctx.readings.publish(readings);
    if (r.events?.length) this.handleEvents(format, id, r.events, gateway, now);
  }

  /** Button presses and dimmer turns: logged, remembered as the device's controls, and emitted. */
  private handleEvents(
    format: AdvertFormat,
    id: string,
    events: FormatEvent[],
    gateway: string,
    now: number,
  ): void {
    // 'none' is a multi-button device saying "not this one" in a packet about another button.
    const real = events.filter((e) => e.event !== 'none');
    if (!real.length) return;
    const { ctx } = this.o;
    this.o.log.info(`${format.name} event`, { device: id, events: real });
    const known = ctx.devices.get(id)?.eventSources ?? [];
    const sources = real.map((e) => `${e.type}_${e.index + 1}`);
    const added = sources.filter((s, i) => !known.includes(s) && sources.indexOf(s) === i);
    if (added.length) ctx.devices.upsert({ id, eventSources: [...known, ...added] });
    real.forEach((e, i) => {
      const ev: DeviceEvent = {
        deviceId: id,
        source: sources[i]!,
        event: e.event,
        ts: now,
        gateway,
      };
      if (e.steps !== undefined) ev.steps = e.steps;
      this.o.onEvent(ev);
    });
  }
}

/** The data an advertisement carries, as one string: equal strings are a repeated packet. */
function fingerprint(a: Advertisement): string {
  const parts = a.serviceData.map((d) => `${d.uuid}:${d.data.toString('hex')}`);
  if (a.manufacturerData) parts.push(`m:${a.manufacturerData.toString('hex')}`);
  return parts.join(' ');
}
