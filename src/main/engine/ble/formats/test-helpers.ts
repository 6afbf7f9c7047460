/** Shared by the formats' unit tests: hex, a fake advertisement and context, error capture. */
import { DecodeError } from '../decoders/index.js';
import type { Advertisement } from '../radio.js';
import type { FormatContext } from './format.js';

export const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

export function advert(p: Partial<Advertisement> = {}): Advertisement {
  return {
    address: 'a4:c1:38:02:83:f4',
    rssi: -60,
    serviceUuids: [],
    serviceData: [],
    connectable: false,
    ...p,
  };
}

export interface LogLine {
  level: string;
  msg: string;
  detail?: Record<string, unknown>;
}

/** A logger that keeps what it is told, for tests that check what a format logs. */
export function memoryLog(lines: LogLine[] = []): FormatContext['log'] {
  const at = (level: string) => (msg: string, detail?: Record<string, unknown>) =>
    void lines.push({ level, msg, detail });
  const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { ...log, child: () => memoryLog(lines) };
}

export function context(
  deviceId: string,
  secrets: Record<string, string> = {},
  state: Record<string, unknown> = {},
  log: FormatContext['log'] = memoryLog(),
): FormatContext {
  return { deviceId, secrets: { get: (n) => secrets[n] }, state, log };
}

export function errorOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

/** [metric or sensor name, value] pairs, for compact expectations. */
export const pairs = (
  values: { metric: string; value: number | null; extra?: Record<string, unknown> }[],
) => values.map((v) => [(v.extra?.sensor as string | undefined) ?? v.metric, v.value]);
