import { describe, expect, it } from 'vitest';
import { decodeCharacteristic } from '../../src/main/engine/ble/decoders/index.js';
import { decodeDisString, isDisString } from '../../src/main/engine/ble/decoders/health.js';
import { metricFor } from '../../src/main/engine/mqtt/metric-map.js';
import { parseCookies } from '../../src/main/serve/auth.js';
import { own } from '../../src/shared/own.js';

/**
 * Names from outside (a device, a broker, a request) looked up in the engine's tables: a name
 * like a member of Object.prototype is an unknown name, never the member (issue 14).
 */
const PROTO = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('lookups by untrusted names', () => {
  it('own() gives a table entry only', () => {
    const t = { a: 1 };
    for (const n of PROTO) expect(own(t, n)).toBeUndefined();
    expect(own(t, 'a')).toBe(1);
  });

  it('metricFor: a property, device class or unit named like a prototype member is unknown', () => {
    for (const n of PROTO) {
      expect(metricFor({ name: n }), n).toBeUndefined();
      expect(metricFor({ unit: n }), n).toBeUndefined();
      // A known metric with a unit named so: not convertible, so kept out.
      expect(metricFor({ name: 'temperature', unit: n }), n).toBeUndefined();
    }
    expect(metricFor({ name: 'temperature', unit: '°F' })?.convert(212)).toBe(100);
  });

  it('a characteristic uuid named like a prototype member is an unknown characteristic', () => {
    for (const n of PROTO) {
      expect(() => decodeCharacteristic(n, Buffer.from([1, 2]))).toThrow(
        `unknown characteristic ${n}`,
      );
      expect(isDisString(n)).toBe(false);
      expect(decodeDisString(n, Buffer.from('abc')).extra).toEqual({ text: 'abc' });
    }
  });

  it('cookies named like prototype members are cookies like others', () => {
    const c = parseCookies('__proto__=x; constructor=y; hb_token=z');
    expect(c.get('hb_token')).toBe('z');
    expect(c.get('__proto__')).toBe('x');
    expect(c.get('toString')).toBeUndefined();
  });
});
