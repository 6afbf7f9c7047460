import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isMethodName } from '../../shared/contract/index.js';
import type { Result } from '../../shared/result.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../engine/logging.js';
import { authorize, COOKIE, isLoopbackHost, originAllowed, tokenProblem } from './auth.js';
import { securityHeaders, serveExport, serveStatic } from './static.js';

export interface ServeOptions {
  engine: Engine;
  host: string;
  port: number;
  token?: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Where exports are written; `GET /exports/<name>` serves them. */
  exportsDir: string;
  log: Logger;
  /** Largest request body or socket message accepted. */
  maxBodyBytes?: number;
}

/** HTTP status for a failed result, so curl users see a meaningful code. */
export function statusFor(r: Result<unknown>): number {
  if (r.ok) return 200;
  switch (r.error.code) {
    case 'invalid_input':
      return 400;
    case 'unknown_method':
    case 'not_found':
      return 404;
    case 'forbidden':
      return 403;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
    default:
      return 500;
  }
}

export class StartupError extends Error {}

/**
 * The headless host's front door: the built dashboard over HTTP, the contract over a WebSocket
 * (`/ws`), and every method as `POST /api/<method>` for curl and scripts.
 */
export class HomebeatServer {
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly maxBody: number;
  private readonly loopback: boolean;

  constructor(private readonly opts: ServeOptions) {
    this.maxBody = opts.maxBodyBytes ?? 1024 * 1024;
    this.loopback = isLoopbackHost(opts.host);
    if (!this.loopback && !opts.token) {
      throw new StartupError(
        `refusing to listen on ${opts.host} without a token: pass --token or set HOMEBEAT_TOKEN ` +
          '(or bind 127.0.0.1)',
      );
    }
    const weak = opts.token === undefined ? null : tokenProblem(opts.token);
    if (weak) throw new StartupError(weak);
  }

  async start(): Promise<{ url: string; port: number }> {
    const http = createServer((req, res) => void this.onRequest(req, res));
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.maxBody });
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const auth = authorize(req, url, { token: this.opts.token, loopback: this.loopback });
      if (url.pathname !== '/ws' || !auth.ok || !originAllowed(req)) {
        const status =
          url.pathname !== '/ws'
            ? '404 Not Found'
            : auth.ok
              ? '403 Forbidden'
              : `${auth.status} Unauthorized`;
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.http = http;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.opts.port, this.opts.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    const shownHost = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return { url: `http://${shownHost}:${port}/`, port };
  }

  async close(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    const http = this.http;
    this.http = null;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const auth = authorize(req, url, { token: this.opts.token, loopback: this.loopback });
    if (!auth.ok) {
      res.writeHead(auth.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'forbidden', message: auth.reason } }));
      return;
    }
    // Only a page load is redirected: a POST answered with 303 would be re-sent as a GET, body lost.
    if (auth.viaQuery && this.opts.token && (req.method === 'GET' || req.method === 'HEAD')) {
      // Trade the token in the address bar for a cookie, and drop it from the URL.
      url.searchParams.delete('token');
      res.setHeader(
        'Set-Cookie',
        `${COOKIE}=${encodeURIComponent(this.opts.token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
      res.writeHead(303, { Location: url.pathname + url.search });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) return this.onApi(req, res, url.pathname.slice(5));
    if (url.pathname.startsWith('/exports/') && req.method === 'GET') {
      // Exports are written on the engine's machine; a browser elsewhere downloads them here.
      serveExport(this.opts.exportsDir, url.pathname.slice(9), res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(this.opts.staticDir, url.pathname, res);
  }

  private async onApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(405, { ok: false, error: { code: 'invalid_input', message: 'use POST' } });
    }
    // A JSON content type forces a CORS preflight from other sites' pages, which we never answer.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '') || !originAllowed(req)) {
      return send(415, {
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'send Content-Type: application/json from the same origin',
        },
      });
    }
    if (!isMethodName(method)) {
      return send(404, {
        ok: false,
        error: { code: 'unknown_method', message: `unknown method: ${method}` },
      });
    }
    let body: unknown;
    try {
      const text = await readBody(req, this.maxBody);
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        // Answer first, then drop the connection once the answer is out (the rest is not read).
        res.setHeader('Connection', 'close');
        return send(413, {
          ok: false,
          error: { code: 'invalid_input', message: `body: ${err.message}` },
        });
      }
      return send(400, {
        ok: false,
        error: { code: 'invalid_input', message: `body: ${(err as Error).message}` },
      });
    }
    const result = await this.opts.engine.handle(method, body);
    send(statusFor(result), result);
  }

  private onSocket(ws: WebSocket): void {
    const log = this.opts.log;
    const unsubscribe = this.opts.engine.subscribe((batch) => {
      if (ws.readyState !== ws.OPEN) return;
      // A client that stops reading is cut off rather than buffered without bound.
      if (ws.bufferedAmount > 16 * 1024 * 1024) {
        ws.close(1013, 'too slow');
        return;
      }
      ws.send(JSON.stringify({ events: batch }));
    });
    ws.on('message', async (data, isBinary) => {
      let msg: { id?: unknown; method?: unknown; input?: unknown };
      try {
        if (isBinary) throw new Error('binary frames are not accepted');
        msg = JSON.parse(data.toString());
        if (typeof msg !== 'object' || msg === null) throw new Error('expected an object');
      } catch (err) {
        ws.send(
          JSON.stringify({
            id: null,
            result: {
              ok: false,
              error: { code: 'invalid_input', message: `message: ${(err as Error).message}` },
            },
          }),
        );
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      const result = await this.opts.engine.handle(msg.method, msg.input);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', (err) => log.warn('dashboard socket error', { error: err.message }));
  }
}

class BodyTooLarge extends Error {}

/**
 * Reads a request body of at most `max` bytes. A larger one (by its Content-Length, or as it
 * arrives) rejects with BodyTooLarge and the rest is discarded unread, up to a bound, so the
 * client is still there to read the 413 (destroying the socket at once makes it a reset).
 */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => {
      req.removeAllListeners('data');
      let discarded = 0;
      req.on('data', (c: Buffer) => {
        discarded += c.length;
        if (discarded > 16 * max) req.destroy();
      });
      reject(new BodyTooLarge(`larger than ${max} bytes`));
    };
    if (Number(req.headers['content-length']) > max) {
      tooLarge();
      return;
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
