/**
 * The only exception a decoder may throw. It carries the raw bytes and the characteristic so a
 * session can log exactly what a device sent, and the message says what is wrong with them.
 */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly hex: string,
    readonly characteristic: string,
    /** What was decoded before the problem (BTHome keeps objects before an unknown id). */
    readonly partial?: unknown,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Thrown by the Reader and decoders before the dispatcher knows the hex/uuid; converted later. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}
