import { createServer, type Server } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes } from 'aedes';
import type { Logger } from '../logging.js';

export interface EmbeddedBrokerOptions {
  port: number;
  /** Listen on every interface; only honoured with credentials. */
  lan: boolean;
  username: string;
  password?: string;
  log: Logger;
  /** Ports tried after `port` when it is taken, before letting the kernel pick one. */
  tries?: number;
}

export interface EmbeddedInfo {
  running: boolean;
  host: string;
  port: number;
}

/**
 * An aedes broker for setups with none, so local devices (Tasmota, ESPHome, Zigbee2MQTT) and the
 * scripted smart home have somewhere to talk. Loopback unless LAN mode is on AND a username and
 * password are set: an open broker on the LAN would let anyone drive the home.
 */
export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  info: EmbeddedInfo = { running: false, host: '127.0.0.1', port: 0 };

  constructor(private readonly opts: EmbeddedBrokerOptions) {}

  async start(): Promise<EmbeddedInfo> {
    const { lan, username, password, log } = this.opts;
    const secured = !!username && !!password;
    if (lan && !secured) {
      log.warn('embedded broker stays on loopback: LAN mode needs a username and a password');
    }
    const host = lan && secured ? '0.0.0.0' : '127.0.0.1';
    const broker = await Aedes.createBroker();
    if (secured) {
      const want = Buffer.from(password ?? '');
      broker.authenticate = (_client, user, pass, cb) => {
        const got = pass ? Buffer.from(pass) : Buffer.alloc(0);
        const okPass = got.length === want.length && timingSafeEqual(got, want);
        if (user === username && okPass) return cb(null, true);
        const err = Object.assign(new Error('bad username or password'), { returnCode: 4 });
        cb(err as Parameters<typeof cb>[0], false);
      };
    }
    this.broker = broker;
    const server = createServer(broker.handle);
    this.server = server;
    const port = await listenFrom(server, host, this.opts.port, this.opts.tries ?? 10);
    this.info = { running: true, host, port };
    log.info('embedded broker listening', { host, port, auth: secured });
    return this.info;
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = null;
    this.broker = null;
    this.info = { ...this.info, running: false };
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Listens on `port`, or the next free one (up to `tries`), or any port the kernel gives. */
async function listenFrom(
  server: Server,
  host: string,
  port: number,
  tries: number,
): Promise<number> {
  const candidates = [
    ...Array.from({ length: tries }, (_, i) => port + i).filter((p) => p <= 65_535),
    0,
  ];
  let lastErr: unknown;
  for (const p of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          server.off('listening', onListening);
          reject(err);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(p, host);
      });
      const addr = server.address();
      return typeof addr === 'object' && addr ? addr.port : p;
    } catch (err) {
      lastErr = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw lastErr;
}
