/** Small text formatters shared by the tray (main) and the dashboard (renderer). */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** "Last sync 3 min ago", "Last sync just now", "Never synced", for the tray tooltip. */
export function formatLastSync(now: number, lastSyncAt: number | null | undefined): string {
  if (lastSyncAt === null || lastSyncAt === undefined) return 'Never synced';
  return `Last sync ${formatAgo(now, lastSyncAt)}`;
}

/** "just now", "3 min ago", "2 h ago", "5 days ago"; a time in the future counts as now. */
export function formatAgo(now: number, ts: number): string {
  const d = Math.max(0, now - ts);
  if (d < MIN) return 'just now';
  if (d < HOUR) return `${Math.floor(d / MIN)} min ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)} h ago`;
  const days = Math.floor(d / DAY);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}
