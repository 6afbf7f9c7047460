import type { Result } from './result.js';
import type { EventBatch, Input, MethodName, Output } from './contract/index.js';

/**
 * What the renderer sees, as `window.homebeat` (preload) or from the WebSocket client (serve):
 * one function per request method, and one subscription for batched events.
 */
export type HomebeatMethods = {
  [M in MethodName]: (input?: Input<M>) => Promise<Result<Output<M>>>;
};

export interface HomebeatApi extends HomebeatMethods {
  /** Receives each coalesced batch of events; returns the unsubscribe function. */
  onEvents(listener: (batch: EventBatch) => void): () => void;
}
