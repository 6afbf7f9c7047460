import type { Clock } from '../ports.js';
import type { GattLink } from './radio.js';

/** The link went away while an operation waited on it. */
export class LinkLostError extends Error {
  constructor(what: string) {
    super(`${what}: link lost`);
    this.name = 'LinkLostError';
  }
}

export class GattTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'GattTimeoutError';
  }
}

/**
 * Races a noble operation against a timeout and the link's abort signal. noble's promises never
 * reject when a device stops answering or the link drops mid-operation; without this, a session
 * would wait forever on a slow or vanished device.
 */
export function guarded<T>(
  op: Promise<T>,
  what: string,
  ms: number,
  signal: AbortSignal,
  clock: Clock,
): Promise<T> {
  if (signal.aborted) return Promise.reject(new LinkLostError(what));
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new LinkLostError(what));
    };
    const timer = clock.setTimeout(() => {
      done();
      reject(new GattTimeoutError(what, ms));
    }, ms);
    unref(timer);
    signal.addEventListener('abort', onAbort, { once: true });
    op.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e instanceof Error ? e : new Error(`${what}: ${String(e)}`));
      },
    );
  });
}

/**
 * A radio's connect, guarded like any GATT operation. An attempt given up on (timeout, link
 * signal) is called off, so it does not hold the controller, and the scan, any longer.
 */
export async function guardedConnect(
  connect: (attempt: AbortSignal) => Promise<GattLink>,
  ms: number,
  signal: AbortSignal,
  clock: Clock,
): Promise<GattLink> {
  const attempt = new AbortController();
  try {
    return await guarded(connect(attempt.signal), 'connect', ms, signal, clock);
  } catch (err) {
    attempt.abort();
    throw err;
  }
}

/** Waits `ms` (or until `signal` aborts, resolving early). */
export function sleep(ms: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    unref(t);
    const onAbort = () => {
      clock.clearTimeout(t);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Timers of the BLE service never keep the process alive (tests and the engine must exit). */
export function unref(handle: unknown): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}
