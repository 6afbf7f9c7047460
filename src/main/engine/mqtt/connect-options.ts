import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import mqtt, { type IClientOptions } from 'mqtt';
import type { Settings } from '../../../shared/settings.js';
import type { SecretStore } from '../ports.js';
import { statusTopic } from './topics.js';

export const PASSWORD_SECRET = 'mqtt:password';
export const EMBEDDED_PASSWORD_SECRET = 'mqtt:embedded-password';

type MqttSettings = Settings['mqtt'];

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password?: string;
  protocolVersion: 4 | 5;
  /** The TLS files' contents, read beforehand by loadTlsFiles (never on the connect path). */
  files?: TlsFiles;
}

/** The CA, certificate and key files' contents, or the first reason one could not be used. */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  error?: string;
}

/** Largest TLS file read: a full public CA bundle is about 220 KB; a key or certificate a few. */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;

const TLS_FILES = [
  ['caFile', 'ca', 'CA certificate'],
  ['certFile', 'cert', 'client certificate'],
  ['keyFile', 'key', 'client key'],
] as const;

/**
 * Reads the TLS files the settings name, asynchronously and bounded: each must be a regular file
 * of at most `MAX_TLS_FILE_BYTES`. A FIFO would block a synchronous read for good, and /dev/zero
 * would be read until memory runs out; both are refused with the path in the message, which the
 * connection shows as its status reason.
 */
export async function loadTlsFiles(
  s: Pick<MqttSettings, 'tls' | 'caFile' | 'certFile' | 'keyFile'>,
  maxBytes = MAX_TLS_FILE_BYTES,
): Promise<TlsFiles> {
  const out: TlsFiles = {};
  if (!s.tls) return out;
  for (const [setting, field, what] of TLS_FILES) {
    const path = s[setting];
    if (!path) continue;
    try {
      out[field] = await readBounded(path, maxBytes);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code ? `(${e.code})` : `(${e.message})`;
      return { error: `Cannot read the ${what} file ${path} ${why}` };
    }
  }
  return out;
}

async function readBounded(path: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, holding a thread.
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    // Read at most one byte past the limit: a file that grew since stat is refused too.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) {
        if (n > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
        break;
      }
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/**
 * Where to connect when no broker is configured: the embedded broker (`embedded`: where it listens;
 * credentials only when it listens beyond loopback).
 */
export function embeddedEndpoint(
  s: MqttSettings,
  embedded: { host: string; port: number } | undefined,
  secrets: Pick<SecretStore, 'get'>,
): Endpoint {
  const info = embedded ?? { host: '127.0.0.1', port: s.embedded.port };
  const secured = info.host !== '127.0.0.1';
  return {
    host: '127.0.0.1',
    port: info.port,
    tls: false,
    username: secured ? s.embedded.username : '',
    password: secured ? secrets.get(EMBEDDED_PASSWORD_SECRET) : undefined,
    // aedes speaks MQTT 3.1.1 only (it refuses a version 5 CONNECT).
    protocolVersion: 4,
  };
}

/**
 * mqtt.js traces every packet through `debug` (about twenty calls per publish and PUBACK), and a
 * disabled `debug` still allocates each call's argument array: a steady source of garbage in an
 * idle engine. Tracing stays available with DEBUG set at start, as mqtt.js documents.
 */
export const mqttLog: IClientOptions['log'] = process.env.DEBUG ? undefined : () => {};

/** The broker URL shown in the dashboard. */
export const urlOf = (e: { host: string; port: number; tls: boolean }): string =>
  `${e.tls ? 'mqtts' : 'mqtt'}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;

/**
 * mqtt.js options for one connection attempt. mqtt.js's own reconnect is off (reconnectPeriod 0):
 * the service reconnects itself with a fresh client, so it can report attempts and delays, react
 * to a resume at once, and be sure no old client re-sends anything behind the outbox's back.
 * Throws with a readable message (naming the path) when a TLS file could not be read.
 */
export function clientOptions(
  s: MqttSettings,
  endpoint: Endpoint,
  gatewayId: string,
  connectTimeoutMs: number,
): IClientOptions {
  const opts: IClientOptions = {
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.tls ? 'mqtts' : 'mqtt',
    protocolVersion: endpoint.protocolVersion,
    clientId: s.clientId || `homebeat-${gatewayId}`,
    keepalive: s.keepaliveSec,
    clean: s.cleanSession,
    reconnectPeriod: 0,
    connectTimeout: connectTimeoutMs,
    resubscribe: false,
    queueQoSZero: false,
    // mqtt-packet otherwise pre-builds a Buffer for each of the 65,536 packet ids on its first
    // write: ~6 MB of heap for good, shared with aedes (one module copy), to save a 2-byte
    // allocation per QoS1 packet. The flag is module-wide, so every client here sets it.
    writeCache: false,
    log: mqttLog,
    will: { topic: statusTopic(gatewayId), payload: Buffer.from('offline'), qos: 1, retain: true },
  };
  if (endpoint.protocolVersion === 5 && !s.cleanSession) {
    // MQTT 5 ends a session with the connection unless it is asked to keep it.
    opts.properties = { sessionExpiryInterval: 7 * 24 * 3600 };
  }
  if (endpoint.username) opts.username = endpoint.username;
  if (endpoint.password !== undefined && endpoint.password !== '')
    opts.password = endpoint.password;
  if (endpoint.tls) {
    opts.rejectUnauthorized = s.rejectUnauthorized;
    opts.servername = endpoint.host;
    const files = endpoint.files ?? {};
    if (files.error) throw new Error(files.error);
    for (const [setting, field, what] of TLS_FILES) {
      if (!s[setting]) continue;
      // Never read here: this runs on the engine's thread at every connect.
      if (!files[field]) throw new Error(`The ${what} file ${s[setting]} was not read yet`);
      opts[field] = files[field];
    }
  }
  return opts;
}

/** CONNACK return codes (3.1.1) and reason codes (5) a user can act on, in words. */
const REFUSALS: Record<number, string> = {
  1: 'Refused: the broker does not accept this MQTT version',
  2: 'Refused: the broker rejected the client id',
  3: 'Refused: the broker is unavailable',
  4: 'Not authorized: bad username or password',
  5: 'Not authorized: bad username or password, or this user may not connect',
  128: 'Refused: unspecified error',
  132: 'Refused: the broker does not accept this MQTT version',
  133: 'Refused: the broker rejected the client id',
  134: 'Not authorized: bad username or password',
  135: 'Not authorized: this user may not connect',
  136: 'Refused: the broker is unavailable',
  137: 'Refused: the broker is busy',
  138: 'Refused: this client is banned',
  140: 'Refused: bad authentication method',
  151: 'Refused: quota exceeded',
  156: 'Refused: use another broker',
  157: 'Refused: the broker has moved',
  159: 'Refused: connection rate exceeded',
};

/** True when the broker itself said no (retrying soon will not help). */
export function isRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code > 0;
}

/** Any connection error in words a user understands. */
export function describeError(err: unknown, where?: string): string {
  if (!err) return 'Connection closed';
  const e = err as NodeJS.ErrnoException & { code?: string | number };
  if (typeof e.code === 'number')
    return REFUSALS[e.code] ?? `Refused by the broker (code ${e.code})`;
  const at = where ?? 'the broker';
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Connection refused: nothing is listening at ${where ?? 'that address'}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Host not found: ${at}`;
    case 'ETIMEDOUT':
      return `No answer from ${at}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Network unreachable: ${at}`;
    case 'ECONNRESET':
      return `Connection reset by ${at}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS: the broker's certificate is not trusted (${e.code}); add its CA file or turn verification off`;
    case 'CERT_HAS_EXPIRED':
      return "TLS: the broker's certificate has expired";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "TLS: the broker's certificate does not name this host";
    default:
      if (/connack timeout/i.test(e.message)) return `No answer from ${at} in time`;
      return e.message || String(err);
  }
}

export interface TestResult {
  ok: boolean;
  message: string;
}

/** Connects once with the given parameters and reports success or the broker's refusal. */
export async function testConnection(
  s: MqttSettings,
  endpoint: Endpoint,
  gatewayId: string,
  timeoutMs = 8000,
): Promise<TestResult> {
  const where = urlOf(endpoint);
  let opts: IClientOptions;
  try {
    const files = endpoint.files ?? (await loadTlsFiles({ ...s, tls: endpoint.tls }));
    opts = clientOptions(s, { ...endpoint, files }, gatewayId, timeoutMs);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  // A test must not take over the running connection's session or trigger its will.
  opts.clientId = `homebeat-test-${gatewayId}-${Math.random().toString(16).slice(2, 8)}`;
  opts.clean = true;
  delete opts.will;
  delete opts.properties;
  return new Promise((resolve) => {
    let done = false;
    const client = mqtt.connect(opts);
    const finish = (r: TestResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.end(true);
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ ok: false, message: `No answer from ${where} within ${timeoutMs} ms` }),
      timeoutMs + 500,
    );
    client.on('connect', () => finish({ ok: true, message: `Connected to ${where}` }));
    client.on('error', (err) => finish({ ok: false, message: describeError(err, where) }));
    client.on('close', () => finish({ ok: false, message: `Connection to ${where} closed` }));
  });
}
