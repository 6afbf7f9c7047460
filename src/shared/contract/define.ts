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
 * the default keeps the latest.
 */
export interface EventSpec<P = unknown> {
  merge?: (pending: P, next: P) => P;
  readonly payload?: P;
}
export const event = <P>(merge?: (pending: P, next: P) => P): EventSpec<P> =>
  merge ? { merge } : {};

/** Appends, keeping at most `max` newest items, for events that are lists of things that happened. */
export const appendMerge =
  <T>(max: number) =>
  (pending: T[], next: T[]): T[] => {
    const all = pending.concat(next);
    return all.length > max ? all.slice(all.length - max) : all;
  };

/** Merges records by key, newest value winning (for per-id updates). */
export const keyedMerge =
  <T>(key: (t: T) => string) =>
  (pending: T[], next: T[]): T[] => {
    const m = new Map<string, T>();
    for (const t of pending) m.set(key(t), t);
    for (const t of next) m.set(key(t), t);
    return [...m.values()];
  };
