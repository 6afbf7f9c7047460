import type { BleStatus } from '../../../shared/contract/ble.js';
import type { DeviceEvent, DeviceKind } from '../../../shared/model.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { BleApi, HistoryApi, SchedulerApi } from '../services.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { bleHandlers, type BleControl } from './handlers.js';
import { AdvertReceiver } from './advert-receiver.js';
import { ADVERT_FORMATS, type AdvertFormat } from './formats/index.js';
import type { Advertisement, Radio, RadioFactory } from './radio.js';
import { isLegacyChannel } from './advert-entities.js';
import { Presence } from './presence.js';
import { PullJobs } from './pull-jobs.js';
import { Scanner } from './scanner.js';
import type { DeviceSession, SessionDeps } from './session.js';
import { Sessions } from './sessions.js';

export interface BleServiceOptions {
  /**
   * Where advertisements and GATT links come from: the local adapter (noble-loader.ts's
   * nobleRadio) or another radio. Built when Bluetooth is first wanted.
   */
  radio: RadioFactory;
  /** The advertisement formats passive sensors are read in (default: ADVERT_FORMATS). */
  formats?: readonly AdvertFormat[];
  /** Runs the periodic pulls; without it, Sync now pulls directly. */
  scheduler?: SchedulerApi;
  /** Where stored records and their sync cursors are committed. */
  history?: HistoryApi;
  backoff?: Partial<BackoffOptions>;
  timeouts?: Partial<SessionDeps['timeouts']>;
  random?: () => number;
  presenceCheckMs?: number;
}

/**
 * The BLE service: a radio built lazily (no Bluetooth stack becomes the adapter state
 * "unavailable", never a crash), a scanner, a session per paired GATT device, passive sensors in
 * the advertisement formats, presence, and periodic pulls through the scheduler.
 */
export class BleService implements BleApi {
  readonly name = 'ble';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly log: Logger;
  private readonly sessions: Sessions;
  private scanner: Scanner | null = null;
  private radio: Radio | null = null;
  private readonly adverts: AdvertReceiver;
  private readonly eventListeners = new Set<(e: DeviceEvent) => void>();
  private paused = false;
  private loaded = false;
  /** Paired devices listed in the registry during this run. */
  private readonly announced = new Set<string>();
  private offSettings: (() => void) | null = null;
  private offResume: (() => void) | null = null;
  private readonly presence: Presence;
  private readonly jobs: PullJobs;
  private readonly connectMs: number;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: BleServiceOptions,
  ) {
    this.log = ctx.log('ble');
    this.dependsOn = [opts.history, opts.scheduler].filter((s) => s !== undefined);
    this.handlers = bleHandlers(this.control());
    this.presence = new Presence(ctx, this.log, opts.presenceCheckMs ?? 5000, (id) =>
      this.sessions.get(id),
    );
    this.jobs = new PullJobs(ctx, opts.scheduler, (id, signal) => this.pull(id, signal));
    this.adverts = new AdvertReceiver({
      ctx,
      log: ctx.log('ble.adverts'),
      formats: opts.formats ?? ADVERT_FORMATS,
      onEvent: (e) => {
        for (const l of this.eventListeners) {
          try {
            l(e);
          } catch (err) {
            this.log.error('a device event listener failed', { error: String(err) });
          }
        }
      },
    });
    const deps: SessionDeps = {
      ctx,
      history: opts.history,
      log: ctx.log('ble.session'),
      heard: (id, ms, signal) => {
        if (!this.scanner) return Promise.reject(new Error('Bluetooth unavailable'));
        return this.scanner.waitFor(id, ms, signal);
      },
      connect: (id, signal) => {
        if (!this.radio) return Promise.reject(new Error('Bluetooth unavailable'));
        return this.radio.connect(id, signal);
      },
      whileConnecting: (id, connect) =>
        this.scanner ? this.scanner.whileConnecting(id, connect) : connect(),
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      timeouts: {
        connectMs: 15_000,
        opMs: 10_000,
        settleMs: 1_000,
        rssiMs: 30_000,
        ...opts.timeouts,
      },
      random: opts.random ?? Math.random,
      onState: () => this.pushStatus(),
    };
    this.connectMs = deps.timeouts.connectMs;
    this.sessions = new Sessions(deps);
  }

  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  start(): void {
    // A sensor's extra values are its entities now, no longer devices of their own; the history
    // (started before this service) restored the old ones from its snapshots.
    for (const d of this.ctx.devices.list()) if (isLegacyChannel(d)) this.ctx.devices.remove(d.id);
    this.paused = this.ctx.settings.get().schedule.paused;
    this.offSettings = this.ctx.settings.onChange(() => this.reconcile());
    // After a sleep: scan afresh and reconnect now, not when a backoff or the watchdog says.
    this.offResume = this.ctx.ports.power.onResume(() => {
      if (this.paused) return;
      this.scanner?.restart();
      for (const s of this.sessions.all()) s.wake();
    });
    this.reconcile();
    this.presence.start();
  }

  dispose(): void {
    this.offSettings?.();
    this.offResume?.();
    this.presence.dispose();
    this.sessions.stop();
    this.jobs.dispose();
    this.scanner?.dispose();
    this.scanner = null;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.reconcile();
  }

  /** Record syncs of connected devices now; pulls too when no scheduler runs them. */
  async syncNow(): Promise<string[]> {
    const started: string[] = [];
    if (!this.opts.scheduler)
      for (const p of this.ctx.settings.get().ble.paired.filter((x) => x.mode === 'periodic')) {
        started.push(`ble-pull:${p.id}`);
        void this.pull(p.id).catch((e: unknown) =>
          this.log.info('pull failed', { device: p.id, error: String(e) }),
        );
      }
    for (const s of this.sessions.all())
      if (s.connected && s.mode === 'keep' && s.hasRecords) {
        started.push(`ble-sync:${s.id}`);
        void s.syncRecords().catch(() => undefined);
      }
    return started;
  }

  /** Connect, sync, disconnect: the periodic job of a 'periodic' device. */
  private async pull(id: string, signal?: AbortSignal): Promise<void> {
    const sc = this.scanner;
    if (!sc || sc.adapter === 'unavailable') throw new Error(sc?.reason ?? 'Bluetooth unavailable');
    let s = this.sessions.get(id);
    if (!s) {
      const ac = new AbortController();
      const a = await sc.waitFor(id, this.connectMs, signal ?? ac.signal);
      // A pull may run while paused: only Sync now starts one then (the user asked).
      s = this.ensureSession(id, a, true) ?? undefined;
      if (!s) return; // a passive sensor: nothing to pull
    }
    await s.pull(signal);
  }

  /** Brings the radio, scanning, sessions and jobs in line with settings and pause. */
  private reconcile(): void {
    if (!this.ctx.settings.get().ble.enabled) {
      this.sessions.stop();
      this.scanner?.setWanted('background', false);
      this.scanner?.setWanted('user', false);
      return this.pushStatus();
    }
    if (!this.loaded) this.load();
    const s = this.ctx.settings.get().ble;
    const paired = new Map(s.paired.map((p) => [p.id, p]));
    const active = !this.paused;
    this.sessions.stop((id) => !active || !paired.has(id));
    for (const id of this.announced) if (!paired.has(id)) this.announced.delete(id);
    for (const p of paired.values()) {
      const sess = this.sessions.get(p.id);
      if (sess) {
        sess.name = p.name;
        if (sess.mode !== p.mode) {
          sess.mode = p.mode;
          if (p.mode === 'keep') sess.start();
        }
      }
      if (!this.announced.has(p.id)) {
        // Listed at once; away until heard from in this run (a restored snapshot may say online).
        this.announced.add(p.id);
        const known = this.ctx.devices.get(p.id);
        const seen = this.scanner?.get(p.id);
        const last = this.scanner?.lastAdvert(p.id);
        this.ctx.devices.upsert({
          id: p.id,
          name: p.name || known?.name || undefined,
          transport: 'ble',
          source: known?.source ?? (last && this.adverts.match(last)?.source) ?? 'ble',
          kind: known?.kind ?? (seen?.kind as DeviceKind | undefined) ?? 'other',
          paired: true,
          online: false,
          gateways: [this.ctx.gatewayId()],
        });
      }
      const a = active ? this.scanner?.lastAdvert(p.id) : undefined;
      if (a) this.ensureSession(p.id, a);
    }
    // Jobs stay registered while paused: the scheduler pauses them itself and keeps their history.
    this.jobs.sync(s.paired.filter((p) => p.mode === 'periodic').map((p) => p.id));
    this.scanner?.setWanted('background', active && paired.size > 0);
    this.pushStatus();
  }

  private pushStatus(): void {
    const s = this.ctx.settings.get().ble;
    const sc = this.scanner;
    const unavailable = sc?.adapter === 'unavailable' ? (sc.reason ?? 'unavailable') : null;
    const ble: BleStatus = {
      adapter: unavailable ? 'unavailable' : !s.enabled ? 'poweredOff' : (sc?.adapter ?? 'idle'),
      simulated: this.radio?.simulated ?? false,
      connected: this.sessions.connectedCount,
      paired: s.paired.length,
    };
    const reason = unavailable ?? (!s.enabled ? 'Bluetooth is off in settings' : sc?.reason);
    if (reason) ble.reason = reason;
    this.ctx.setStatus({ ble });
  }

  /** The session of a paired GATT device, created on its first advertisement. */
  private ensureSession(id: string, a: Advertisement, evenPaused = false): DeviceSession | null {
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const paired = this.ctx.settings.get().ble.paired.find((x) => x.id === id);
    if (!paired || (this.paused && !evenPaused) || this.isPassive(a)) return null;
    return this.sessions.open(id, paired.mode, paired.name || a.name || '');
  }

  private load(): void {
    this.loaded = true;
    this.radio = this.opts.radio({ log: this.ctx.log('ble.radio') });
    this.scanner = new Scanner({
      ctx: this.ctx,
      log: this.ctx.log('ble.scan'),
      radio: this.radio,
      onAdvert: (a) => this.onAdvert(a),
      kindOf: (a) => (this.adverts.match(a) ? 'sensor' : undefined),
      onAdapter: () => this.pushStatus(),
      isPaired: (id) => this.ctx.settings.get().ble.paired.some((x) => x.id === id),
      restartMs: () => this.ctx.settings.get().ble.scanRestartSec * 1000,
      // Connected devices do not advertise: a silent scan is only suspect while one should.
      expecting: () =>
        this.ctx.settings.get().ble.paired.some((p) => !this.sessions.get(p.id)?.connected),
    });
    this.scanner.start();
  }

  private onAdvert(a: Advertisement): void {
    const id = a.address;
    const paired = this.ctx.settings.get().ble.paired.some((x) => x.id === id);
    if (!paired || this.paused) return;
    const now = this.ctx.ports.clock.now();
    this.presence.heard(id, now);
    // Back in range, or a real change of signal (RSSI jitters by a few dB on every packet).
    const dev = this.ctx.devices.get(id);
    if (dev && (!dev.online || Math.abs((dev.rssi ?? 0) - a.rssi) >= 5)) {
      this.ctx.devices.upsert({ id, online: true, rssi: a.rssi, lastSeen: now });
    }
    if (!this.adverts.handle(a)) this.ensureSession(id, a);
  }

  /** A sensor in an advertisement format, or anything that cannot be connected, is passive. */
  private isPassive(a: Advertisement): boolean {
    return !a.connectable || !this.radio?.canConnect || this.adverts.match(a) !== undefined;
  }

  /** What the request handlers may use: a narrow view, so they never reach into the service. */
  private control(): BleControl {
    return {
      ctx: this.ctx,
      log: this.log,
      scanner: () => this.scanner,
      isPassive: (a) => this.isPassive(a),
      pairingNote: (a) => this.adverts.pairingNote(a),
      reportPairing: (id, progress) => this.sessions.reportTo(id, progress),
      resetAdverts: (id) => this.adverts.reset(id),
    };
  }
}
