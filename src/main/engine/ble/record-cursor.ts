/**
 * Where record sync stands with a device: the last record imported, by sequence number and by its
 * base time, which together say whether the device still counts from there (its record with that
 * number has that time) or restarted its sequence (battery change, reset: newer records with
 * lower numbers).
 *
 * Stored as JSON under the cursor key; a cursor of an earlier version (the bare number) reads as a
 * sequence number without times.
 */
export interface RecordCursor {
  /** Last imported sequence number (0 after a restart to an empty device: ask from 1). */
  seq: number;
  /** Base time of that record (ms), when known. */
  ts?: number;
  /** Newest base time ever imported from the device. */
  max?: number;
  /**
   * Set when a restart was found: the newest time imported before it. Only records newer than
   * this are imported since, so records the device kept from before the restart (a sequence that
   * wrapped) are never imported twice, whatever their new numbers.
   */
  floor?: number;
}

export function parseCursor(v: string | undefined): RecordCursor | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (Number.isInteger(n) && n >= 0) return { seq: n };
  try {
    const o = JSON.parse(v) as Record<string, unknown>;
    if (typeof o.seq !== 'number' || !Number.isInteger(o.seq) || o.seq < 0) return undefined;
    const c: RecordCursor = { seq: o.seq };
    for (const k of ['ts', 'max', 'floor'] as const)
      if (typeof o[k] === 'number' && Number.isFinite(o[k])) c[k] = o[k];
    return c;
  } catch {
    return undefined;
  }
}

export const formatCursor = (c: RecordCursor): string => JSON.stringify(c);

/** The sequence number of a stored cursor value (either format), for tests and diagnostics. */
export const cursorSeq = (v: string | undefined): number | undefined => parseCursor(v)?.seq;

/** A record is new when it comes after the cursor and, after a restart, after the floor. */
export const isNew = (c: RecordCursor | undefined, seq: number, ts: number | undefined): boolean =>
  c === undefined || (seq > c.seq && (c.floor === undefined || (ts ?? -Infinity) > c.floor));

/**
 * Whether the device's last record says its sequence restarted: a lower number than the cursor,
 * or the cursor's number with another time (a new record took the old number).
 */
export function restarted(c: RecordCursor, last: { seq: number; ts?: number }): boolean {
  if (last.seq < c.seq) return true;
  return last.seq === c.seq && c.ts !== undefined && last.ts !== undefined && last.ts !== c.ts;
}
