import { describe, expect, it } from 'vitest';
import { mqttSettingsSchema } from '../../../shared/settings.js';
import { clientOptions, describeError, isRefusal, urlOf } from './connect-options.js';

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

  it('names the TLS file it cannot read', () => {
    expect(() =>
      clientOptions(
        settings({ tls: true, keyFile: '/nonexistent/key.pem' }),
        { ...endpoint, tls: true },
        'gw',
        1,
      ),
    ).toThrow('Cannot read the client key file /nonexistent/key.pem (ENOENT)');
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
