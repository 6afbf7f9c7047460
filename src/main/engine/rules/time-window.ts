import type { TimeWindow } from '../../../shared/contract/index.js';

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * Whether `ts` falls inside a local time-of-day window, `from` inclusive and `to` exclusive. A window
 * whose `from` is later than its `to` wraps midnight (22:00-06:00 holds at 23:00 and at 05:59).
 */
export function inWindow(w: TimeWindow | undefined, ts: number): boolean {
  if (!w) return true;
  const d = new Date(ts);
  const m = d.getHours() * 60 + d.getMinutes();
  const from = minutes(w.from);
  const to = minutes(w.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}
