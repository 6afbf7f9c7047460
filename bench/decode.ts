/**
 * Decode throughput (payloads/s) for the profiles a gateway sees most. Each case runs for about
 * one second or 2 million payloads, whichever comes first, after a short warm-up.
 * Run: npx tsx bench/decode.ts
 */
import { decodeBthome, encodeBthome } from '../src/main/engine/ble/bthome/index.js';
import { ADVERT_FORMATS } from '../src/main/engine/ble/formats/index.js';
import type { AdvertFormat } from '../src/main/engine/ble/formats/index.js';
import type { Advertisement } from '../src/main/engine/ble/radio.js';
import {
  createDecoderState,
  decodeCharacteristic,
  encodeDateTime,
} from '../src/main/engine/ble/decoders/index.js';

const MAX_COUNT = 2_000_000;
const MAX_MS = 1000;
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

function cpPayloads(): Buffer[] {
  // Power + wheel + crank data, advancing like a rider at ~30 km/h and 90 rpm.
  return Array.from({ length: 64 }, (_, i) => {
    const b = Buffer.alloc(14);
    b.writeUInt16LE(0x0030, 0);
    b.writeInt16LE(200 + (i % 50), 2);
    b.writeUInt32LE(1000 + i * 4, 4);
    b.writeUInt16LE((i * 2048) & 0xffff, 8);
    b.writeUInt16LE(100 + Math.floor(i * 1.5), 10);
    b.writeUInt16LE((i * 683) & 0xffff, 12);
    return b;
  });
}

const key = hex('231d39c1d7cc1ab1aee224cd096db932');
const mac = '54:48:E6:8F:80:A5';
const bthome = Array.from({ length: 64 }, (_, i) =>
  encodeBthome(
    [
      { id: 0x01, value: 90 },
      { id: 0x02, value: 21.5 + i / 100 },
      { id: 0x03, value: 45.2 },
    ],
    { key, mac, counter: i + 1 },
  ),
);
const stamp = encodeDateTime(new Date(2026, 0, 2, 8, 0, 0)).toString('hex');

const cases: { name: string; payloads: Buffer[]; run: (b: Buffer) => unknown }[] = [
  {
    name: 'Heart Rate 0x2A37 (u8, contact, energy, 2 RR)',
    payloads: [hex('1e 48 10 00 00 04 00 02')],
    run: (b) => decodeCharacteristic('2a37', b),
  },
  {
    name: 'Temperature 0x2A1C (FLOAT, timestamp, type)',
    payloads: [hex(`06 6c 01 00 ff ${stamp} 02`)],
    run: (b) => decodeCharacteristic('2a1c', b),
  },
  {
    name: 'Weight 0x2A9D (SI, timestamp, user, BMI+height)',
    payloads: [hex(`0e b0 36 ${stamp} 01 e5 00 d6 06`)],
    run: (b) => decodeCharacteristic('2a9d', b),
  },
  (() => {
    const state = createDecoderState();
    return {
      name: 'Cycling Power 0x2A63 (wheel+crank, with state)',
      payloads: cpPayloads(),
      run: (b: Buffer) => decodeCharacteristic('2a63', b, state),
    };
  })(),
  {
    name: 'BTHome v2 encrypted (AES-CCM, 3 objects)',
    payloads: bthome,
    run: (b) => decodeBthome(b, { key, mac }),
  },
];

/*
 * One typical advertisement per format, decoded through its row of the table as the receiver
 * does (matching included). Encrypted formats get a fresh state each time: the bench measures
 * decoding, not the replay check.
 */
const ADVERTS: { label: string; a: Partial<Advertisement>; key?: string }[] = [
  {
    label: 'BTHome v2 plain (2 objects)',
    a: { serviceData: [{ uuid: 'fcd2', data: hex('4002C40903BF13') }] },
  },
  {
    label: 'MiBeacon v5 encrypted (LYWSD03MMC)',
    a: {
      address: 'a4:c1:38:02:83:f4',
      serviceData: [{ uuid: 'fe95', data: hex('58585b0550f4830238c1a495ef58763c26000097e2abb5') }],
    },
    key: 'e9ea895fac7cca6d30532432a516f3a8',
  },
  {
    label: 'MiBeacon plain (LYWSDCGQ)',
    a: { serviceData: [{ uuid: 'fe95', data: hex('5020aa01da64aed0a8654c0d1004fe004802') }] },
  },
  {
    label: 'ATC1441 (0x181A)',
    a: { serviceData: [{ uuid: '181a', data: hex('a4c138a1b2c300e6325a0bb712') }] },
  },
  {
    label: 'PVVX custom (0x181A)',
    a: { serviceData: [{ uuid: '181a', data: hex('c3b2a138c1a4dc088115c40b577d05') }] },
  },
  {
    label: 'RuuviTag RAWv2',
    a: { manufacturerData: hex('99040512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F') },
  },
  { label: 'RuuviTag RAWv1', a: { manufacturerData: hex('990403291A1ECE1EFC18F94202CA0B53') } },
  { label: 'Govee H5075', a: { name: 'GVH5075_83F4', manufacturerData: hex('88ec0003bb946400') } },
  { label: 'SwitchBot Meter', a: { serviceData: [{ uuid: 'fd3d', data: hex('54006405972c') }] } },
  {
    label: 'iBeacon',
    a: { manufacturerData: hex('4c000215e2c56db5dffb48d2b060d0f5a71096e000010002c5') },
  },
  {
    label: 'Eddystone TLM',
    a: { serviceData: [{ uuid: 'feaa', data: hex('2000 0bb8 1780 00000064 00000e10') }] },
  },
  {
    label: 'Qingping CGP1W',
    a: {
      serviceData: [{ uuid: 'fdcd', data: hex('0809c2b1a0342d580104ca008c01070294270201 5e') }],
    },
  },
  {
    label: 'BTHome v1 (2 objects)',
    a: { serviceData: [{ uuid: '181c', data: hex('2302C4090303BF13') }] },
  },
  {
    label: 'Xiaomi body composition scale',
    a: { serviceData: [{ uuid: '181b', data: hex('0226e9070c01081e00f401a03c') }] },
  },
  { label: 'Inkbird IBS-TH', a: { name: 'sps', manufacturerData: hex('ca09ac1300123455 08') } },
  {
    label: 'ThermoBeacon',
    a: { name: 'ThermoBeacon', manufacturerData: hex('10000000a1b2c3d4e5f6c20b5801200310270000') },
  },
  {
    label: 'Aranet4',
    a: { manufacturerData: hex('0207 21050301000500014304 9f018b27350c023c00100055') },
  },
];

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function advertCase(c: (typeof ADVERTS)[number]) {
  const a: Advertisement = {
    address: 'a4:c1:38:a1:b2:c3',
    rssi: -60,
    serviceUuids: [],
    serviceData: [],
    connectable: false,
    ...c.a,
  };
  const format: AdvertFormat | undefined = ADVERT_FORMATS.find((f) => f.matches(a));
  if (!format) throw new Error(`bench: no format for ${c.label}`);
  const secrets = c.key ? { get: () => c.key } : { get: () => undefined };
  return {
    name: `${format.id}: ${c.label}`,
    payloads: [Buffer.alloc(0)],
    run: () => {
      if (!format.matches(a)) throw new Error('no match');
      return format.decode(a, { deviceId: a.address, secrets, state: {}, log: quiet });
    },
  };
}

cases.push(...ADVERTS.map(advertCase));

function measure(c: (typeof cases)[number]): { count: number; ms: number } {
  const n = c.payloads.length;
  for (let i = 0; i < 10_000; i++) c.run(c.payloads[i % n]); // warm-up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (count < MAX_COUNT && elapsed < MAX_MS) {
    for (let j = 0; j < 1000; j++) c.run(c.payloads[(count + j) % n]);
    count += 1000;
    elapsed = performance.now() - start;
  }
  return { count, ms: elapsed };
}

console.log(
  `decode throughput (node ${process.version}, ${MAX_MS} ms or ${MAX_COUNT} payloads each)`,
);
for (const c of cases) {
  const { count, ms } = measure(c);
  const perSecond = Math.round((count / ms) * 1000);
  const usEach = ((ms * 1000) / count).toFixed(2);
  console.log(
    `  ${c.name.padEnd(50)} ${perSecond.toLocaleString('en-US').padStart(12)} payloads/s  (${usEach} µs each)`,
  );
}
