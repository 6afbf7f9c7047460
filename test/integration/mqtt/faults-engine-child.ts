/**
 * A Homebeat engine in its own process, for the engine-kill fault test: `produce N` queues N
 * events through the outbox first (committed before this process says "queued"), then drains;
 * `drain` only drains what a killed predecessor left. Prints "drained" when the outbox is empty.
 *
 *   node --import tsx faults-engine-child.ts <dataDir> <brokerPort> <produce N | drain>
 */
import { startMqttEngine } from './core-helpers.js';

const [dir, port, mode, count] = process.argv.slice(2);
const { mqtt: svc } = await startMqttEngine({
  dir,
  gatewayId: 'gw-kill',
  // Slow enough that the test can kill the process in the middle of the drain.
  mqtt: { host: '127.0.0.1', port: Number(port), outboxRatePerSec: 1000 },
  service: { inflightWindow: Number(process.env.HB_INFLIGHT ?? 16) },
});
if (mode === 'produce') {
  for (let seq = 0; seq < Number(count); seq++) {
    svc.publish('hb/kill/events', JSON.stringify({ seq }), { qos: 1 });
  }
  console.log('queued');
}
const timer = setInterval(() => {
  if (svc.outboxStats.pending === 0) {
    clearInterval(timer);
    console.log('drained');
  }
}, 20);
