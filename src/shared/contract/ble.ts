import { z } from 'zod';
import { event, keyedMerge, method } from './define.js';

export type AdapterState = 'unavailable' | 'poweredOff' | 'idle' | 'scanning';

export interface BleStatus {
  adapter: AdapterState;
  /** Why the adapter is unavailable or off, in words. */
  reason?: string;
  simulated: boolean;
  connected: number;
  paired: number;
}

export interface ScanResult {
  id: string;
  name: string;
  rssi: number;
  services: string[];
  connectable: boolean;
  lastSeen: number;
  paired: boolean;
  /** The kind guessed from advertised services. */
  kind?: string;
}

export const bleRequests = {
  startScan: method<{ scanning: boolean }>()(z.object({}).strict().default({})),
  stopScan: method<{ scanning: boolean }>()(z.object({}).strict().default({})),
  listScanResults: method<ScanResult[]>()(z.object({}).strict().default({})),
  pairDevice: method<{ id: string }>()(
    z
      .object({
        id: z.string().min(1).max(64),
        mode: z.enum(['keep', 'periodic']).default('keep'),
      })
      .strict(),
  ),
  forgetDevice: method<{ id: string }>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  setBindKey: method<{ id: string }>()(
    z
      .object({
        id: z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'must be a MAC address'),
        key: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters (16 bytes)'),
      })
      .strict(),
  ),
};

export const bleEvents = {
  scanResults: event<ScanResult[]>(keyedMerge<ScanResult>((r) => r.id)),
  pairProgress: event<{ id: string; step: string; done: boolean; error?: string }[]>((a, b) =>
    a.concat(b).slice(-50),
  ),
};
