import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/ports.js';
import { startMqttEngine, type MqttEngine } from './core-helpers.js';

/**
 * TLS against a real broker (aedes behind node:tls; the Mosquitto harness has no TLS listener),
 * with a throw-away CA, a server certificate for 127.0.0.1 and a client certificate.
 */
const dir = mkdtempSync(join(tmpdir(), 'homebeat-tls-'));
const f = (n: string) => join(dir, n);
let broker: Aedes;
let server: Server;
let port = 0;
const open: MqttEngine[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Homebeat Test CA',
  );
  for (const who of ['server', 'client']) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      `/CN=${who === 'server' ? '127.0.0.1' : 'homebeat'}`,
    );
  }
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > san.ext'], { cwd: dir });
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
  );
  broker = await Aedes.createBroker();
  server = createServer(
    {
      key: readFileSync(f('server.key')),
      cert: readFileSync(f('server.crt')),
      ca: readFileSync(f('ca.crt')),
      // A client certificate is asked for; the test with one checks it reached the broker.
      requestCert: true,
      rejectUnauthorized: false,
    },
    broker.handle,
  );
  port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
afterAll(async () => {
  await new Promise<void>((r) => broker?.close(() => r()));
  await new Promise<void>((r) => server?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function engine(mqtt: Parameters<typeof startMqttEngine>[0]['mqtt']): Promise<MqttEngine> {
  const e = await startMqttEngine({ mqtt: { host: '127.0.0.1', port, tls: true, ...mqtt } });
  open.push(e);
  return e;
}

describe('MQTT over TLS', () => {
  it('connects when the CA file vouches for the broker', async () => {
    const e = await engine({ caFile: f('ca.crt') });
    const s = await e.waitMqtt((m) => m.state === 'connected');
    expect(s.url).toBe(`mqtts://127.0.0.1:${port}`);
  });

  it('refuses an untrusted broker in words, unless verification is turned off', async () => {
    const strict = await engine({});
    const s = await strict.waitMqtt((m) => m.state === 'reconnecting');
    expect(s.reason).toMatch(/^TLS: the broker's certificate is not trusted/);
    const lax = await engine({ rejectUnauthorized: false });
    await lax.waitMqtt((m) => m.state === 'connected');
  });

  it('presents the client certificate', async () => {
    const seen: (string | undefined)[] = [];
    const onSecure = (sock: import('node:tls').TLSSocket) =>
      seen.push((sock.getPeerCertificate().subject as { CN?: string } | undefined)?.CN);
    server.on('secureConnection', onSecure);
    try {
      const e = await engine({
        caFile: f('ca.crt'),
        certFile: f('client.crt'),
        keyFile: f('client.key'),
      });
      await e.waitMqtt((m) => m.state === 'connected');
      expect(seen).toContain('homebeat');
    } finally {
      server.off('secureConnection', onSecure);
    }
  });

  it('says which TLS file it cannot read', async () => {
    const e = await engine({ caFile: f('missing.crt') });
    const s = await e.waitMqtt((m) => m.state === 'error');
    expect(s.reason).toMatch(/Cannot read the CA certificate file .*missing\.crt \(ENOENT\)/);
  });
});
