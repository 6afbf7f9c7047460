/** Results cross IPC and HTTP instead of exceptions. */
export type ErrorCode =
  | 'invalid_input'
  | 'unknown_method'
  | 'forbidden'
  | 'not_found'
  | 'unavailable'
  | 'conflict'
  | 'timeout'
  | 'internal';

export interface ResultError {
  code: ErrorCode;
  message: string;
  /** For invalid_input: the offending field path, dotted ("mqtt.port"). */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ResultError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string, field?: string): Result<T> => ({
  ok: false,
  error: field === undefined ? { code, message } : { code, message, field },
});

/** An error thrown inside the engine that should reach the caller with its code intact. */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
