import { z } from 'zod';
import { isMetric } from './metrics.js';
import { rulesListSchema } from './contract/rules.js';

/**
 * One settings schema for both hosts (electron-store in the shell, conf in serve).
 * Secrets (MQTT password, BTHome bind keys) never live here: they go through the SecretStore port.
 */
const macAddress = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'must be a MAC address like aa:bb:cc:dd:ee:ff')
  .transform((s) => s.toLowerCase());

/** Topic segments users type: no wildcards, no empty levels at the ends. */
const topicBase = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[#+]/.test(s), 'must not contain MQTT wildcards (+ or #)')
  .refine((s) => !s.startsWith('/') && !s.endsWith('/'), 'must not start or end with /');

export const generalSettingsSchema = z
  .object({
    startAtLogin: z.boolean().default(false),
    startHidden: z.boolean().default(true),
    notifications: z.boolean().default(true),
    /** Identifies this Homebeat on a shared broker; generated on first start when empty. */
    gatewayId: z
      .string()
      .regex(/^[a-z0-9_-]{0,40}$/, 'may use a-z, 0-9, _ and - only (at most 40)')
      .default(''),
    theme: z.enum(['system', 'light', 'dark']).default('system'),
  })
  .strict();

export const pairedDeviceSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().max(100).default(''),
    /** keep: stay connected; periodic: connect, sync, disconnect on the schedule. */
    mode: z.enum(['keep', 'periodic']).default('keep'),
  })
  .strict();

export const bleSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    minRssi: z.number().int().min(-127).max(0).default(-100),
    allow: z.array(macAddress).max(500).default([]),
    deny: z.array(macAddress).max(500).default([]),
    presenceTimeoutSec: z.number().int().min(10).max(86_400).default(120),
    scanRestartSec: z.number().int().min(10).max(3600).default(90),
    paired: z.array(pairedDeviceSchema).max(200).default([]),
    /** Addresses of BTHome devices whose bind key is held in the secret store. */
    bthomeKeys: z.array(macAddress).max(200).default([]),
  })
  .strict();

export const mqttSettingsSchema = z
  .object({
    /** Empty host: run the embedded broker. */
    host: z.string().max(253).default(''),
    port: z.number().int().min(1).max(65_535).default(1883),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    tls: z.boolean().default(false),
    rejectUnauthorized: z.boolean().default(true),
    caFile: z.string().max(4096).default(''),
    certFile: z.string().max(4096).default(''),
    keyFile: z.string().max(4096).default(''),
    username: z.string().max(256).default(''),
    /** True when a password is stored in the secret store. */
    hasPassword: z.boolean().default(false),
    clientId: z.string().max(128).default(''),
    keepaliveSec: z.number().int().min(5).max(3600).default(30),
    cleanSession: z.boolean().default(false),
    discoveryPrefix: topicBase.default('homeassistant'),
    zigbee2mqttBase: topicBase.default('zigbee2mqtt'),
    bridgeWearables: z.boolean().default(true),
    /**
     * Incoming payloads larger than this are dropped before any handler sees them, per topic
     * family (mqtt/payload-caps.ts): ordinary states and everything else...
     */
    maxPayloadBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
    /** ...Home Assistant discovery configs (device-level ones list every component)... */
    maxDiscoveryPayloadBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    /** ...and Zigbee2MQTT's whole lists (`<base>/bridge/devices`, `bridge/groups`: ~4 KiB a device). */
    maxBridgePayloadBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    /** Messages per second when draining the outbox backlog. */
    outboxRatePerSec: z.number().int().min(1).max(100_000).default(500),
    /**
     * Messages the outbox keeps while the broker is away. Retained states coalesce (one per topic);
     * past the bound the oldest events are dropped, and the drops are logged and counted in the
     * status (see Outbox).
     */
    outboxMaxMessages: z.number().int().min(100).max(10_000_000).default(100_000),
    embedded: z
      .object({
        port: z.number().int().min(1).max(65_535).default(1883),
        /** Listen on all interfaces; requires username and a stored password. */
        lan: z.boolean().default(false),
        username: z.string().max(256).default(''),
      })
      .strict()
      .default({ port: 1883, lan: false, username: '' }),
  })
  .strict();

export const historySettingsSchema = z
  .object({
    retentionDays: z.number().int().min(1).max(3650).default(90),
    /** Per-metric overrides of retentionDays, keyed by canonical metric name. */
    retentionByMetric: z
      .record(z.string(), z.number().int().min(1).max(3650))
      .default({})
      .superRefine((r, ctx) => {
        for (const k of Object.keys(r))
          if (!isMetric(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'unknown metric' });
      }),
  })
  .strict();

export const scheduleSettingsSchema = z
  .object({
    /** Default period of the periodic pull jobs (stored records from wearables). */
    pullIntervalMin: z.number().int().min(1).max(1440).default(15),
    /** On battery, periodic jobs run this many times less often (1: no stretch). */
    batteryStretch: z.number().min(1).max(10).default(2),
    /** Pause syncing (tray); the engine applies it to every service at start. */
    paused: z.boolean().default(false),
  })
  .strict();

export const settingsSchema = z
  .object({
    version: z.number().int().default(1),
    general: generalSettingsSchema.default(generalSettingsSchema.parse({})),
    ble: bleSettingsSchema.default(bleSettingsSchema.parse({})),
    mqtt: mqttSettingsSchema.default(mqttSettingsSchema.parse({})),
    history: historySettingsSchema.default(historySettingsSchema.parse({})),
    schedule: scheduleSettingsSchema.default(scheduleSettingsSchema.parse({})),
    /** User rules (schema in src/shared/contract/rules.ts); ids unique. */
    rules: rulesListSchema.default([]),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

export const SETTINGS_VERSION = 1;
export const defaultSettings = (): Settings => settingsSchema.parse({});

/** A deep-partial patch: objects merge, arrays and scalars replace. */
export type SettingsPatch = {
  [K in keyof Settings]?: Settings[K] extends unknown[]
    ? Settings[K]
    : Settings[K] extends object
      ? Partial<Settings[K]>
      : Settings[K];
};

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeSettings(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? mergeSettings(base[k], v) : v;
  }
  return out;
}
