import type { DeviceKind, DevicePatch } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { HistoryApi } from '../services.js';
import type { Logger } from '../logging.js';
import { backoffDelay, type BackoffOptions } from '../../../shared/backoff.js';
import { own } from '../../../shared/own.js';
import {
  createDecoderState,
  decodeCharacteristic,
  DecodeError,
  isKnownCharacteristic,
  KNOWN_SERVICES,
} from './decoders/index.js';
import { capabilitiesOf, readDeviceInfo, setDeviceTime, watchRssi } from './device-info.js';
import { guarded, guardedConnect, sleep, unref } from './gatt.js';
import { gattKeyOf } from './gatt-entities.js';
import { toReadings } from './readings.js';
import type { GattCharacteristic, GattLink } from './radio.js';
import { GLUCOSE_MEASUREMENT, RACP, RecordSync } from './records.js';

export type SessionState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';
export type Progress = (step: string, done?: boolean, error?: string) => void;

export interface SessionDeps {
  ctx: EngineContext;
  /** Where stored records are committed. */
  history?: HistoryApi | undefined;
  log: Logger;
  /** Resolves once the device has been heard recently, waiting for an advertisement if needed. */
  heard(id: string, timeoutMs: number, signal: AbortSignal): Promise<unknown>;
  /** A GATT link from the radio (aborting `signal` calls the attempt off). */
  connect(id: string, signal: AbortSignal): Promise<GattLink>;
  /** Runs a connection set-up with the scan paused (controllers that cannot do both). */
  whileConnecting<T>(id: string, connect: () => Promise<T>): Promise<T>;
  backoff: BackoffOptions;
  /** rssiMs: how often a connected device's signal strength is read. */
  timeouts: { connectMs: number; opMs: number; settleMs: number; rssiMs: number };
  random(): number;
  /** Called on every state change (status counts, benchmark). */
  onState(session: DeviceSession): void;
}

interface Link {
  /** Unset until the radio has connected. */
  gatt: GattLink | null;
  ac: AbortController;
  chars: Map<string, GattCharacteristic>;
  /** Set when we close the link on purpose (pull done, forget, dispose): no reconnect. */
  closing: boolean;
}

/**
 * One paired GATT device: connect, discover, subscribe to everything the decoders understand,
 * read battery and device information, set the clock, sync stored records; after a drop,
 * reconnect with exponential backoff and jitter ('keep' mode). Nothing a device sends can throw
 * out of here: a bad payload is a logged warning and the session goes on.
 */
export class DeviceSession {
  state: SessionState = 'idle';
  kind: DeviceKind = 'other';
  lastSeen = 0;
  readonly records: RecordSync;
  private attempts = 0;
  private link: Link | null = null;
  private timer: unknown = null;
  private pulling: Promise<number> | null = null;
  /** The search for the peripheral before a link exists, so stop() can call it off. */
  private opening: AbortController | null = null;
  private decoderState = createDecoderState();

  constructor(
    readonly id: string,
    public mode: 'keep' | 'periodic',
    public name: string,
    private readonly d: SessionDeps,
  ) {
    this.records = new RecordSync({
      ctx: d.ctx,
      history: d.history,
      log: d.log,
      deviceId: id,
      idleMs: d.timeouts.opMs,
    });
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Starts keeping the device connected ('keep' mode); 'periodic' devices wait for pull(). */
  start(progress?: Progress): void {
    if (this.mode === 'keep') void this.attempt(progress);
  }

  stop(): void {
    this.setState('stopped');
    this.opening?.abort();
    this.d.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = null;
    this.close();
  }

  /** Periodic pull: connect, let queued measurements arrive, sync records, disconnect. */
  pull(signal?: AbortSignal, progress?: Progress): Promise<number> {
    // A pull asked for while one runs (pairing and the scheduler at once) joins it.
    if (!this.pulling)
      this.pulling = this.pullOnce(signal, progress).finally(() => {
        this.pulling = null;
      });
    return this.pulling;
  }

  private async pullOnce(signal?: AbortSignal, progress?: Progress): Promise<number> {
    if (this.state === 'stopped') return 0;
    const own = !this.link;
    const link = this.link ?? (await this.open(progress));
    const onAbort = () => this.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(this.d.timeouts.settleMs, this.d.ctx.ports.clock, link.ac.signal);
      return await this.syncRecords();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (own && this.mode === 'periodic') this.close();
    }
  }

  /** The device keeps stored records behind a RACP (known once connected). */
  get hasRecords(): boolean {
    return !!this.link?.chars.has(RACP) && !!this.link.chars.has(GLUCOSE_MEASUREMENT);
  }

  /** Fetches stored records over the current link (0 when the device has none or is away). */
  async syncRecords(): Promise<number> {
    const link = this.link;
    const racp = link?.chars.get(RACP);
    if (!link || !racp || !link.chars.has(GLUCOSE_MEASUREMENT)) return 0;
    return this.records.sync(racp, link.ac.signal);
  }

  private async attempt(progress?: Progress): Promise<void> {
    if (this.state === 'stopped' || this.link) return;
    try {
      await this.open(progress);
      this.attempts = 0;
      progress?.('connected', true);
      await this.syncRecords().catch(() => undefined);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      progress?.('connect', true, msg);
      if ((this.state as SessionState) === 'stopped') return;
      this.d.log.info('connect failed', { device: this.id, error: msg, attempt: this.attempts });
      this.close();
      this.retry();
    }
  }

  /** After a system resume: a session waiting out its backoff tries again now. */
  wake(): void {
    if (this.state === 'stopped' || this.mode !== 'keep' || !this.timer) return;
    this.d.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = null;
    this.attempts = 0;
    void this.attempt();
  }

  private retry(): void {
    if (this.state === 'stopped' || this.mode !== 'keep' || this.timer) return;
    const delay = backoffDelay(this.attempts++, this.d.backoff, this.d.random());
    this.setState('waiting');
    this.timer = this.d.ctx.ports.clock.setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, delay);
    unref(this.timer);
  }

  private async open(progress?: Progress): Promise<Link> {
    const { clock } = this.d.ctx.ports;
    const { connectMs, opMs } = this.d.timeouts;
    const ac = new AbortController();
    this.opening = ac;
    this.setState('connecting');
    progress?.('searching');
    await this.d.heard(this.id, connectMs, ac.signal).finally(() => {
      if (this.opening === ac) this.opening = null;
    });
    if (this.state === 'stopped' || ac.signal.aborted) throw new Error('session stopped');
    const link: Link = { gatt: null, ac, chars: new Map(), closing: false };
    // Speed and cadence come from differences between notifications: never across a gap.
    this.decoderState = createDecoderState();
    this.link = link;
    const op = <T>(x: Promise<T>, what: string) => guarded(x, what, opMs, ac.signal, clock);
    progress?.('connecting');
    const gatt = await this.d.whileConnecting(this.id, () =>
      guardedConnect((attempt) => this.d.connect(this.id, attempt), connectMs, ac.signal, clock),
    );
    if (this.link !== link) {
      gatt.disconnect(); // stopped while the link came up
      throw new Error('session stopped');
    }
    link.gatt = gatt;
    gatt.onDisconnect((reason) => this.onLinkLost(link, reason));
    progress?.('discovering');
    const services = await op(gatt.services(), 'discover services');
    for (const s of services) {
      const chars = await op(s.characteristics(), `discover ${s.uuid}`);
      for (const c of chars) link.chars.set(c.uuid, c);
      const known = own(KNOWN_SERVICES, s.uuid);
      if (known && known.kind !== 'other' && this.kind === 'other') this.kind = known.kind;
    }
    progress?.('subscribing');
    for (const [uuid, c] of link.chars) {
      const pushes = c.properties.includes('notify') || c.properties.includes('indicate');
      if (!pushes || (!isKnownCharacteristic(uuid) && uuid !== RACP)) continue;
      await op(
        c.subscribe((data) => this.onData(link, uuid, data)),
        `subscribe ${uuid}`,
      );
    }
    progress?.('reading');
    const patch = await readDeviceInfo(link.chars, op, (u, data, err) =>
      this.warnDecode(u, data, err),
    );
    const battery = link.chars.get('2a19');
    if (battery?.properties.includes('read'))
      this.onData(link, '2a19', await op(battery.read(), 'read battery'));
    await setDeviceTime(link.chars, op, clock.now());
    this.upsert({ ...patch, online: true, rssi: gatt.rssi });
    this.lastSeen = clock.now();
    this.setState('connected');
    this.d.log.info('connected', { device: this.id, kind: this.kind });
    void watchRssi(gatt, ac.signal, clock, this.d.timeouts.rssiMs, (rssi) => {
      const dev = this.d.ctx.devices.get(this.id);
      if (Math.abs((dev?.rssi ?? 0) - rssi) >= 3) this.d.ctx.devices.upsert({ id: this.id, rssi });
    });
    return link;
  }

  private onData(link: Link, uuid: string, data: Buffer): void {
    if (this.link !== link) return;
    const now = this.d.ctx.ports.clock.now();
    this.lastSeen = now;
    if (uuid === RACP || uuid === GLUCOSE_MEASUREMENT) {
      this.records.onData(uuid, data);
      // A new record announced live is fetched through the RACP, so the cursor stays exact.
      if (this.records.pending && !this.records.busy && this.connected)
        void this.syncRecords().catch(() => undefined);
      return;
    }
    let values;
    try {
      values = decodeCharacteristic(uuid, data, this.decoderState).values;
    } catch (err) {
      this.warnDecode(uuid, data, err);
      return;
    }
    const readings = toReadings(values, {
      deviceId: this.id,
      source: 'ble',
      gateway: this.d.ctx.gatewayId(),
      now,
      keyOf: gattKeyOf(uuid, link.chars),
    });
    this.d.ctx.readings.publish(readings);
  }

  private warnDecode(uuid: string, data: Buffer, err: unknown): void {
    this.d.log.warn('decode failed', {
      device: this.id,
      characteristic: uuid,
      hex: err instanceof DecodeError ? err.hex : data.toString('hex'),
      error: err instanceof Error ? err.message : String(err),
    });
  }

  private onLinkLost(link: Link, reason: unknown): void {
    if (this.link !== link) return;
    this.link = null;
    link.ac.abort();
    if (this.state === 'stopped') return;
    this.setState('idle');
    if (link.closing) return;
    this.d.log.info('link lost', { device: this.id, reason: String(reason) });
    this.retry();
  }

  /** Closes the current link on purpose (no reconnect follows). */
  private close(): void {
    const link = this.link;
    if (!link) return;
    link.closing = true;
    // Aborting the link's signal (in onLinkLost) also calls off a connect still under way.
    link.gatt?.disconnect();
    // Detach now rather than on noble's disconnect event, so a retry never waits on a stale link.
    this.onLinkLost(link, 'closed');
  }

  private upsert(patch: Partial<DevicePatch>): void {
    const known = this.d.ctx.devices.get(this.id)?.capabilities ?? [];
    const caps = capabilitiesOf(this.link?.chars.keys() ?? []);
    this.d.ctx.devices.upsert({
      id: this.id,
      transport: 'ble',
      source: 'ble',
      kind: this.kind,
      name: this.name || undefined,
      capabilities: [...new Set([...known, ...caps])],
      paired: true,
      lastSeen: this.d.ctx.ports.clock.now(),
      gateways: [this.d.ctx.gatewayId()],
      ...patch,
    });
  }

  private setState(s: SessionState): void {
    if (this.state === s || (this.state === 'stopped' && s !== 'stopped')) return;
    this.state = s;
    this.d.onState(this);
  }
}
