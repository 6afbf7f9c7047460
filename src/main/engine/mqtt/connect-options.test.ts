import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mqttSettingsSchema } from '../../../shared/settings.js';
import {
  clientOptions,
  describeError,
  isRefusal,
  loadTlsFiles,
  MAX_TLS_FILE_BYTES,
  urlOf,
} from './connect-options.js';

const settings = (patch: object = {}) => mqttSettingsSchema.parse({ host: 'broker.lan', ...patch });
const endpoint = {
  host: 'broker.lan',
  port: 1883,
  tls: false,
  username: '',
  protocolVersion: 4 as const,
};

describe('clientOptions', () => {
  it('sets the will, a stable client id and leaves reconnecting to the service', () => {
    const o = clientOptions(settings(), endpoint, 'gw-1', 5000);
    expect(o).toMatchObject({
      clientId: 'homebeat-gw-1',
      clean: false,
      reconnectPeriod: 0,
      keepalive: 30,
      will: { topic: 'homebeat/gw-1/status', qos: 1, retain: true },
    });
    expect(o.will!.payload.toString()).toBe('offline');
    expect(o.password).toBeUndefined();
  });

  it('asks an MQTT 5 broker to keep a persistent session', () => {
    const o = clientOptions(
      settings({ clientId: 'mine' }),
      { ...endpoint, protocolVersion: 5, username: 'u', password: 'p' },
      'gw',
      1,
    );
    expect(o).toMatchObject({ clientId: 'mine', protocolVersion: 5, username: 'u', password: 'p' });
    expect(o.properties?.sessionExpiryInterval).toBeGreaterThan(0);
    const clean = clientOptions(
      settings({ cleanSession: true }),
      { ...endpoint, protocolVersion: 5 },
      'gw',
      1,
    );
    expect(clean.properties).toBeUndefined();
  });

  it('names the TLS file it cannot read', async () => {
    const s = settings({ tls: true, keyFile: '/nonexistent/key.pem' });
    const files = await loadTlsFiles(s);
    expect(() => clientOptions(s, { ...endpoint, tls: true, files }, 'gw', 1)).toThrow(
      'Cannot read the client key file /nonexistent/key.pem (ENOENT)',
    );
  });

  it('never reads a TLS file itself: only what was read beforehand is used', () => {
    const s = settings({ tls: true, caFile: '/etc/hostname' });
    expect(() => clientOptions(s, { ...endpoint, tls: true }, 'gw', 1)).toThrow(/not read yet/);
    const ca = Buffer.from('PEM');
    expect(clientOptions(s, { ...endpoint, tls: true, files: { ca } }, 'gw', 1).ca).toBe(ca);
  });
});

describe('loadTlsFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hb-tlsfiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tls = (caFile: string) => settings({ tls: true, caFile });

  it('reads regular files', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    writeFileSync(join(dir, 'key.pem'), 'KEY');
    const files = await loadTlsFiles(
      settings({ tls: true, caFile: join(dir, 'ca.pem'), keyFile: join(dir, 'key.pem') }),
    );
    expect(files).toEqual({ ca: Buffer.from('CA'), key: Buffer.from('KEY') });
    // Without TLS the paths are not read at all.
    expect(await loadTlsFiles({ ...tls('/dev/zero'), tls: false })).toEqual({});
  });

  it('refuses a FIFO at once instead of waiting for a writer forever', async () => {
    const fifo = join(dir, 'ca.fifo');
    execFileSync('mkfifo', [fifo]);
    const files = await loadTlsFiles(tls(fifo));
    expect(files.error).toBe(`Cannot read the CA certificate file ${fifo} (not a regular file)`);
  });

  it('refuses devices and folders, which are not certificate files', async () => {
    expect((await loadTlsFiles(tls('/dev/zero'))).error).toBe(
      'Cannot read the CA certificate file /dev/zero (not a regular file)',
    );
    expect((await loadTlsFiles(tls(dir))).error).toMatch(/not a regular file|EISDIR/);
  });

  it('refuses a file over the size limit', async () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, '');
    truncateSync(big, MAX_TLS_FILE_BYTES + 1);
    expect((await loadTlsFiles(tls(big))).error).toBe(
      `Cannot read the CA certificate file ${big} (larger than ${MAX_TLS_FILE_BYTES} bytes)`,
    );
    expect((await loadTlsFiles(tls(big), 2 * MAX_TLS_FILE_BYTES)).ca?.length).toBe(
      MAX_TLS_FILE_BYTES + 1,
    );
  });
});

describe('describeError', () => {
  const refusal = (code: number) => Object.assign(new Error('Connection refused'), { code });
  it('puts CONNACK refusals of both protocol versions in words', () => {
    expect(describeError(refusal(4))).toBe('Not authorized: bad username or password');
    expect(describeError(refusal(134))).toBe('Not authorized: bad username or password');
    expect(describeError(refusal(135))).toBe('Not authorized: this user may not connect');
    expect(describeError(refusal(2))).toMatch(/client id/);
    expect(describeError(refusal(250))).toBe('Refused by the broker (code 250)');
    expect(isRefusal(refusal(5))).toBe(true);
  });

  it('explains network and TLS failures', () => {
    const sys = (code: string) => Object.assign(new Error(code), { code });
    expect(describeError(sys('ECONNREFUSED'), 'mqtt://h:1')).toBe(
      'Connection refused: nothing is listening at mqtt://h:1',
    );
    expect(describeError(sys('ENOTFOUND'), 'mqtt://nowhere:1883')).toBe(
      'Host not found: mqtt://nowhere:1883',
    );
    expect(describeError(sys('DEPTH_ZERO_SELF_SIGNED_CERT'))).toMatch(
      /^TLS: the broker's certificate is not trusted/,
    );
    expect(describeError(new Error('connack timeout'))).toBe('No answer from the broker in time');
    expect(isRefusal(sys('ECONNREFUSED'))).toBe(false);
    expect(describeError(null)).toBe('Connection closed');
  });

  it('formats URLs, IPv6 included', () => {
    expect(urlOf({ host: '::1', port: 8883, tls: true })).toBe('mqtts://[::1]:8883');
  });
});
