/**
 * Retry delays, one rule for every reconnect and retry in Homebeat (BLE links, the MQTT broker,
 * scheduler jobs, the dashboard's WebSocket). Pure: the caller draws the random number.
 */
export interface BackoffOptions {
  /** The delay of the first retry (attempt 0). */
  baseMs: number;
  /** The un-jittered delay never grows past this. */
  capMs: number;
  /** How the delay grows per attempt: base * 2^attempt (default) or base * (attempt + 1). */
  policy?: 'exponential' | 'linear';
  /**
   * How the delay is spread, so clients that failed together do not retry in lockstep:
   * - 'none' (default): exactly the capped delay d;
   * - 'equal': half fixed, half random, in [d/2, d] (never above the cap, never at once);
   * - a fraction f in [0, 1]: ±f around d, in [d(1-f), d(1+f)] (up to the cap times 1 + f).
   */
  jitter?: 'none' | 'equal' | number;
}

/**
 * The delay in whole ms before retry number `attempt` (0 = the first retry; Infinity = the longest,
 * the cap). `random` is in [0, 1) and only read when there is jitter.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random = Math.random(),
): number {
  const n = Number.isNaN(attempt) ? 0 : Math.max(0, Math.floor(attempt));
  // base * 2^n overflows to Infinity for huge n, which the cap then bounds; a zero base stays 0.
  const grown =
    opts.baseMs <= 0 ? 0 : opts.policy === 'linear' ? opts.baseMs * (n + 1) : opts.baseMs * 2 ** n;
  const d = Math.max(0, Math.min(opts.capMs, grown));
  const jitter = opts.jitter ?? 'none';
  if (jitter === 'none') return Math.round(d);
  if (jitter === 'equal') return Math.round(d / 2 + (d / 2) * random);
  const f = Math.min(1, Math.max(0, jitter));
  return Math.round(d * (1 - f + 2 * f * random));
}
