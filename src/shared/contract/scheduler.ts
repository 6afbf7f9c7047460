import { z } from 'zod';
import { event, keyedMerge, method } from './define.js';

export interface JobState {
  name: string;
  /** waiting: due but held back by a constraint (see blockedBy). */
  state: 'idle' | 'running' | 'waiting' | 'paused';
  lastRun: number | null;
  lastSuccess: number | null;
  nextRun: number | null;
  /** Consecutive failures (0 after a success). */
  failures: number;
  lastError?: string;
  kind?: 'periodic' | 'oneoff';
  /** Counts as a sync job (Sync now, "Last sync ..."). */
  sync?: boolean;
  /** Why a due job does not run yet: 'network' or 'ac_power'. */
  blockedBy?: 'network' | 'ac_power';
}

export const schedulerRequests = {
  listJobs: method<JobState[]>()(z.object({}).strict().default({})),
  /** Runs one job at once (a running job is not started twice); resolves when that run ends. */
  runJob: method<JobState>()(z.object({ name: z.string().min(1).max(200) }).strict()),
};

export const schedulerEvents = {
  jobs: event<JobState[]>(keyedMerge<JobState>((j) => j.name)),
};
