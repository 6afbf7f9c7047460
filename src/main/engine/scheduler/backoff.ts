import type { JobSpec } from '../services.js';

export type BackoffSpec = NonNullable<JobSpec['backoff']>;

/** One-off jobs without their own policy retry like WorkManager's default: 30 s doubling, 1 h cap. */
export const DEFAULT_BACKOFF: BackoffSpec = {
  policy: 'exponential',
  baseMs: 30_000,
  capMs: 3_600_000,
};

/** The period a periodic job waits between runs: stretched on battery by `factor` (>= 1). */
export function effectiveInterval(everyMs: number, onBattery: boolean, factor: number): number {
  return onBattery ? Math.round(everyMs * Math.max(1, factor)) : everyMs;
}

/** Job names that count as sync jobs even without the `sync` flag. */
export const SYNC_PREFIXES = ['ble-pull:', 'sync:'];

export const isSyncJob = (spec: Pick<JobSpec, 'name' | 'sync'>): boolean =>
  spec.sync ?? SYNC_PREFIXES.some((p) => spec.name.startsWith(p));
