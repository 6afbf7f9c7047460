import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { LogEntry } from '../../shared/contract/index.js';

export interface Logger {
  debug(msg: string, detail?: Record<string, unknown>): void;
  info(msg: string, detail?: Record<string, unknown>): void;
  warn(msg: string, detail?: Record<string, unknown>): void;
  error(msg: string, detail?: Record<string, unknown>): void;
  child(module: string): Logger;
}

type Level = LogEntry['level'];

/** Fields that must never reach a log file or the dashboard. */
const REDACT = [
  'password',
  'token',
  'key',
  'bindKey',
  '*.password',
  '*.token',
  '*.key',
  '*.bindKey',
];

/** One file a day under `dir` (homebeat-YYYY-MM-DD.log), written synchronously so a crash keeps it. */
export class DailyFileStream {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  write(line: string): void {
    const day = new Date().toISOString().slice(0, 10);
    try {
      // Owner-only: logs name devices, brokers and places, whatever the process umask.
      appendFileSync(join(this.dir, `homebeat-${day}.log`), line, { mode: 0o600 });
    } catch {
      // A full disk must not take the engine down with it.
    }
  }
}

const LEVEL_NAMES: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

/** Turns pino's JSON lines into short lines a person reads in a terminal; files keep the JSON. */
export class ReadableLineStream {
  constructor(private readonly out: { write(s: string): unknown }) {}
  write(line: string): void {
    try {
      const { level, time, module, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const t = new Date(Number(time)).toTimeString().slice(0, 8);
      const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
      this.out.write(`${t} ${LEVEL_NAMES[Number(level)] ?? level} ${module}: ${msg}${extra}\n`);
    } catch {
      this.out.write(line);
    }
  }
}

export interface LoggingOptions {
  /** Directory for the daily log files; none: stderr only at warn and above. */
  dir?: string;
  level?: Level;
  /** Size of the in-memory ring the dashboard reads. */
  ringSize?: number;
  /** Mirror to stderr (serve prints its log; tests keep quiet). */
  stderr?: boolean;
}

/**
 * The engine's logging: pino for structured files with redaction, plus an in-memory ring of recent
 * entries and listeners, so the dashboard's activity log shows the same lines.
 */
export class Logging {
  private readonly ring: LogEntry[] = [];
  private readonly listeners = new Set<(e: LogEntry) => void>();
  private readonly pino: pino.Logger;
  private readonly ringSize: number;
  private readonly minLevel: number;

  constructor(opts: LoggingOptions = {}) {
    this.ringSize = opts.ringSize ?? 2000;
    const level = opts.level ?? 'info';
    this.minLevel = LEVELS[level];
    const streams: pino.StreamEntry[] = [];
    if (opts.dir) streams.push({ level, stream: new DailyFileStream(opts.dir) });
    if (opts.stderr) streams.push({ level, stream: new ReadableLineStream(process.stderr) });
    this.pino = pino(
      { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
      streams.length ? pino.multistream(streams) : { write: () => {} },
    );
  }

  logger(module: string): Logger {
    const emit = (level: Level, msg: string, detail?: Record<string, unknown>) => {
      if (LEVELS[level] < this.minLevel) return;
      this.pino[level]({ module, ...detail }, msg);
      const entry: LogEntry = { ts: Date.now(), level, module, msg };
      if (detail) entry.detail = redactDetail(detail);
      this.ring.push(entry);
      if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
      for (const l of this.listeners) l(entry);
    };
    return {
      debug: (m, d) => emit('debug', m, d),
      info: (m, d) => emit('info', m, d),
      warn: (m, d) => emit('warn', m, d),
      error: (m, d) => emit('error', m, d),
      child: (sub) => this.logger(`${module}.${sub}`),
    };
  }

  entries(filter: { limit: number; level?: Level; module?: string }): LogEntry[] {
    const min = filter.level ? LEVELS[filter.level] : 0;
    const out = this.ring.filter(
      (e) => LEVELS[e.level] >= min && (!filter.module || e.module.startsWith(filter.module)),
    );
    return out.slice(-filter.limit);
  }

  onEntry(listener: (e: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    this.pino.flush?.();
  }
}

const LEVELS: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50 };
const SECRET_KEY = /pass(word)?|token|secret|^key$|bindkey/i;

function redactDetail(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : v instanceof Error ? v.message : v;
  }
  return out;
}
