/**
 * MQTT ingest throughput: the engine (MqttService -> SmartHomeService's Zigbee2MQTT bridge ->
 * readings -> device registry and history writes) against a plain mqtt.js subscriber, both on the
 * same real Mosquitto receiving the same Zigbee2MQTT-like stream of JSON states in the same run.
 * The plain subscriber and the publisher run in child processes, so the engine's event loop is not
 * shared with them. Prints both rates and the ratio (goal: >= 0.8).
 *
 *   npx tsx bench/mqtt-ingest.ts [messages=50000] [devices=25] [full|core|both]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from '../test/helpers/mosquitto.js';
import { createTestEngine, type TestEngine } from '../test/helpers/engine.js';
import type { EngineContext, EngineService } from '../src/main/engine/context.js';
import { HistoryService } from '../src/main/engine/history/history-service.js';
import { MqttService } from '../src/main/engine/mqtt/service.js';
import { SmartHomeService } from '../src/main/engine/mqtt/smarthome-service.js';
import { builtinDialects } from '../src/main/engine/compose.js';
import { WearableBridge } from '../src/main/engine/mqtt/bridge.js';
import { GatewayPeers } from '../src/main/engine/mqtt/gateways.js';
import type { HistoryApi, MqttApi } from '../src/main/engine/services.js';

const MESSAGES = Number(process.argv[2] ?? 50_000);
const DEVICES = Number(process.argv[3] ?? 25);
/** 'full', 'core' or both (default). */
const ONLY = process.argv[4] ?? 'both';
const DEADLINE_MS = 180_000;
const BASE = 'zigbee2mqtt';

const deviceName = (i: number) => `bench/sensor_${i}`;
const ieee = (i: number) => `0x00158d0000${(0x100000 + i).toString(16)}`;

/** Runs an ES module snippet in a child Node process (mqtt resolves from this project). */
function child(code: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const PLAIN_SUBSCRIBER = `
import mqtt from 'mqtt';
const n = Number(process.env.N);
const c = await mqtt.connectAsync(process.env.URL, { reconnectPeriod: 0 });
let count = 0, first = 0;
c.on('message', (t, p) => {
  JSON.parse(p.toString()); // a consumer that does nothing with the payload is not a consumer
  if (count === 0) first = Date.now();
  if (++count === n) {
    console.log(JSON.stringify({ first, last: Date.now(), count }));
    c.end(true); process.exit(0);
  }
});
await c.subscribeAsync(process.env.BASE + '/#', { qos: 0 });
console.log('ready');
`;

const PUBLISHER = `
import mqtt from 'mqtt';
const n = Number(process.env.N), devices = Number(process.env.D);
const c = await mqtt.connectAsync(process.env.URL, { reconnectPeriod: 0 });
for (let i = 0; i < n; i++) {
  const d = i % devices;
  const body = JSON.stringify({ temperature: 20 + (i % 500) / 100, humidity: 40 + (i % 300) / 10,
    battery: 90, linkquality: 120 + (i % 50), voltage: 3000 });
  c.publish(process.env.BASE + '/bench/sensor_' + d, body, { qos: 0 });
  // Let the socket drain now and then, so the stream flows instead of arriving in one lump.
  if (i % 200 === 199) await new Promise((r) => setImmediate(r));
}
await c.endAsync();
console.log('done');
`;

function lineFrom(p: ChildProcess, pred: (l: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('child timed out')), DEADLINE_MS);
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (pred(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    p.once('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
}

/** What a phase's engine is made of; the phase keeps the services it hooks into. */
interface Built {
  services: EngineService[];
  mqtt: MqttApi;
  history?: HistoryApi;
}

/** The full ingest path: history, MQTT with its outbox there, the smart home, the bridge out. */
function full(ctx: EngineContext): Built {
  const history = new HistoryService(ctx);
  const mqtt = new MqttService(ctx, { history });
  const smarthome = new SmartHomeService(ctx, { mqtt, dialects: builtinDialects() });
  const bridge = new WearableBridge(ctx, { mqtt });
  const gateways = new GatewayPeers(ctx, mqtt);
  return { services: [history, mqtt, smarthome, bridge, gateways], mqtt, history };
}

/** The MQTT service alone. */
function core(ctx: EngineContext): Built {
  const mqtt = new MqttService(ctx);
  return { services: [mqtt], mqtt };
}

interface PhaseResult {
  plainRate: number;
  engineRate: number;
  readings: number;
}

/**
 * One measured run: an engine made by `build`, a plain subscriber child, a publisher child.
 * `hook` counts what the engine handled and resolves when it has handled every message.
 */
async function phase(
  broker: Mosquitto,
  build: (ctx: EngineContext) => Built,
  hook: (te: TestEngine, built: Built, done: (count: number, readings: number) => void) => void,
  needsDeviceList: boolean,
): Promise<PhaseResult> {
  let built: Built | undefined;
  const te = await createTestEngine({
    start: false,
    compose: (ctx) => (built = build(ctx)).services,
  });
  if (!built) throw new Error('the engine was not composed');
  const services = built;
  te.engine.settings.update({
    general: { gatewayId: 'gw-bench' },
    mqtt: { host: '127.0.0.1', port: broker.port, zigbee2mqttBase: BASE },
  });
  await te.engine.start();
  const children: ChildProcess[] = [];
  try {
    await te.waitFor((b) => b.status?.mqtt.state === 'connected');
    if (needsDeviceList) await announceDevices(broker, te);
    let first = 0;
    let result = { count: 0, readings: 0, last: 0 };
    const engineDone = new Promise<void>((resolve) =>
      hook(te, services, (count, readings) => {
        if (count === 1) first = Date.now();
        if (count === MESSAGES) {
          result = { count, readings, last: Date.now() };
          resolve();
        }
      }),
    );
    const env = { URL: broker.url, N: String(MESSAGES), D: String(DEVICES), BASE };
    const plain = child(PLAIN_SUBSCRIBER, env);
    children.push(plain);
    const plainResult = lineFrom(plain, (l) => l.startsWith('{'));
    await lineFrom(plain, (l) => l === 'ready');
    children.push(child(PUBLISHER, env));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      engineDone,
      new Promise((_r, reject) => {
        timer = setTimeout(
          () => reject(new Error('the engine did not get every message')),
          DEADLINE_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    // History writes belong to the ingest: flush what is still batched and count it in.
    const { history } = services;
    if (history) {
      history.flush();
      result.last = Date.now();
    }
    const p = JSON.parse(await plainResult) as { first: number; last: number; count: number };
    return {
      plainRate: (p.count / Math.max(1, p.last - p.first)) * 1000,
      engineRate: (result.count / Math.max(1, result.last - first)) * 1000,
      readings: result.readings,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await te.close();
  }
}

/** The retained device list, as Zigbee2MQTT publishes it; waits until the engine has it. */
async function announceDevices(broker: Mosquitto, te: TestEngine): Promise<void> {
  const setup = await mqtt.connectAsync(broker.url);
  const numeric = (name: string, unit: string) => ({
    type: 'numeric',
    name,
    property: name,
    access: 1,
    unit,
  });
  const list = Array.from({ length: DEVICES }, (_, i) => ({
    ieee_address: ieee(i),
    friendly_name: deviceName(i),
    type: 'EndDevice',
    definition: {
      model: 'WSDCGQ11LM',
      vendor: 'Aqara',
      exposes: [
        numeric('temperature', '°C'),
        numeric('humidity', '%'),
        numeric('battery', '%'),
        numeric('voltage', 'mV'),
        numeric('linkquality', 'lqi'),
      ],
    },
  }));
  await setup.publishAsync(`${BASE}/bridge/devices`, JSON.stringify(list), {
    qos: 1,
    retain: true,
  });
  await setup.endAsync();
  const deadline = Date.now() + 30_000;
  while (te.engine.devices.list().filter((d) => d.source === 'zigbee2mqtt').length < DEVICES) {
    if (Date.now() > deadline) throw new Error('the engine did not pick up the device list');
    await new Promise((r) => setTimeout(r, 20));
  }
  // The per-device subscriptions go out with the device list: give them a moment to land.
  await new Promise((r) => setTimeout(r, 300));
}

const print = (label: string, r: PhaseResult) => {
  console.log(`${label}`);
  console.log(`  plain mqtt.js subscriber: ${r.plainRate.toFixed(0)} msgs/s`);
  console.log(`  engine:                   ${r.engineRate.toFixed(0)} msgs/s`);
  console.log(
    `  ratio engine/plain:       ${(r.engineRate / r.plainRate).toFixed(2)} (goal >= 0.8)`,
  );
};

async function main(): Promise<void> {
  const broker = await startMosquitto({ persistence: false });
  try {
    console.log(`${MESSAGES} Zigbee2MQTT-like JSON states from ${DEVICES} devices, QoS0`);
    if (ONLY !== 'core') {
      const result = await phase(
        broker,
        full,
        (te, _built, done) => {
          // One reading batch per state message the Zigbee2MQTT bridge handled.
          let n = 0;
          let readings = 0;
          te.engine.readings.subscribe((rs) => {
            if (rs[0]?.source !== 'zigbee2mqtt') return;
            readings += rs.length;
            done(++n, readings);
          });
        },
        true,
      );
      print(
        `full ingest (mqtt -> smarthome/zigbee2mqtt -> ${result.readings} readings -> registry, history):`,
        result,
      );
    }
    if (ONLY !== 'full') {
      const result = await phase(
        broker,
        core,
        (_te, built, done) => {
          let n = 0;
          built.mqtt.subscribe(`${BASE}/#`, (_t, p) => {
            JSON.parse(p.toString());
            done(++n, 0);
          });
        },
        false,
      );
      print('MqttApi.subscribe only (connection, routing, size check, JSON.parse):', result);
    }
  } finally {
    await broker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
