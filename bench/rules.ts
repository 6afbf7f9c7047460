/**
 * Rule evaluation throughput: readings per second through the evaluator with a realistic rule set
 * (thresholds with durations, battery, binary), over several devices. Prints figures only.
 *   npx tsx bench/rules.ts [readings] [rules]
 */
import { ruleSchema, type Rule } from '../src/shared/contract/index.js';
import type { Reading } from '../src/shared/model.js';
import { RuleEvaluator } from '../src/main/engine/rules/evaluator.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RULES = Number(process.argv[3] ?? 100);
const DEVICES = 20;

const rules: Rule[] = [];
for (let i = 0; i < RULES; i++) {
  const base = { id: `r${i}`, name: `rule ${i}`, cooldownSec: 60, actions: [{ type: 'notify' }] };
  const k = i % 4;
  rules.push(
    ruleSchema.parse(
      k === 0
        ? {
            ...base,
            kind: 'threshold',
            metric: 'heart_rate',
            op: 'above',
            value: 150 + (i % 30),
            forSec: 30,
          }
        : k === 1
          ? {
              ...base,
              kind: 'threshold',
              deviceId: `dev${i % DEVICES}`,
              metric: 'temperature',
              op: 'below',
              value: 18,
            }
          : k === 2
            ? { ...base, kind: 'battery', belowPct: 15 }
            : {
                ...base,
                kind: 'binary',
                deviceId: `dev${i % DEVICES}`,
                window: { from: '22:00', to: '06:00' },
              },
    ),
  );
}

const ev = new RuleEvaluator();
ev.setRules(rules);
const metrics = ['heart_rate', 'temperature', 'battery', 'state'] as const;
const batch: Reading[] = [];
let fired = 0;
const t0 = Date.now();
const start = performance.now();
for (let i = 0; i < N; i++) {
  const metric = metrics[i % 4]!;
  const now = t0 + Math.floor(i / 10) * 100;
  batch.push({
    deviceId: `dev${i % DEVICES}`,
    metric,
    value: metric === 'state' ? (i >> 3) & 1 : 100 + ((i * 7) % 90),
    unit: '',
    ts: now,
    source: 'bench',
  });
  // Batches of 50, as the engine's consumers receive them.
  if (batch.length === 50) {
    fired += ev.onReadings(batch.splice(0), now).length;
  }
}
const ms = performance.now() - start;
console.log(
  `rules: ${RULES} rules, ${N} readings over ${DEVICES} devices: ${ms.toFixed(0)} ms, ` +
    `${Math.round(N / (ms / 1000)).toLocaleString('en')} readings/s, ${fired} firings`,
);
