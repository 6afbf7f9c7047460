/**
 * Reconnect latency after a dropped link, in the simulation: real noble over the simulated radio,
 * the BLE service with its default backoff (250 ms base, equal jitter). Measures from the drop to
 * the session reporting "connected" again (discovered, subscribed, battery and device information
 * read, clock set), and to the first heart-rate reading after it; and, apart, the session's own
 * setup time from the link coming up to "connected" (the rest is the backoff's first delay).
 *
 *   npx tsx bench/reconnect.ts [drops=30] [radioLatencyMs=0,5]
 */
import { BleService } from '../src/main/engine/ble/service.js';
import { createSimWorld, radioOf } from '../src/main/demo/radio/world.js';
import { createTestEngine } from '../test/helpers/engine.js';
import type { LogEntry } from '../src/shared/contract/index.js';

const drops = Math.min(200, Number(process.argv[2] ?? 30));
const latencies = (process.argv[3] ?? '0,5').split(',').map(Number);
const keepAlive = setInterval(() => {}, 1000);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, min: s[0], median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}
const fmt = (o: ReturnType<typeof stats>) =>
  `n=${o.n} median=${o.median.toFixed(1)} ms p95=${o.p95.toFixed(1)} ms min=${o.min.toFixed(1)} ms max=${o.max.toFixed(1)} ms`;

async function run(radioLatencyMs: number) {
  const world = createSimWorld({ tickMs: 50 });
  const id = world.strap.address;
  const t = await createTestEngine({
    start: false,
    compose: (ctx) => [new BleService(ctx, { radio: radioOf(world) })],
  });
  t.engine.settings.update({ ble: { paired: [{ id, name: 'HB Strap', mode: 'keep' }] } });
  const waitEntry = (pred: (e: LogEntry) => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('timed out'));
      }, ms);
      const off = t.engine.logging.onEntry((e) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  const connected = (e: LogEntry) => e.msg === 'connected' && e.detail?.device === id;
  const first = waitEntry(connected, 10_000);
  await t.engine.start();
  await first;
  world.strap.answerSlowly(radioLatencyMs);
  const toConnected: number[] = [];
  const setup: number[] = [];
  let linkUpAt = 0;
  world.radio.on('connect', (pid: string, err: unknown) => {
    if (pid === world.strap.id && !err) linkUpAt = performance.now();
  });
  const toReading: number[] = [];
  const started = performance.now();
  for (let i = 0; i < drops && performance.now() - started < 120_000; i++) {
    const back = waitEntry(connected, 70_000);
    let t0 = 0;
    const reading = new Promise<number>((resolve) => {
      const off = t.engine.readings.subscribe((rs) => {
        if (t0 && rs.some((r) => r.metric === 'heart_rate' && r.deviceId === id)) {
          off();
          resolve(performance.now());
        }
      });
    });
    t0 = performance.now();
    world.strap.dropLink();
    await back;
    toConnected.push(performance.now() - t0);
    setup.push(performance.now() - linkUpAt);
    toReading.push((await reading) - t0);
  }
  const calls = world.radio.calls.get('connect') ?? 0;
  await t.close();
  world.radio.dispose();
  console.log(
    `radio answer latency ${radioLatencyMs} ms, ${toConnected.length} drops (${calls} connects):`,
  );
  console.log(`  drop -> connected again:      ${fmt(stats(toConnected))}`);
  console.log(`  drop -> first heart rate:     ${fmt(stats(toReading))}`);
  console.log(
    `  link up -> session ready:     ${fmt(stats(setup))} (discovery, subscribe, reads, time)`,
  );
}

for (const l of latencies) await run(l);
clearInterval(keepAlive);
