/**
 * Idle cost of `homebeat serve --simulate`: CPU milliseconds per minute and resident memory,
 * measured from /proc over a window after a warm-up. Goal: <= 30 ms CPU per minute, <= 80 MB RSS.
 * Usage: npm run bench -- idle [--seconds 60] [--warmup 15] [--no-simulate]
 * --no-simulate measures serve with nothing to sync (no simulated devices or home): the app's own
 * idle cost, apart from the work the simulated streams make.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    'no-simulate': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const TICKS = 100; // USER_HZ on Linux

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'hb-bench-idle-'));
const child = spawn(
  process.execPath,
  [
    'bin/homebeat.js',
    'serve',
    ...(values['no-simulate'] ? [] : ['--simulate']),
    '--port',
    '0',
    '--data-dir',
    dir,
    '--log-level',
    'warn',
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let out = '';
child.stdout.on('data', (d) => (out += d));
const deadline = Date.now() + 30_000;
while (!out.includes('Homebeat dashboard:') && Date.now() < deadline) await sleep(100);
if (!out.includes('Homebeat dashboard:')) {
  console.error('serve did not start (is it built? npm run build)');
  child.kill('SIGKILL');
  process.exit(1);
}
const pid = child.pid!;
await sleep(warmup * 1000);
const cpu0 = cpuMs(pid);
const t0 = Date.now();
let peak = 0;
for (let i = 0; i < seconds; i++) {
  await sleep(1000);
  peak = Math.max(peak, rssMb(pid));
}
const cpu1 = cpuMs(pid);
const minutes = (Date.now() - t0) / 60_000;
const rss = rssMb(pid);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });

const perMin = (cpu1 - cpu0) / minutes;
const mode = values['no-simulate'] ? 'serve, nothing simulated' : 'serve --simulate';
console.log(`idle (${mode}, ${seconds} s after ${warmup} s warm-up)`);
console.log(`  CPU: ${perMin.toFixed(1)} ms per minute (goal <= 30)`);
console.log(`  RSS: ${rss.toFixed(1)} MB at the end, ${peak.toFixed(1)} MB peak (goal <= 80)`);
