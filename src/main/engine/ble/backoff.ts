import type { BackoffOptions } from '../../../shared/backoff.js';

export type { BackoffOptions };

/**
 * BLE reconnects: 250 ms doubling to 60 s, with equal jitter so devices that dropped together (a
 * gateway reboot) do not reconnect in lockstep, yet never retry at once.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 60_000, jitter: 'equal' };
