import type { HomebeatApi } from '../../../shared/api';
import { backoffDelay } from '../../../shared/backoff';
import type { EventBatch } from '../../../shared/contract/index';
import type { Result } from '../../../shared/result';

export type LinkState = 'connecting' | 'open' | 'reconnecting';

export interface WsClientOptions {
  url: string;
  /** Backoff bounds for reconnecting after a drop. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A request that gets no answer in this time resolves as a timeout. */
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (r: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The contract over serve's WebSocket: `{id, method, input}` out, `{id, result}` and `{events}` in.
 * Reconnects with backoff on its own; `onLink` tells the UI so it can show a banner and resync.
 */
export class WsClient {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(b: EventBatch) => void>();
  private readonly linkListeners = new Set<(s: LinkState, reconnected: boolean) => void>();
  private attempt = 0;
  private everOpened = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  state: LinkState = 'connecting';

  constructor(private readonly opts: WsClientOptions) {
    this.open();
  }

  call(method: string, input: unknown): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        // Waiting for the socket would hide the outage; the UI shows it and retries on resync.
        resolve(fail('timeout', 'not connected to Homebeat (reconnecting)'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(fail('timeout', `${method}: no answer from Homebeat`));
      }, this.opts.requestTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, timer });
      ws.send(JSON.stringify({ id, method, input }));
    });
  }

  onEvents(listener: (b: EventBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onLink(listener: (s: LinkState, reconnected: boolean) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
  }

  private open(): void {
    const ws = new WebSocket(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.setState('open', reconnected);
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve(fail('timeout', 'connection to Homebeat lost'));
        this.pending.delete(id);
      }
      if (this.closed) return;
      this.setState(this.everOpened ? 'reconnecting' : 'connecting', false);
      // Exponential backoff with jitter, so many tabs do not hammer a restarting server together.
      const delay = backoffDelay(this.attempt++, {
        baseMs: this.opts.minDelayMs ?? 300,
        capMs: this.opts.maxDelayMs ?? 10_000,
        jitter: 0.25,
      });
      this.retryTimer = setTimeout(() => this.open(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: { id?: number; result?: Result<unknown>; events?: EventBatch };
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      p.resolve(msg.result ?? fail('internal', 'malformed reply'));
    } else if (msg.events) {
      for (const l of this.listeners) l(msg.events);
    }
  }

  private setState(s: LinkState, reconnected: boolean): void {
    this.state = s;
    for (const l of this.linkListeners) l(s, reconnected);
  }
}

function fail(code: 'timeout' | 'internal', message: string): Result<unknown> {
  return { ok: false, error: { code, message } };
}

/** A HomebeatApi whose every method is a socket call (a Proxy: no method list to keep in step). */
export function wsApi(client: WsClient): HomebeatApi {
  const cache = new Map<string, (input?: unknown) => Promise<Result<unknown>>>();
  return new Proxy({} as HomebeatApi, {
    get(_t, prop) {
      if (prop === 'onEvents') return (l: (b: EventBatch) => void) => client.onEvents(l);
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      let fn = cache.get(prop);
      if (!fn) {
        fn = (input?: unknown) => client.call(prop, input ?? {});
        cache.set(prop, fn);
      }
      return fn;
    },
  });
}
