import type Database from 'better-sqlite3';
import type { Alert } from '../../../shared/contract/index.js';
import type { Logger } from '../logging.js';

export interface AlertStoreOptions {
  /** The history database, undefined while it is not open (or when it could not be opened). */
  db: () => Database.Database | undefined;
  /** Alerts kept: the newest this many, in the table and in memory. */
  keep: number;
  log: Logger;
}

/**
 * The rules' alerts: the `alerts` table of the history database (history/migrations.ts), so they
 * outlive a restart, with the newest `keep` also held in memory for listAlerts. Retention is by
 * count, applied on every add (one DELETE of the rows that fell out). Without a database, or when
 * a write fails, alerts are kept in memory only: a failed write costs the alert its restart,
 * never the alert itself (the notification and actions have gone out already).
 */
export class AlertStore {
  private readonly recent: Alert[] = [];
  private stmts: { insert: Database.Statement; prune: Database.Statement } | null = null;
  private last = 0;

  constructor(private readonly o: AlertStoreOptions) {}

  /** Loads what earlier runs stored. Call once the history has started. */
  open(): void {
    const db = this.o.db();
    if (!db) return;
    try {
      const rows = db
        .prepare('SELECT seq, json FROM alerts ORDER BY seq DESC LIMIT ?')
        .all(this.o.keep) as { seq: number; json: string }[];
      this.stmts = {
        insert: db.prepare('INSERT INTO alerts (seq, id, ts, json) VALUES (?, ?, ?, ?)'),
        prune: db.prepare('DELETE FROM alerts WHERE seq <= ?'),
      };
      this.last = rows[0]?.seq ?? 0;
      let bad = 0;
      for (const r of rows.reverse()) {
        const a = parseAlert(r.json);
        if (a) this.recent.push(a);
        else bad += 1;
      }
      if (bad) this.o.log.warn('stored alerts that could not be read were skipped', { bad });
    } catch (err) {
      this.stmts = null;
      this.o.log.warn('alerts are kept in memory only', { error: String(err) });
    }
  }

  /**
   * The number the next alert is stored under: higher than any stored one, so alert ids that
   * include it stay unique across restarts.
   */
  nextSeq(): number {
    return ++this.last;
  }

  /** Stores an alert numbered by nextSeq(), dropping the ones past the newest `keep`. */
  add(alert: Alert, seq: number): void {
    this.recent.push(alert);
    if (this.recent.length > this.o.keep) this.recent.splice(0, this.recent.length - this.o.keep);
    if (!this.stmts) return;
    try {
      this.stmts.insert.run(seq, alert.id, alert.ts, JSON.stringify(alert));
      this.stmts.prune.run(seq - this.o.keep);
    } catch (err) {
      this.o.log.warn('alert not stored', { id: alert.id, error: String(err) });
    }
  }

  /** The newest `limit` alerts, oldest first. */
  list(limit: number): Alert[] {
    return this.recent.slice(-limit);
  }
}

/** A stored row back as an Alert; undefined for one that is not (a hand-edited file). */
function parseAlert(json: string): Alert | undefined {
  try {
    const a = JSON.parse(json) as Partial<Alert> | null;
    if (a && typeof a.id === 'string' && typeof a.ts === 'number' && typeof a.title === 'string')
      return a as Alert;
  } catch {
    // fall through: counted by the caller
  }
  return undefined;
}
