import { z } from 'zod';
import { event, method } from './define.js';

export interface Alert {
  id: string;
  ruleId: string;
  title: string;
  body: string;
  deviceId?: string;
  ts: number;
}

/** Rules are validated by the rules module; the contract carries them as-is to it. */
export const rulesRequests = {
  listRules: method<unknown[]>()(z.object({}).strict().default({})),
  saveRule: method<unknown>()(z.object({ rule: z.unknown() }).strict()),
  deleteRule: method<{ id: string }>()(z.object({ id: z.string().min(1).max(100) }).strict()),
  listAlerts: method<Alert[]>()(
    z
      .object({ limit: z.number().int().min(1).max(1000).default(100) })
      .strict()
      .default({ limit: 100 }),
  ),
};

export const rulesEvents = {
  alerts: event<Alert[]>((a, b) => a.concat(b).slice(-100)),
};
