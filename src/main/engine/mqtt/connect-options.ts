import { readFileSync } from 'node:fs';
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
}

/**
 * Where to connect: the configured broker with its stored password, or, with no host, the
 * embedded broker (`embedded`: where it listens; credentials only when it listens beyond loopback).
 */
export function endpointOf(
  s: MqttSettings,
  embedded: { host: string; port: number } | undefined,
  secrets: Pick<SecretStore, 'get'>,
): Endpoint {
  if (s.host) {
    const password = s.hasPassword ? secrets.get(PASSWORD_SECRET) : undefined;
    return { ...s, password };
  }
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
 * Throws with a readable message when a TLS file cannot be read.
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
    if (s.caFile) opts.ca = readTlsFile(s.caFile, 'CA certificate');
    if (s.certFile) opts.cert = readTlsFile(s.certFile, 'client certificate');
    if (s.keyFile) opts.key = readTlsFile(s.keyFile, 'client key');
  }
  return opts;
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the ${what} file ${path}${code ? ` (${code})` : ''}`);
  }
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
export function testConnection(
  s: MqttSettings,
  endpoint: Endpoint,
  gatewayId: string,
  timeoutMs = 8000,
): Promise<TestResult> {
  const where = urlOf(endpoint);
  let opts: IClientOptions;
  try {
    opts = clientOptions(s, endpoint, gatewayId, timeoutMs);
  } catch (err) {
    return Promise.resolve({ ok: false, message: (err as Error).message });
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
