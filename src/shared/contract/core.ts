import { z } from 'zod';
import type { Device, DevicesDelta, Reading } from '../model.js';
import type { Settings } from '../settings.js';
import { appendMerge, event, keyedMerge, method } from './define.js';

const mergeDevices = keyedMerge<Device>((d) => d.id);
import type { BleStatus } from './ble.js';
import type { MqttStatus } from './mqtt.js';
import type { JobState } from './scheduler.js';

export type Health = 'ok' | 'syncing' | 'attention';

export interface EngineStatus {
  version: string;
  gatewayId: string;
  state: 'starting' | 'running' | 'paused' | 'stopping' | 'stopped';
  /** The worst current state, shown by the tray icon. */
  health: Health;
  /** Why health is not ok, in words. */
  healthReasons: string[];
  startedAt: number;
  lastSyncAt: number | null;
  deviceCount: number;
  simulated: boolean;
  /** Where settings, history, secrets, logs and exports live on the engine's machine. */
  dataDir: string;
  ble: BleStatus;
  mqtt: MqttStatus;
  jobs: JobState[];
}

export interface LogEntry {
  ts: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  module: string;
  msg: string;
  /** e.g. the device and raw hex of a payload that failed to decode. */
  detail?: Record<string, unknown>;
}

export interface NotificationPayload {
  id: string;
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
  /** A dashboard route the click opens, e.g. "/device/aa:bb:cc:dd:ee:ff". */
  target?: string;
  ts: number;
}

const empty = z.object({}).strict().default({});

export const coreRequests = {
  getStatus: method<EngineStatus>()(empty),
  listDevices: method<Device[]>()(empty),
  getDevice: method<Device>()(z.object({ id: z.string().min(1).max(200) }).strict()),
  getSettings: method<Settings>()(empty),
  /** A deep-partial settings patch; validated against the full schema after merging. */
  updateSettings: method<Settings>()(z.record(z.string(), z.unknown())),
  syncNow: method<{ started: string[] }>()(empty),
  setPaused: method<{ paused: boolean }>()(z.object({ paused: z.boolean() }).strict()),
  getLog: method<LogEntry[]>()(
    z
      .object({
        limit: z.number().int().min(1).max(5000).default(200),
        level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
        module: z.string().max(100).optional(),
      })
      .strict()
      .default({ limit: 200 }),
  ),
};

export const coreEvents = {
  status: event<EngineStatus>(),
  devicesChanged: event<DevicesDelta>((a, b) => {
    const up = mergeDevices(a.upserted, b.upserted);
    if (b.removed.length) {
      const gone = new Set(b.removed);
      a.upserted = up.filter((d) => !gone.has(d.id));
      a.removed = [...new Set([...a.removed, ...b.removed])];
    } else a.upserted = up;
    if (a.removed.length && b.upserted.length) {
      const back = new Set(b.upserted.map((d) => d.id));
      a.removed = a.removed.filter((id) => !back.has(id));
    }
    return a;
  }),
  readings: event<Reading[]>(appendMerge<Reading>(5000)),
  log: event<LogEntry[]>(appendMerge<LogEntry>(500)),
  notification: event<NotificationPayload[]>(appendMerge<NotificationPayload>(50)),
  /** The host asks the dashboard to show a route (a notification was clicked, a tray item). */
  navigate: event<{ route: string }>(),
};
