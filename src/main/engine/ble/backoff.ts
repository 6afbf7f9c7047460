export interface BackoffOptions {
  /** First delay after a drop. */
  baseMs: number;
  /** Never wait longer than this (60 s for BLE reconnects). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 60_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so devices that
 * dropped together (a gateway reboot) do not reconnect in lockstep, yet never retry at once.
 * `attempt` counts from 0; `random` in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random = Math.random(),
): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + (exp / 2) * random);
}
