import type { HomebeatApi } from '../../../shared/api';
import type { EngineStatus, EventBatch } from '../../../shared/contract/index';
import type { Device, DeviceKind, Reading } from '../../../shared/model';
import type { Metric } from '../../../shared/metrics';
import { defaultSettings } from '../../../shared/settings';
import type { Result } from '../../../shared/result';
import type { Bridge } from '../bridge/index';

/**
 * A synthetic engine for the dashboard benchmark (loaded only with ?bench): N devices, and a
 * stream of readings at a chosen rate, delivered as the engine would (one coalesced batch per
 * 50 ms, the readings plus the devices they changed, through JSON as over the socket).
 */
const KINDS: [DeviceKind, Metric][] = [
  ['heart_rate', 'heart_rate'],
  ['thermometer', 'temperature'],
  ['sensor', 'humidity'],
  ['scale', 'weight'],
  ['pulse_oximeter', 'spo2'],
  ['cycling', 'power'],
  ['light', 'brightness'],
  ['switch', 'power'],
];
const ROOMS = ['Living room', 'Kitchen', 'Bedroom', 'Office', 'Garage', 'Hall', 'Garden', 'Bath'];

interface BenchState {
  firstRenderMs?: number;
  allCardsMs?: number;
  sinceNavigationMs?: number;
  stream?: (rate: number, seconds: number) => Promise<StreamResult>;
}
export interface StreamResult {
  messages: number;
  batches: number;
  longTasks: number;
  longestTaskMs: number;
  maxFrameGapMs: number;
  seconds: number;
}

export function createBenchBridge(): Bridge {
  const params = new URLSearchParams(location.search);
  const n = Number(params.get('devices') ?? 1000);
  const now = Date.now();
  const devices = new Map<string, Device>();
  for (let i = 0; i < n; i++) {
    const [kind, metric] = KINDS[i % KINDS.length];
    const id = `bench-${i.toString().padStart(4, '0')}`;
    devices.set(id, {
      id,
      transport: i % 3 === 0 ? 'ble' : 'mqtt',
      source: i % 3 === 0 ? 'ble' : 'zigbee2mqtt',
      kind,
      name: `${kind.replace('_', ' ')} ${i}`,
      room: ROOMS[i % ROOMS.length],
      capabilities: [metric, 'battery'],
      online: i % 17 !== 0,
      lastSeen: now - (i % 600) * 1000,
      battery: 20 + (i % 80),
      gateways: ['bench'],
      latest: { [metric]: { metric, value: 50 + (i % 50), unit: '', ts: now } },
    });
  }
  const ids = [...devices.keys()];
  const listeners = new Set<(b: EventBatch) => void>();
  const status: EngineStatus = {
    version: 'bench',
    gatewayId: 'bench',
    dataDir: '(synthetic)',
    state: 'running',
    health: 'ok',
    healthReasons: [],
    startedAt: now,
    lastSyncAt: now,
    deviceCount: n,
    simulated: true,
    ble: { adapter: 'idle', simulated: true, connected: 0, paired: 0 },
    mqtt: { state: 'connected', outboxPending: 0 },
    jobs: [],
  };
  const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const bench: BenchState = {};
  (window as unknown as { __bench: BenchState }).__bench = bench;

  const handlers: Record<string, (input: unknown) => Promise<Result<unknown>>> = {
    getStatus: () => ok(status),
    listDevices: () => {
      const t0 = performance.now();
      // First paint: the cards on screen drawn in full; then every card in the document.
      waitFor(() => !!document.querySelector('.card.full')).then((t1) => {
        bench.firstRenderMs = t1 - t0;
        bench.sinceNavigationMs = t1;
      });
      waitFor(() => document.querySelectorAll('.card').length >= n).then((t2) => {
        bench.allCardsMs = t2 - t0;
      });
      return ok([...devices.values()]);
    },
    getSettings: () => ok(defaultSettings()),
    querySeries: (input) => {
      const { deviceId, metric } = input as { deviceId: string; metric: Metric };
      const ts: number[] = [];
      const values: number[] = [];
      for (let t = Date.now() - 3_600_000; t < Date.now(); t += 60_000) {
        ts.push(t);
        values.push(60 + 20 * Math.sin(t / 600_000 + deviceId.length));
      }
      return ok({ deviceId, metric, unit: '', ts, values, rawCount: ts.length });
    },
  };
  const api = new Proxy({} as HomebeatApi, {
    get(_t, prop) {
      if (prop === 'onEvents')
        return (l: (b: EventBatch) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        };
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (input: unknown) =>
        handlers[prop]?.(input) ??
        Promise.resolve({
          ok: false,
          // Worded as the engine words a method it has no handler for.
          error: { code: 'unavailable', message: `${prop} is not available in this build` },
        });
    },
  });

  bench.stream = (rate, seconds) =>
    new Promise<StreamResult>((resolve) => {
      const res: StreamResult = {
        messages: 0,
        batches: 0,
        longTasks: 0,
        longestTaskMs: 0,
        maxFrameGapMs: 0,
        seconds,
      };
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          res.longTasks++;
          res.longestTaskMs = Math.max(res.longestTaskMs, e.duration);
        }
      });
      po.observe({ type: 'longtask' });
      let last = performance.now();
      let raf = 0;
      const frame = () => {
        const t = performance.now();
        res.maxFrameGapMs = Math.max(res.maxFrameGapMs, t - last);
        last = t;
        raf = requestAnimationFrame(frame);
      };
      raf = requestAnimationFrame(frame);
      const perBatch = Math.round((rate * 50) / 1000);
      let cursor = 0;
      const started = performance.now();
      const timer = setInterval(() => {
        const t = Date.now();
        const readings: Reading[] = [];
        const touched = new Map<string, Device>();
        for (let k = 0; k < perBatch; k++) {
          const id = ids[cursor++ % ids.length];
          const d = touched.get(id) ?? devices.get(id)!;
          const metric = d.capabilities[0];
          const value = Math.round((60 + 40 * Math.sin(t / 5000 + cursor)) * 10) / 10;
          readings.push({ deviceId: id, metric, value, unit: '', ts: t, source: 'bench' });
          const next = {
            ...d,
            lastSeen: t,
            latest: { ...d.latest, [metric]: { metric, value, unit: '', ts: t } },
          };
          touched.set(id, next);
          devices.set(id, next);
        }
        // Through JSON, as a socket message would arrive.
        const batch = JSON.parse(
          JSON.stringify({
            readings,
            devicesChanged: { upserted: [...touched.values()], removed: [] },
          }),
        ) as EventBatch;
        res.messages += readings.length;
        res.batches++;
        for (const l of listeners) l(batch);
        if (performance.now() - started >= seconds * 1000) {
          clearInterval(timer);
          // Let the last render and any long task be reported.
          setTimeout(() => {
            cancelAnimationFrame(raf);
            po.disconnect();
            resolve(res);
          }, 300);
        }
      }, 50);
    });

  return { api, kind: 'synthetic', onLink: () => () => {}, linkState: () => 'open' };
}

/** Resolves once `cond` holds and a frame has been painted after that. */
function waitFor(cond: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      if (cond()) requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
