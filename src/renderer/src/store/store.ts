import type { HomebeatApi } from '../../../shared/api';
import type {
  Alert,
  CommandState,
  EngineStatus,
  EventBatch,
  JobState,
  LogEntry,
  NotificationPayload,
  ScanResult,
} from '../../../shared/contract/index';
import type { Device, Reading } from '../../../shared/model';
import type { Metric } from '../../../shared/metrics';
import type { Settings } from '../../../shared/settings';
import type { Bridge, LinkState } from '../bridge/index';
import { sparkEntity } from './primary';

const HOUR = 3_600_000;
/** Sparkline points kept per device: one hour, thinned so a 10 Hz sensor does not grow it. */
const SPARK_MAX = 240;
/** Live readings kept for the open device page, per entity. */
const LIVE_MAX = 5000;

export interface DeviceEntry {
  device: Device;
  /** The entity the card's sparkline draws (its key) and what it measures. */
  sparkEntity?: string;
  sparkMetric?: Metric;
  sparkTs: number[];
  sparkValues: number[];
}

export interface PairStep {
  id: string;
  step: string;
  done: boolean;
  error?: string;
}

type Listener = () => void;

/**
 * All live state, outside React: pages read it with useSyncExternalStore through topic
 * subscriptions ("dev:<id>", "list", "status", ...), so one device's change wakes only the
 * components that show that device. Every event batch is applied, then each touched topic is
 * notified once.
 */
export class Store {
  link: LinkState;
  status: EngineStatus | null = null;
  settings: Settings | null = null;
  readonly entries = new Map<string, DeviceEntry>();
  private listCache: Device[] | null = null;
  listLoaded = false;
  listError: string | null = null;
  commands = new Map<string, CommandState>();
  scanResults = new Map<string, ScanResult>();
  pairSteps: PairStep[] = [];
  alerts: Alert[] = [];
  log: LogEntry[] = [];
  jobs: JobState[] = [];
  notifications: NotificationPayload[] = [];
  /** Opens a route ("/device/<id>"); set by the page, so the store stays free of the DOM. */
  onNavigate?: (route: string) => void;
  /** Bumped on every (re)synchronisation; pages re-fetch their own data when it changes. */
  epoch = 0;
  private readonly live = new Map<string, { ts: number[]; values: number[] }>();
  private watched: string | null = null;
  private readonly topics = new Map<string, Set<Listener>>();
  private readonly dirty = new Set<string>();
  private readonly sparkRequested = new Set<string>();

  /** Called for each notification the engine pushes (the browser host shows them). */
  onNotification?: (n: NotificationPayload) => void;

  constructor(
    readonly api: HomebeatApi,
    private readonly bridge?: Pick<Bridge, 'onLink' | 'linkState'>,
  ) {
    this.link = bridge?.linkState() ?? 'open';
  }

  start(): () => void {
    const offEvents = this.api.onEvents((b) => this.apply(b));
    const offLink =
      this.bridge?.onLink((s) => {
        this.link = s;
        this.touch('link');
        if (s === 'open') void this.resync();
        this.flush();
      }) ?? (() => {});
    if (this.link === 'open') void this.resync();
    return () => {
      offEvents();
      offLink();
    };
  }

  /** Re-reads everything the server holds: after the first connect and after every reconnect. */
  async resync(): Promise<void> {
    const [st, devs, settings] = await Promise.all([
      this.api.getStatus(),
      this.api.listDevices(),
      this.api.getSettings(),
    ]);
    if (st.ok) this.setStatus(st.value);
    if (settings.ok) this.setSettings(settings.value);
    if (devs.ok) {
      const seen = new Set<string>();
      for (const d of devs.value) {
        seen.add(d.id);
        this.upsert(d);
      }
      for (const id of [...this.entries.keys()]) if (!seen.has(id)) this.remove(id);
      this.listLoaded = true;
      this.listError = null;
    } else {
      this.listError = devs.error.message;
    }
    this.sparkRequested.clear();
    this.epoch++;
    this.touch('list');
    this.touch('epoch');
    this.flush();
  }

  apply(b: EventBatch): void {
    if (b.status) this.setStatus(b.status);
    if (b.devicesChanged) {
      for (const d of b.devicesChanged.upserted) this.upsert(d);
      for (const id of b.devicesChanged.removed) this.remove(id);
    }
    if (b.readings) this.addReadings(b.readings);
    if (b.commandState) {
      const next = new Map(this.commands);
      for (const c of b.commandState) next.set(c.id, c);
      this.commands = capCommands(next);
      this.touch('commands');
    }
    if (b.scanResults) {
      const next = new Map(this.scanResults);
      for (const r of b.scanResults) next.set(r.id, r);
      this.scanResults = next;
      this.touch('scan');
    }
    if (b.pairProgress) {
      this.pairSteps = this.pairSteps.concat(b.pairProgress).slice(-200);
      this.touch('pair');
    }
    if (b.alerts) {
      // Kept newest first (batches come oldest first). An alert the page's listAlerts already
      // returned (it is stored before it is pushed) is not shown twice.
      const known = new Set(this.alerts.map((a) => a.id));
      const fresh = b.alerts.filter((a) => !known.has(a.id)).reverse();
      if (fresh.length) {
        this.alerts = fresh.concat(this.alerts).slice(0, 500);
        this.touch('alerts');
      }
    }
    if (b.log) {
      this.log = b.log.slice().reverse().concat(this.log).slice(0, 2000);
      this.touch('log');
    }
    if (b.jobs) this.setJobs(b.jobs);
    // The shell asks to show a page (a notification was clicked).
    if (b.navigate) this.onNavigate?.(b.navigate.route);
    if (b.notification) {
      for (const n of b.notification) this.onNotification?.(n);
      this.notifications = b.notification.concat(this.notifications).slice(0, 50);
      this.touch('notifications');
    }
    this.flush();
  }

  setStatus(s: EngineStatus): void {
    this.status = s;
    if (s.jobs?.length) this.setJobs(s.jobs);
    this.touch('status');
  }

  setSettings(s: Settings): void {
    this.settings = s;
    this.touch('settings');
    this.flush();
  }

  setJobs(jobs: JobState[]): void {
    const m = new Map(this.jobs.map((j) => [j.name, j]));
    for (const j of jobs) m.set(j.name, j);
    this.jobs = [...m.values()];
    this.touch('jobs');
  }

  replaceScanResults(list: ScanResult[]): void {
    this.scanResults = new Map(list.map((r) => [r.id, r]));
    this.touch('scan');
    this.flush();
  }

  replaceAlerts(list: Alert[]): void {
    this.alerts = list.slice().sort((a, b) => b.ts - a.ts);
    this.touch('alerts');
    this.flush();
  }

  replaceLog(list: LogEntry[]): void {
    this.log = list.slice().sort((a, b) => b.ts - a.ts);
    this.touch('log');
    this.flush();
  }

  setCommand(c: CommandState): void {
    this.commands = capCommands(new Map(this.commands).set(c.id, c));
    this.touch('commands');
    this.flush();
  }

  dismissNotification(id: string): void {
    this.notifications = this.notifications.filter((n) => n.id !== id);
    this.touch('notifications');
    this.flush();
  }

  deviceList(): Device[] {
    if (!this.listCache) this.listCache = [...this.entries.values()].map((e) => e.device);
    return this.listCache;
  }

  /** The device page asks for live points of one device; others are not kept. */
  watch(id: string | null): void {
    this.watched = id;
    this.live.clear();
  }

  /** Live points of one entity (by key) of the watched device. */
  liveSeries(id: string, entity: string): { ts: number[]; values: number[] } | undefined {
    return id === this.watched ? this.live.get(entity) : undefined;
  }

  /** Loads a card's last hour once, when it first becomes visible. */
  async loadSpark(id: string): Promise<void> {
    const e = this.entries.get(id);
    const key = `${id}\n${e?.sparkEntity}`;
    if (!e?.sparkEntity || !e.sparkMetric || this.sparkRequested.has(key)) return;
    this.sparkRequested.add(key);
    const to = Date.now();
    const r = await this.api.querySeries({
      deviceId: id,
      metric: e.sparkMetric,
      entity: e.sparkEntity,
      from: to - HOUR,
      to,
      points: 120,
    });
    const cur = this.entries.get(id);
    if (!r.ok || !cur || cur.sparkEntity !== e.sparkEntity) return;
    // Keep live points newer than what the history had.
    const last = r.value.ts[r.value.ts.length - 1] ?? 0;
    const ts = r.value.ts.slice();
    const values = r.value.values.slice();
    cur.sparkTs.forEach((t, i) => {
      if (t > last) {
        ts.push(t);
        values.push(cur.sparkValues[i]);
      }
    });
    this.entries.set(id, { ...cur, sparkTs: ts, sparkValues: values });
    this.touch(`dev:${id}`);
    this.flush();
  }

  subscribe(topic: string, l: Listener): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0) this.topics.delete(topic);
    };
  }

  private upsert(d: Device): void {
    const prev = this.entries.get(d.id);
    const spark = sparkEntity(d);
    if (!prev || prev.sparkEntity !== spark?.key) {
      this.entries.set(d.id, {
        device: d,
        sparkEntity: spark?.key,
        sparkMetric: spark?.metric,
        sparkTs: [],
        sparkValues: [],
      });
      this.listChanged();
    } else {
      if (listFieldsDiffer(prev.device, d)) this.listChanged();
      this.entries.set(d.id, { ...prev, device: d });
    }
    this.touch(`dev:${d.id}`);
  }

  private remove(id: string): void {
    if (!this.entries.delete(id)) return;
    this.listChanged();
    this.touch(`dev:${id}`);
  }

  private listChanged(): void {
    this.listCache = null;
    this.touch('list');
  }

  private addReadings(rs: Reading[]): void {
    const cutoff = Date.now() - HOUR;
    const changed = new Map<string, DeviceEntry>();
    for (const r of rs) {
      if (r.value === null) continue;
      const key = r.entity ?? r.metric;
      if (r.deviceId === this.watched) {
        let s = this.live.get(key);
        if (!s) this.live.set(key, (s = { ts: [], values: [] }));
        s.ts.push(r.ts);
        s.values.push(r.value);
        if (s.ts.length > LIVE_MAX) {
          s.ts.splice(0, s.ts.length - LIVE_MAX);
          s.values.splice(0, s.values.length - LIVE_MAX);
        }
        this.touch(`live:${r.deviceId}`);
      }
      const e = changed.get(r.deviceId) ?? this.entries.get(r.deviceId);
      if (!e || e.sparkEntity !== key || r.ts < cutoff) continue;
      const copy = changed.get(r.deviceId) ?? {
        ...e,
        sparkTs: e.sparkTs.slice(),
        sparkValues: e.sparkValues.slice(),
      };
      copy.sparkTs.push(r.ts);
      copy.sparkValues.push(r.value);
      changed.set(r.deviceId, copy);
    }
    for (const [id, e] of changed) {
      let drop = 0;
      while (drop < e.sparkTs.length && e.sparkTs[drop] < cutoff) drop++;
      if (e.sparkTs.length - drop > SPARK_MAX) drop = e.sparkTs.length - SPARK_MAX;
      if (drop) {
        e.sparkTs.splice(0, drop);
        e.sparkValues.splice(0, drop);
      }
      this.entries.set(id, e);
      this.touch(`dev:${id}`);
    }
  }

  private touch(topic: string): void {
    this.dirty.add(topic);
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const topics = [...this.dirty];
    this.dirty.clear();
    for (const t of topics) {
      const set = this.topics.get(t);
      if (set) for (const l of [...set]) l();
    }
  }
}

/** Fields the overview groups, filters or sorts by: a change re-renders the list, not just a card. */
function listFieldsDiffer(a: Device, b: Device): boolean {
  return (
    a.name !== b.name ||
    a.room !== b.room ||
    a.kind !== b.kind ||
    a.transport !== b.transport ||
    a.online !== b.online ||
    a.paired !== b.paired ||
    a.source !== b.source
  );
}

/** The newest 500 commands: enough for every control's last state, bounded under automations. */
function capCommands(m: Map<string, CommandState>): Map<string, CommandState> {
  if (m.size <= 500) return m;
  return new Map([...m.entries()].sort((a, b) => a[1].ts - b[1].ts).slice(-500));
}
