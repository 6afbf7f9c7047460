import type { z } from 'zod';

/**
 * A request method: the zod schema of its input (checked at every trust boundary) and, as a phantom
 * type, its output. `method<Output>()(inputSchema)`.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  /** Phantom: never read at run time. */
  readonly output?: O;
}
export const method =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });

/**
 * A pushed event. `merge` folds a newer payload into a pending one so the batcher can coalesce:
 * the default keeps the latest. A merge may change `pending` in place and return it: the batcher
 * hands it a copy it owns (see ownCopy), so bursts cost O(items), not O(items²).
 */
export interface EventSpec<P = unknown> {
  merge?: (pending: P, next: P) => P;
  readonly payload?: P;
}
export const event = <P>(merge?: (pending: P, next: P) => P): EventSpec<P> =>
  merge ? { merge } : {};

/** A copy the batcher may mutate: arrays, and the array fields of an object, are copied. */
export function ownCopy<P>(p: P): P {
  if (Array.isArray(p)) return p.slice() as P;
  if (typeof p !== 'object' || p === null) return p;
  const out: Record<string, unknown> = { ...(p as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = v.slice();
  return out as P;
}

/**
 * Appends, for events that are lists of things that happened. Keeps the newest: once past twice
 * `max` it drops back to `max`, so a long burst costs O(1) per item.
 */
export const appendMerge =
  <T>(max: number) =>
  (pending: T[], next: T[]): T[] => {
    for (const t of next) pending.push(t);
    if (pending.length > max * 2) pending.splice(0, pending.length - max);
    return pending;
  };

/** Merges records by key in place, newest value winning (for per-id updates). */
export const keyedMerge = <T>(key: (t: T) => string) => {
  const indexes = new WeakMap<T[], Map<string, number>>();
  return (pending: T[], next: T[]): T[] => {
    let index = indexes.get(pending);
    if (!index) {
      index = new Map();
      pending.forEach((t, i) => index!.set(key(t), i));
      indexes.set(pending, index);
    }
    for (const t of next) {
      const k = key(t);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, pending.length);
        pending.push(t);
      } else pending[at] = t;
    }
    return pending;
  };
};
