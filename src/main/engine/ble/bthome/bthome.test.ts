import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decoders/index.js';
import { encrypt, nonce } from './crypto.js';
import { decodeBthome, encodeBthome } from './index.js';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
/** One object after a plain v2 device-info byte (0x40), as in the examples of bthome.io/format. */
const one = (objectHex: string) => decodeBthome(hex(`40${objectHex}`));

function errorOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('BTHome v2 sensor data: the example column of https://bthome.io/format', () => {
  // [object hex, metric, value in the canonical unit, extra.unit for generic readings]
  const rows: [string, string, number, string?][] = [
    ['518756', 'generic', 22.151, 'm/s²'], // acceleration
    ['0161', 'battery', 97],
    ['12E204', 'co2', 1250],
    ['56E803', 'generic', 1000, 'µS/cm'], // conductivity
    ['0960', 'count', 96],
    ['3D0960', 'count', 24585],
    ['3E2A2C0960', 'count', 1611213866],
    ['59EA', 'count', -22],
    ['5AEAEA', 'count', -5398],
    ['5BEA0234EA', 'count', -365690134],
    ['434E34', 'current', 13.39],
    ['5D02EA', 'current', -5.63],
    ['08CA06', 'generic', 17.38, '°C'], // dew point
    ['400C00', 'distance', 0.012], // 12 mm
    ['414E00', 'distance', 7.8],
    ['424E3400', 'generic', 13.39, 's'], // duration
    ['4D12138A14', 'energy', 344593.17],
    ['0A138A14', 'energy', 1346.067],
    ['4B138A14', 'generic', 1346.067, 'm³'], // gas
    ['4C41018A01', 'generic', 25821.505, 'm³'],
    ['528756', 'generic', 22.151, '°/s'], // gyroscope
    ['03BF13', 'humidity', 50.55],
    ['2E23', 'humidity', 35],
    ['05138A14', 'illuminance', 13460.67],
    ['065E1F', 'weight', 80.3],
    ['073E1D', 'weight', 33.955925], // 74.86 lb
    ['14020C', 'moisture', 30.74],
    ['2F23', 'moisture', 35],
    ['0D120C', 'pm25', 3090],
    ['0E021C', 'pm10', 7170],
    ['0B021B00', 'power', 69.14],
    ['5C02FBFFFF', 'power', -12.78],
    ['04138A01', 'pressure', 1008.83],
    ['3F020C', 'generic', 307.4, '°'], // rotation
    ['444E34', 'speed', 133.9],
    ['57EA', 'temperature', -22],
    ['58EA', 'temperature', -7.7],
    ['451101', 'temperature', 27.3],
    ['02CA09', 'temperature', 25.06],
    ['133301', 'tvoc', 307],
    ['0C020C', 'voltage', 3.074],
    ['4A020C', 'voltage', 307.4],
    ['4E87562A01', 'generic', 19551.879, 'L'], // volume
    ['478756', 'generic', 2215.1, 'L'],
    ['48DC87', 'generic', 34780, 'mL'],
    ['5587562A01', 'generic', 19551.879, 'L'], // volume storage
    ['49DC87', 'generic', 34.78, 'm³/h'],
    ['4632', 'generic', 5, ''], // UV index
    ['4F87562A01', 'generic', 19551.879, 'L'], // water
    ['5E9F8C', 'generic', 359.99, '°'], // direction
  ];

  it.each(rows)('%s -> %s %d', (objectHex, metric, value, unit) => {
    const r = one(objectHex);
    expect(r.values).toHaveLength(1);
    expect(r.values[0]).toMatchObject({ metric, value });
    expect(r.values[0].extra?.objectId).toBe(parseInt(objectHex.slice(0, 2), 16));
    if (unit !== undefined) expect(r.values[0].extra?.unit).toBe(unit);
  });

  it('the page example: 40 02C409 03BF13 = 25.00 °C, 50.55 %', () => {
    // Also accepted with the UUID still in front, as service data is often printed (D2FC...).
    for (const data of ['4002C40903BF13', 'D2FC4002C40903BF13']) {
      const r = decodeBthome(hex(data));
      expect(r.values.map((v) => [v.metric, v.value, v.unit])).toEqual([
        ['temperature', 25, '°C'],
        ['humidity', 50.55, '%'],
      ]);
      expect(r.encrypted).toBe(false);
    }
  });

  it('timestamp, text, raw, packet id, device type and firmware versions', () => {
    expect(one('505d396164').extra?.timestamp).toBe(Date.UTC(2023, 4, 14, 19, 41, 17));
    expect(one('530C48656C6C6F20576F726C6421').extra?.text).toBe('Hello World!');
    expect(one('540C48656C6C6F20576F726C6421').extra?.raw).toBe('48656c6c6f20576f726c6421');
    expect(one('0009').packetId).toBe(9);
    expect(one('F00100').extra?.deviceTypeId).toBe(1);
    expect(one('F100010204').extra?.firmwareVersion).toBe('4.2.1.0');
    expect(one('F2000106').extra?.firmwareVersion).toBe('6.1.0');
  });
});

describe('BTHome binary sensors and events', () => {
  it('binary sensors become metric state with the sensor name', () => {
    expect(one('1A00').values[0]).toEqual({
      metric: 'state',
      value: 0,
      unit: '',
      extra: { objectId: 0x1a, sensor: 'door' },
      entity: 'door',
    });
    const names: [string, string][] = [
      ['1501', 'battery_low'],
      ['1601', 'battery_charging'],
      ['1700', 'carbon_monoxide'],
      ['1801', 'cold'],
      ['1900', 'connectivity'],
      ['1B01', 'garage_door'],
      ['1C01', 'gas'],
      ['0F01', 'generic_boolean'],
      ['1D00', 'heat'],
      ['1E01', 'light'],
      ['1F01', 'lock'],
      ['2001', 'moisture'],
      ['2100', 'motion'],
      ['2201', 'moving'],
      ['2301', 'occupancy'],
      ['1100', 'opening'],
      ['2400', 'plug'],
      ['1001', 'power'],
      ['2500', 'presence'],
      ['2601', 'problem'],
      ['2701', 'running'],
      ['2800', 'safety'],
      ['2901', 'smoke'],
      ['2A00', 'sound'],
      ['2B00', 'tamper'],
      ['2C01', 'vibration'],
      ['2D01', 'window'],
    ];
    for (const [h, sensor] of names) {
      const v = one(h).values[0];
      expect(v.extra?.sensor).toBe(sensor);
      expect(v.value).toBe(parseInt(h.slice(2), 16));
      // Its entity is the object; a name a measurement also has takes a suffix (power in W).
      expect(v.entity).toBe(
        ['power', 'moisture', 'gas'].includes(sensor) ? `${sensor}_binary` : sensor,
      );
    }
  });

  it('each object instance is an entity of its own: the object with its instance', () => {
    // Temperature twice (0x02, then 0x45), humidity, power in W and "power on", a window.
    const res = decodeBthome(
      encodeBthome([
        { id: 0x02, value: 21.5 },
        { id: 0x03, value: 40 },
        { id: 0x0b, value: 12.5 },
        { id: 0x10, value: 1 },
        { id: 0x2d, value: 0 },
        { id: 0x45, value: 4.2 },
      ]),
      {},
    );
    expect(res.values.map((v) => [v.entity, v.metric])).toEqual([
      ['temperature', 'temperature'],
      ['humidity', 'humidity'],
      ['power', 'power'],
      ['power_binary', 'state'],
      ['window', 'state'],
      ['temperature_2', 'temperature'],
    ]);
  });

  it('a binary value other than 0/1 is an error', () => {
    expect(errorOf(() => one('1A02')).message).toMatch(/door has value 2/);
  });

  it('button and dimmer events, several of a type in one packet', () => {
    const codes: [string, string][] = [
      ['00', 'none'],
      ['01', 'press'],
      ['02', 'double_press'],
      ['03', 'triple_press'],
      ['04', 'long_press'],
      ['05', 'long_double_press'],
      ['06', 'long_triple_press'],
      ['80', 'hold_press'],
    ];
    for (const [code, event] of codes) {
      expect(one(`3A${code}`).events).toEqual([{ type: 'button', event, index: 0 }]);
    }
    // "3A003A01: no event for the first button, press for the second" (bthome.io/format)
    expect(one('3A003A01').events).toEqual([
      { type: 'button', event: 'none', index: 0 },
      { type: 'button', event: 'press', index: 1 },
    ]);
    expect(one('3C0103').events).toEqual([
      { type: 'dimmer', event: 'rotate_left', index: 0, steps: 3 },
    ]);
    expect(one('3C020A').events).toEqual([
      { type: 'dimmer', event: 'rotate_right', index: 0, steps: 10 },
    ]);
  });
});

describe('BTHome errors keep what was decoded', () => {
  it('stops at an unknown object id with the reason, keeping the values before it', () => {
    const r = decodeBthome(hex('40 02CA09 03BF13 B0 01'));
    expect(r.values.map((v) => v.value)).toEqual([25.06, 50.55]);
    expect(r.stopped).toBe(
      'unknown object id 0xb0 at byte 6; kept the 2 value(s) decoded before it',
    );
  });

  it('an unknown button or dimmer event code ends the parse: no event is made up', () => {
    const r = decodeBthome(hex('40 01 61 3A 01 3A 7F 3A 01'));
    expect(r.events).toEqual([{ type: 'button', event: 'press', index: 0 }]);
    expect(r.values.map((v) => v.metric)).toEqual(['battery']);
    expect(r.stopped).toBe('object 0x3a at byte 4: button event code 0x7f is unknown');
    expect(decodeBthome(hex('40 3C 09 03')).stopped).toMatch(/dimmer event code 0x09/);
  });

  it('a truncated object, a wrong version and an empty payload', () => {
    expect(errorOf(() => one('02CA')).message).toMatch(/object 0x02: truncated/);
    expect(errorOf(() => decodeBthome(hex('2002CA09'))).message).toMatch(/unsupported version 1/);
    expect(errorOf(() => decodeBthome(Buffer.alloc(0))).message).toMatch(/empty/);
  });

  it('numbers repeated objects of one kind in packet order', () => {
    const r = decodeBthome(hex('40 02CA09 02C409 2D01 2D00'));
    expect(r.values.map((v) => [v.value, v.extra?.instance])).toEqual([
      [25.06, undefined],
      [25, 2],
      [1, undefined],
      [0, 2],
    ]);
  });

  it('notes objects out of numerical order but still decodes them', () => {
    const r = decodeBthome(hex('40 03BF13 02CA09'));
    expect(r.values).toHaveLength(2);
    expect(r.extra?.outOfOrder).toBe(true);
  });
});

describe('BTHome encryption (https://bthome.io/encryption example)', () => {
  const key = hex('231d39c1d7cc1ab1aee224cd096db932');
  const mac = '54:48:E6:8F:80:A5';
  const example = hex('41 a47266c95f73 00112233 78237214');

  it('decrypts the example with its bind key and MAC', () => {
    const r = decodeBthome(example, { key, mac });
    expect(r.encrypted).toBe(true);
    expect(r.counter).toBe(0x33221100);
    expect(r.values.map((v) => [v.metric, v.value])).toEqual([
      ['temperature', 25.06],
      ['humidity', 50.55],
    ]);
  });

  it('encodes the example to the same bytes', () => {
    const out = encodeBthome(
      [
        { id: 0x02, value: 25.06 },
        { id: 0x03, value: 50.55 },
      ],
      { key, mac: '5448e68f80a5', counter: 0x33221100 },
    );
    expect(out.toString('hex')).toBe(example.toString('hex'));
  });

  it('a wrong key, an altered byte, no key and no MAC are clear errors', () => {
    const wrong = Buffer.from(key);
    wrong[0] ^= 1;
    expect(errorOf(() => decodeBthome(example, { key: wrong, mac })).message).toBe(
      'BTHome decryption failed: wrong bind key or corrupted data',
    );
    const altered = Buffer.from(example);
    altered[3] ^= 0x80;
    expect(errorOf(() => decodeBthome(altered, { key, mac })).message).toMatch(/decryption failed/);
    expect(errorOf(() => decodeBthome(example, { key, mac: '54:48:E6:8F:80:A6' })).message).toMatch(
      /decryption failed/,
    );
    expect(errorOf(() => decodeBthome(example, { mac })).message).toMatch(/no bind key/);
    expect(errorOf(() => decodeBthome(example, { key })).message).toMatch(/MAC address/);
    expect(errorOf(() => decodeBthome(hex('41a472'), { key, mac })).message).toMatch(/too short/);
  });

  it('exposes the counter so the caller can reject replays', () => {
    const a = decodeBthome(encodeBthome([{ id: 1, value: 90 }], { key, mac, counter: 7 }), {
      key,
      mac,
    });
    const b = decodeBthome(encodeBthome([{ id: 1, value: 90 }], { key, mac, counter: 8 }), {
      key,
      mac,
    });
    expect(b.counter! > a.counter!).toBe(true);
  });
});

describe('encodeBthome', () => {
  it('sorts objects by id, encodes events and refuses values that do not fit', () => {
    expect(
      encodeBthome([
        { id: 0x03, value: 50.55 },
        { id: 0x02, value: 25 },
      ]).toString('hex'),
    ).toBe('4002c40903bf13');
    expect(
      one(
        encodeBthome([{ id: 0x3c, value: -3 }])
          .subarray(1)
          .toString('hex'),
      ).events,
    ).toEqual([{ type: 'dimmer', event: 'rotate_left', index: 0, steps: 3 }]);
    expect(() => encodeBthome([{ id: 0x01, value: 300 }])).toThrow(/does not fit/);
    expect(() => encodeBthome([{ id: 0xb0, value: 1 }])).toThrow(/unknown/);
  });
});

describe('BTHome MAC-included flag (device information bit 1)', () => {
  const key = hex('231d39c1d7cc1ab1aee224cd096db932');
  const mac = hex('5448e68f80a5');
  const reversed = Buffer.from(mac).reverse().toString('hex');

  it('plain: the 6 bytes after the info byte are the MAC (reversed), then the objects', () => {
    const r = decodeBthome(hex(`42 ${reversed} 02C409 03BF13`));
    expect(r.mac).toBe('54:48:e6:8f:80:a5');
    expect(r.values.map((v) => [v.metric, v.value])).toEqual([
      ['temperature', 25],
      ['humidity', 50.55],
    ]);
    expect(() => decodeBthome(hex('42 a5808f'))).toThrow(/MAC is truncated/);
  });

  it('encrypted: the nonce uses the MAC of the frame, not the address it was heard from', () => {
    const counter = hex('01000000');
    const { ciphertext, mic } = encrypt(key, nonce(mac, 0x43, counter), hex('02CA09 03BF13'));
    const frame = Buffer.concat([hex(`43 ${reversed}`), ciphertext, counter, mic]);
    const r = decodeBthome(frame, { key, mac: 'de:ad:be:ef:00:01' });
    expect(r.encrypted).toBe(true);
    expect(r.counter).toBe(1);
    expect(r.values.map((v) => v.value)).toEqual([25.06, 50.55]);
  });
});
