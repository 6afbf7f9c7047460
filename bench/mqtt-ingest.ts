/**
 * MQTT ingest throughput: the engine (MqttService -> SmartHomeService's Zigbee2MQTT bridge ->
 * readings -> device registry and history writes) against a plain mqtt.js subscriber, both on the
 * same real Mosquitto receiving the same Zigbee2MQTT-like stream of JSON states in the same run.
 * The plain subscriber and the publisher run in child processes, so the engine's event loop is not
 * shared with them. Prints both rates and the ratio (goal: >= 0.8).
 *
 *   npx tsx bench/mqtt-ingest.ts [messages=50000] [devices=25]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import mqtt from 'mqtt';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { createTestEngine } from '../test/helpers/engine.js';
import { historyService } from '../src/main/engine/history/history-service.js';
import { mqttService } from '../src/main/engine/mqtt/service.js';
import { smartHomeService } from '../src/main/engine/mqtt/smarthome-service.js';
import type { HistoryApi } from '../src/main/engine/services.js';

const MESSAGES = Number(process.argv[2] ?? 50_000);
const DEVICES = Number(process.argv[3] ?? 25);
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

async function main(): Promise<void> {
  const broker = await startMosquitto({ persistence: false });
  const te = await createTestEngine({
    start: false,
    services: [historyService(), mqttService(), smartHomeService({ simulateHome: false })],
  });
  te.engine.settings.update({
    general: { gatewayId: 'gw-bench' },
    mqtt: { host: '127.0.0.1', port: broker.port, zigbee2mqttBase: BASE },
  });
  await te.engine.start();
  const children: ChildProcess[] = [];
  try {
    await te.waitFor((b) => b.status?.mqtt.state === 'connected');
    // The retained device list, as Zigbee2MQTT publishes it.
    const setup = await mqtt.connectAsync(broker.url);
    const list = Array.from({ length: DEVICES }, (_, i) => ({
      ieee_address: ieee(i),
      friendly_name: deviceName(i),
      type: 'EndDevice',
      definition: {
        model: 'WSDCGQ11LM',
        vendor: 'Aqara',
        exposes: [
          { type: 'numeric', name: 'temperature', property: 'temperature', access: 1, unit: '°C' },
          { type: 'numeric', name: 'humidity', property: 'humidity', access: 1, unit: '%' },
          { type: 'numeric', name: 'battery', property: 'battery', access: 1, unit: '%' },
          { type: 'numeric', name: 'voltage', property: 'voltage', access: 1, unit: 'mV' },
          { type: 'numeric', name: 'linkquality', property: 'linkquality', access: 1, unit: 'lqi' },
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
    // Subscriptions per device are sent on the device list: give them one round trip to land.
    await new Promise((r) => setTimeout(r, 300));

    // The engine's count: one reading batch per state message the Zigbee2MQTT bridge handled.
    let engineCount = 0;
    let engineFirst = 0;
    let engineLast = 0;
    let readings = 0;
    const engineDone = new Promise<void>((resolve) => {
      te.engine.readings.subscribe((rs) => {
        if (rs[0]?.source !== 'zigbee2mqtt') return;
        readings += rs.length;
        if (engineCount === 0) engineFirst = Date.now();
        if (++engineCount === MESSAGES) {
          engineLast = Date.now();
          resolve();
        }
      });
    });

    const env = { URL: broker.url, N: String(MESSAGES), D: String(DEVICES), BASE };
    const plain = child(PLAIN_SUBSCRIBER, env);
    children.push(plain);
    const plainResult = lineFrom(plain, (l) => l.startsWith('{'));
    await lineFrom(plain, (l) => l === 'ready');
    const pub = child(PUBLISHER, env);
    children.push(pub);

    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      engineDone,
      new Promise((_r, reject) => {
        timer = setTimeout(
          () => reject(new Error(`engine got ${engineCount}/${MESSAGES} in time`)),
          DEADLINE_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    // The history writes belong to the ingest: flush what is still batched and count it in.
    const history = te.engine.ctx.service<HistoryApi>('history');
    history?.flush();
    engineLast = Date.now();
    const p = JSON.parse(await plainResult) as { first: number; last: number; count: number };

    const plainRate = (p.count / Math.max(1, p.last - p.first)) * 1000;
    const engineRate = (engineCount / Math.max(1, engineLast - engineFirst)) * 1000;
    console.log(`messages: ${MESSAGES} states from ${DEVICES} devices (${readings} readings)`);
    console.log(`plain mqtt.js subscriber: ${plainRate.toFixed(0)} msgs/s`);
    console.log(`engine ingest (state + readings + history): ${engineRate.toFixed(0)} msgs/s`);
    console.log(`ratio engine/plain: ${(engineRate / plainRate).toFixed(2)} (goal >= 0.8)`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await te.close();
    await broker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
