import type Database from 'better-sqlite3';
import type { JobState } from '../../../shared/contract/index.js';
import type { Logger } from '../logging.js';
import { errorText } from './job.js';
import { JobStore, lastRememberedSync, rememberedFrom, type RememberedJob } from './job-store.js';

/**
 * What the scheduler remembers of its jobs across restarts: the job table in the history database
 * once that is open, and in memory only when there is none (or it fails). A failed read or write
 * costs that memory, never a run.
 */
export class JobMemory {
  /** The job table: undefined until looked for, null when there is none. */
  private store: JobStore | null | undefined;
  /** What earlier runs of the app recorded, by job name (kept current while the store is open). */
  private remembered = new Map<string, RememberedJob>();

  /** `findDb`: the history database, undefined while it is not open. */
  constructor(
    private readonly findDb: () => Database.Database | undefined,
    private readonly log: Logger,
  ) {}

  /** Looks for the history database once it may be open; `final`: stop looking (in memory then). */
  open(final: boolean): void {
    if (this.store !== undefined) return;
    const db = this.findDb();
    if (!db) {
      if (final) this.store = null;
      return;
    }
    try {
      const store = new JobStore(db);
      this.remembered = store.loadAll();
      this.store = store;
    } catch (err) {
      this.store = null;
      this.log.warn('job state is kept in memory only', { error: errorText(err) });
    }
  }

  get(name: string): RememberedJob | undefined {
    return this.remembered.get(name);
  }

  get size(): number {
    return this.remembered.size;
  }

  /** One upsert per finished run; a failed write only costs the memory across a restart. */
  save(state: JobState, at: number): void {
    if (!this.store) return;
    const r = rememberedFrom(state, at);
    this.remembered.set(r.name, r);
    try {
      this.store.save(r);
    } catch (err) {
      this.log.warn('job state not saved', { job: r.name, error: errorText(err) });
    }
  }

  /** The latest remembered success of any sync job, registered again or not. */
  lastSync(): number | null {
    return lastRememberedSync(this.remembered.values());
  }
}
