import type { EventEmitter } from 'node:events';
import type { BleStatus } from '../../../shared/contract/ble.js';
import type { DeviceKind, Transport } from '../../../shared/model.js';
import type { EngineContext, Handlers, ServiceFactory } from '../context.js';
import type { Logger } from '../logging.js';
import type { BleApi, SchedulerApi } from '../services.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { unref } from './gatt.js';
import { bleHandlers } from './handlers.js';
import { loadNoble } from './noble-loader.js';
import type { Peripheral } from './noble-loader.js';
import { bindKeySecret, BthomeReceiver } from './passive.js';
import { BTHOME_UUID, Scanner } from './scanner.js';
import { DeviceSession, type Progress, type SessionDeps } from './session.js';
import { createSimWorld, type SimWorld } from './sim/world.js';

export interface BleServiceOptions {
  /** A noble bindings object to use instead of the HCI stack (the simulated radio in tests). */
  binding?: EventEmitter;
  /** A simulated household; default in simulate mode. Its radio is the binding. */
  world?: SimWorld;
  /** Replaces the module loader (tests of noble failing to load). */
  require?: NodeJS.Require;
  /** In simulate mode, pair the demo devices when nothing is paired yet (default true). */
  prePair?: boolean;
  backoff?: Partial<BackoffOptions>;
  timeouts?: Partial<SessionDeps['timeouts']>;
  random?: () => number;
  presenceCheckMs?: number;
}

/**
 * The BLE service: noble loaded lazily (no Bluetooth stack becomes the adapter state
 * "unavailable", never a crash), a scanner, a session per paired GATT device, passive BTHome
 * sensors, presence, and periodic pulls through the scheduler.
 */
export class BleService implements BleApi {
  readonly name = 'ble';
  readonly handlers: Partial<Handlers>;
  readonly sessions = new Map<string, DeviceSession>();
  readonly log: Logger;
  world: SimWorld | null = null;
  scanner: Scanner | null = null;
  unavailable: string | null = null;
  /** Pair requests waiting for their session, to report its progress. */
  readonly pairing = new Map<string, Progress>();
  private bthome: BthomeReceiver;
  private ownWorld = false;
  private paused = false;
  private loaded = false;
  private offSettings: (() => void) | null = null;
  private presenceTimer: unknown = null;
  private readonly seenAt = new Map<string, number>();
  /** Registered pull jobs and their period, so only a change re-registers. */
  private readonly jobs = new Map<string, number>();
  private readonly deps: SessionDeps;
  private readonly transport: Transport;

  constructor(
    readonly ctx: EngineContext,
    private readonly opts: BleServiceOptions = {},
  ) {
    this.log = ctx.log('ble');
    this.handlers = bleHandlers(this);
    this.transport = opts.binding || opts.world || ctx.simulate ? 'simulated' : 'ble';
    this.bthome = new BthomeReceiver(ctx, ctx.log('ble.bthome'), this.transport);
    this.deps = {
      ctx,
      log: ctx.log('ble.session'),
      transport: this.transport,
      findPeripheral: (id, ms, signal) => {
        if (!this.scanner) return Promise.reject(new Error('Bluetooth unavailable'));
        return this.scanner.waitFor(id, ms, signal);
      },
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      timeouts: { connectMs: 15_000, opMs: 10_000, settleMs: 1_000, ...opts.timeouts },
      random: opts.random ?? Math.random,
      onState: () => this.pushStatus(),
    };
  }

  start(): void {
    this.paused = this.ctx.settings.get().schedule.paused;
    this.offSettings = this.ctx.settings.onChange(() => this.reconcile());
    this.reconcile();
    this.armPresence();
  }

  dispose(): void {
    this.offSettings?.();
    this.ctx.ports.clock.clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    for (const s of this.sessions.values()) s.stop();
    this.sessions.clear();
    const scheduler = this.ctx.service<SchedulerApi>('scheduler');
    for (const j of this.jobs.keys()) scheduler?.unregister(j);
    this.jobs.clear();
    this.scanner?.dispose();
    this.scanner = null;
    if (this.ownWorld) this.world?.radio.dispose();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.reconcile();
  }

  /** Record syncs of connected devices now; pulls too when no scheduler runs them. */
  async syncNow(): Promise<string[]> {
    const started: string[] = [];
    const scheduler = this.ctx.service<SchedulerApi>('scheduler');
    for (const s of this.sessions.values()) {
      if (s.mode === 'periodic' && !scheduler) {
        started.push(`ble-pull:${s.id}`);
        void this.pull(s.id).catch((e) =>
          this.log.info('pull failed', { device: s.id, error: String(e) }),
        );
      } else if (s.connected && s.mode === 'keep') {
        started.push(`ble-sync:${s.id}`);
        void s.syncRecords().catch(() => undefined);
      }
    }
    return started;
  }

  /** Connect, sync, disconnect: the periodic job of a 'periodic' device. */
  async pull(id: string, signal?: AbortSignal): Promise<void> {
    if (!this.scanner) throw new Error(this.unavailable ?? 'Bluetooth unavailable');
    let s = this.sessions.get(id);
    if (!s) {
      const ac = new AbortController();
      const p = await this.scanner.waitFor(id, this.deps.timeouts.connectMs, signal ?? ac.signal);
      s = this.ensureSession(id, p) ?? undefined;
      if (!s) return; // a passive sensor: nothing to pull
    }
    await s.pull(signal);
  }

  /** A new bind key is tried on the sensor's next packet. */
  resetBthome(id: string): void {
    this.bthome.reset(id);
  }

  /** Brings noble, scanning, sessions and jobs in line with settings and pause. */
  reconcile(): void {
    if (!this.ctx.settings.get().ble.enabled) {
      this.stopSessions(() => true);
      this.scanner?.setWanted('background', false);
      this.scanner?.setWanted('user', false);
      return this.pushStatus();
    }
    if (!this.loaded) this.load();
    // Read after loading: pre-pairing may just have changed them.
    const s = this.ctx.settings.get().ble;
    const paired = new Map(s.paired.map((p) => [p.id, p]));
    const active = !this.paused;
    this.stopSessions((id) => !active || !paired.has(id));
    for (const p of paired.values()) {
      const sess = this.sessions.get(p.id);
      if (sess) {
        sess.name = p.name;
        if (sess.mode !== p.mode) {
          sess.mode = p.mode;
          if (p.mode === 'keep') sess.start();
        }
      }
      if (!this.ctx.devices.get(p.id))
        this.ctx.devices.upsert({
          id: p.id,
          name: p.name || undefined,
          transport: this.transport,
          source: this.scanner?.get(p.id)?.services.includes(BTHOME_UUID) ? 'bthome' : 'ble',
          kind: (this.scanner?.get(p.id)?.kind as DeviceKind | undefined) ?? 'other',
          paired: true,
          online: false,
          gateways: [this.ctx.gatewayId()],
        });
      const p0 = active ? this.scanner?.peripherals.get(p.id) : undefined;
      if (p0) this.ensureSession(p.id, p0);
    }
    this.syncJobs(active ? s.paired.filter((p) => p.mode === 'periodic').map((p) => p.id) : []);
    this.scanner?.setWanted('background', active && paired.size > 0);
    this.pushStatus();
  }

  pushStatus(): void {
    const s = this.ctx.settings.get().ble;
    const sc = this.scanner;
    const ble: BleStatus = {
      adapter: this.unavailable
        ? 'unavailable'
        : !s.enabled
          ? 'poweredOff'
          : (sc?.adapter ?? 'idle'),
      simulated: this.transport === 'simulated',
      connected: [...this.sessions.values()].filter((x) => x.connected).length,
      paired: s.paired.length,
    };
    const reason = this.unavailable ?? (!s.enabled ? 'Bluetooth is off in settings' : sc?.reason);
    if (reason) ble.reason = reason;
    this.ctx.setStatus({ ble });
  }

  /** The session of a paired GATT device, created on its first advertisement. */
  ensureSession(id: string, p: Peripheral): DeviceSession | null {
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const paired = this.ctx.settings.get().ble.paired.find((x) => x.id === id);
    if (!paired || this.paused || isPassive(p)) return null;
    const name = paired.name || p.advertisement?.localName || '';
    const sess = new DeviceSession(id, paired.mode, name, this.deps);
    this.sessions.set(id, sess);
    const progress = this.pairing.get(id);
    this.pairing.delete(id);
    if (paired.mode === 'keep') sess.start(progress);
    else if (progress)
      void sess.pull().then(
        () => progress('synced', true),
        (e: unknown) => progress('sync', true, e instanceof Error ? e.message : String(e)),
      );
    return sess;
  }

  private load(): void {
    this.loaded = true; // before anything that may re-enter reconcile (pre-pairing saves settings)
    if (this.ctx.simulate && !this.opts.binding && !this.opts.world) {
      this.world = createSimWorld();
      this.ownWorld = true;
    } else this.world = this.opts.world ?? null;
    const binding = this.opts.binding ?? this.world?.radio;
    const res = loadNoble({ binding, require: this.opts.require });
    if (!res.ok) {
      this.unavailable = res.reason;
      this.log.warn('Bluetooth unavailable; everything else runs on', { reason: res.reason });
      return;
    }
    this.scanner = new Scanner({
      ctx: this.ctx,
      log: this.ctx.log('ble.scan'),
      noble: res.noble,
      onAdvert: (id, p) => this.onAdvert(id, p),
      onAdapter: () => this.pushStatus(),
      isPaired: (id) => this.ctx.settings.get().ble.paired.some((x) => x.id === id),
      restartMs: () => this.ctx.settings.get().ble.scanRestartSec * 1000,
    });
    this.scanner.start();
    if (this.world && this.opts.prePair !== false) this.prePair(this.world);
  }

  /** A fresh demo shows data at once: pair the simulated wearables (one is left for pairing). */
  private prePair(w: SimWorld): void {
    const s = this.ctx.settings.get();
    if (s.ble.paired.length > 0) return;
    for (const [mac, key] of Object.entries(w.bindKeys))
      this.ctx.ports.secrets.set(bindKeySecret(mac), key);
    this.ctx.settings.replace({
      ...s,
      ble: {
        ...s.ble,
        paired: w.demoPairing,
        bthomeKeys: [...new Set([...s.ble.bthomeKeys, ...Object.keys(w.bindKeys)])],
      },
    });
    this.log.info('simulation: paired the demo devices', { count: w.demoPairing.length });
  }

  private onAdvert(id: string, p: Peripheral): void {
    const paired = this.ctx.settings.get().ble.paired.some((x) => x.id === id);
    if (!paired || this.paused) return;
    const now = this.ctx.ports.clock.now();
    this.seenAt.set(id, now);
    // Back in range, or a real change of signal (RSSI jitters by a few dB on every packet).
    const dev = this.ctx.devices.get(id);
    if (dev && (!dev.online || Math.abs((dev.rssi ?? 0) - p.rssi) >= 5))
      this.ctx.devices.upsert({ id, online: true, rssi: p.rssi, lastSeen: now });
    const bthome = p.advertisement?.serviceData?.find((d) => d.uuid.toLowerCase() === BTHOME_UUID);
    if (bthome) this.bthome.handle(id, p.advertisement.localName ?? '', bthome.data, p.rssi);
    else this.ensureSession(id, p);
  }

  /** Away after presenceTimeoutSec without an advertisement, a notification or a link. */
  private armPresence(): void {
    const { clock } = this.ctx.ports;
    const every = this.opts.presenceCheckMs ?? 5000;
    this.presenceTimer = clock.setTimeout(() => {
      const timeout = this.ctx.settings.get().ble.presenceTimeoutSec * 1000;
      const now = clock.now();
      for (const p of this.ctx.settings.get().ble.paired) {
        const sess = this.sessions.get(p.id);
        if (sess?.connected) continue;
        const seen = Math.max(this.seenAt.get(p.id) ?? 0, sess?.lastSeen ?? 0);
        const dev = this.ctx.devices.get(p.id);
        if (dev?.online && seen > 0 && now - seen > timeout) {
          this.ctx.devices.upsert({ id: p.id, online: false });
          this.log.info('device away', {
            device: p.id,
            silentSec: Math.round((now - seen) / 1000),
          });
        }
      }
      this.armPresence();
    }, every);
    unref(this.presenceTimer);
  }

  private syncJobs(ids: string[]): void {
    const scheduler = this.ctx.service<SchedulerApi>('scheduler');
    if (!scheduler) return;
    const want = new Set(ids.map((id) => `ble-pull:${id}`));
    for (const j of this.jobs.keys())
      if (!want.has(j)) {
        scheduler.unregister(j);
        this.jobs.delete(j);
      }
    const everyMs = this.ctx.settings.get().schedule.pullIntervalMin * 60_000;
    for (const id of ids) {
      const name = `ble-pull:${id}`;
      if (this.jobs.get(name) === everyMs) continue;
      scheduler.register({
        name,
        kind: 'periodic',
        everyMs,
        initialDelayMs: 2_000,
        sync: true,
        backoff: { policy: 'exponential', baseMs: 30_000, capMs: everyMs },
        timeoutMs: 120_000,
        run: (signal) => this.pull(id, signal),
      });
      this.jobs.set(name, everyMs);
    }
  }

  private stopSessions(which: (id: string) => boolean): void {
    for (const [id, s] of this.sessions)
      if (which(id)) {
        s.stop();
        this.sessions.delete(id);
      }
  }
}

/** A BTHome sensor or anything that cannot be connected is handled from its advertisements. */
function isPassive(p: Peripheral): boolean {
  const data = p.advertisement?.serviceData ?? [];
  return p.connectable === false || data.some((d) => d.uuid.toLowerCase() === BTHOME_UUID);
}

export const bleService =
  (opts: BleServiceOptions = {}): ServiceFactory =>
  (ctx: EngineContext) =>
    new BleService(ctx, opts);
