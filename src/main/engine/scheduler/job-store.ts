import type Database from 'better-sqlite3';
import type { JobState } from '../../../shared/contract/index.js';

/** What the scheduler remembers of a job across restarts (one row per job name). */
export interface RememberedJob {
  name: string;
  lastRun: number | null;
  lastSuccess: number | null;
  failures: number;
  lastError: string | null;
  /** A sync job: its lastSuccess counts for "Last sync ..." even before the job registers again. */
  sync: boolean;
  /** When the run's outcome was recorded: the base the running scheduler planned the next run on. */
  updated: number;
}

interface Row {
  name: string;
  last_run: number | null;
  last_success: number | null;
  failures: number;
  last_error: string | null;
  sync: number;
  updated: number;
}

/**
 * The scheduler's table in the history database, so a restart neither forgets "Last sync ..." nor
 * restarts every period from zero. Written once per finished run (one upsert), read once at start.
 * Rows of jobs that are unregistered stay: services unregister their jobs when they stop, and the
 * next start needs exactly those rows. The table is part of the database schema
 * (history/migrations.ts).
 */
export class JobStore {
  private readonly upsert: Database.Statement;
  private readonly selectAll: Database.Statement;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(`INSERT INTO scheduler_jobs
        (name, last_run, last_success, failures, last_error, sync, updated)
      VALUES (@name, @last_run, @last_success, @failures, @last_error, @sync, @updated)
      ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run,
        last_success = excluded.last_success, failures = excluded.failures,
        last_error = excluded.last_error, sync = excluded.sync, updated = excluded.updated`);
    this.selectAll = db.prepare('SELECT * FROM scheduler_jobs');
  }

  loadAll(): Map<string, RememberedJob> {
    const out = new Map<string, RememberedJob>();
    for (const r of this.selectAll.all() as Row[]) {
      out.set(r.name, {
        name: r.name,
        lastRun: r.last_run,
        lastSuccess: r.last_success,
        failures: Math.max(0, r.failures | 0),
        lastError: r.last_error,
        sync: r.sync === 1,
        updated: r.updated,
      });
    }
    return out;
  }

  save(job: RememberedJob): void {
    this.upsert.run({
      name: job.name,
      last_run: job.lastRun,
      last_success: job.lastSuccess,
      failures: job.failures,
      last_error: job.lastError,
      sync: job.sync ? 1 : 0,
      updated: job.updated,
    });
  }
}

export function rememberedFrom(state: JobState, updated: number): RememberedJob {
  return {
    name: state.name,
    lastRun: state.lastRun,
    lastSuccess: state.lastSuccess,
    failures: state.failures,
    lastError: state.lastError ?? null,
    sync: !!state.sync,
    updated,
  };
}

/** The latest remembered success of any sync job, registered again or not. */
export function lastRememberedSync(jobs: Iterable<RememberedJob>): number | null {
  let at: number | null = null;
  for (const j of jobs)
    if (j.sync && j.lastSuccess !== null && (at === null || j.lastSuccess > at)) at = j.lastSuccess;
  return at;
}
