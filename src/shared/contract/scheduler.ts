import { z } from 'zod';
import { event, keyedMerge, method } from './define.js';

export interface JobState {
  name: string;
  state: 'idle' | 'running' | 'waiting' | 'paused';
  lastRun: number | null;
  lastSuccess: number | null;
  nextRun: number | null;
  failures: number;
  lastError?: string;
}

export const schedulerRequests = {
  listJobs: method<JobState[]>()(z.object({}).strict().default({})),
};

export const schedulerEvents = {
  jobs: event<JobState[]>(keyedMerge<JobState>((j) => j.name)),
};
