import { z } from 'zod';
import { METRIC_NAMES, type Metric } from '../metrics.js';
import type { ReadingStatus } from '../model.js';
import { method } from './define.js';

export interface SeriesPoint {
  ts: number;
  value: number;
}

export interface Series {
  deviceId: string;
  metric: Metric;
  unit: string;
  /** Parallel arrays, ready for uPlot. */
  ts: number[];
  values: number[];
  /** How many raw readings with a value the range held before downsampling. */
  rawCount: number;
}

/** The newest stored reading of one metric of a device. */
export interface LatestReading {
  metric: Metric;
  value: number | null;
  unit: string;
  ts: number;
  status: ReadingStatus;
}

export interface RangeStats {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
}

const metric = z.enum(METRIC_NAMES as [Metric, ...Metric[]]);
const range = {
  deviceId: z.string().min(1).max(300),
  metric,
  /** The entity's series (e.g. 'temperature_2'); omitted: the metric's own, keyed by its name. */
  entity: z.string().min(1).max(200).optional(),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
};

export const historyRequests = {
  querySeries: method<Series>()(
    z
      .object({ ...range, points: z.number().int().min(2).max(20_000).default(1000) })
      .strict()
      .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] }),
  ),
  queryStats: method<RangeStats>()(
    z
      .object(range)
      .strict()
      .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] }),
  ),
  /** The newest stored reading of every metric of a device (survives restarts, unlike `latest`). */
  queryLatest: method<LatestReading[]>()(
    z.object({ deviceId: z.string().min(1).max(300) }).strict(),
  ),
  /** Streams the rows to a file under the exports directory; returns its path and row count. */
  exportReadings: method<{ path: string; rows: number }>()(
    z
      .object({
        deviceId: z.string().min(1).max(300),
        metric: metric.optional(),
        from: z.number().int().min(0),
        to: z.number().int().min(0),
        format: z.enum(['csv', 'json']),
      })
      .strict()
      .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] }),
  ),
};

export const historyEvents = {};
