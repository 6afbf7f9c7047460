/**
 * Dashboard benchmark in Debian's Chromium, against the built renderer with a synthetic engine
 * (index.html?bench, a chunk loaded only with that flag):
 *  - first render: ms from the device list arriving to 1,000 cards painted;
 *  - the longest main-thread task (PerformanceObserver 'longtask', which reports tasks over 50 ms)
 *    and the longest gap between animation frames while 10,000 readings/s stream in.
 * Usage: npx tsx bench/dashboard.ts [--devices 1000] [--rate 10000] [--seconds 10] [--build]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    build: { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'out/renderer');
if (values.build || !existsSync(join(dir, 'index.html'))) {
  execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};
const server = createServer((req, res) => {
  const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
  const file = join(dir, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dir) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: CHROMIUM_ARGS,
});
try {
  const n = Number(values.devices);
  const renders: number[] = [];
  const allCards: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${port}/?bench&devices=${n}`);
    type B = { __bench?: { firstRenderMs?: number; allCardsMs?: number } };
    await page.waitForFunction(() => (globalThis as unknown as B).__bench?.allCardsMs, undefined, {
      timeout: 60_000,
    });
    const got = await page.evaluate(() => (globalThis as unknown as B).__bench!);
    renders.push(got.firstRenderMs!);
    allCards.push(got.allCardsMs!);
    if (i < Number(values.runs) - 1) await page.close();
    else {
      const rate = Number(values.rate);
      const seconds = Number(values.seconds);
      // A trace as well: on a busy machine a task's wall time includes waiting for a CPU, so the
      // CPU time of the longest task is reported beside the long-task API's wall time.
      await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
      const r = await page.evaluate(
        ([rate, seconds]) =>
          (
            globalThis as unknown as {
              __bench: { stream: (r: number, s: number) => Promise<Record<string, number>> };
            }
          ).__bench.stream(rate, seconds),
        [rate, seconds] as const,
      );
      const trace = JSON.parse((await browser.stopTracing()).toString()) as {
        traceEvents: {
          name: string;
          tid: number;
          dur?: number;
          tdur?: number;
          args?: { name?: string };
        }[];
      };
      // The page's renderer main thread: of the threads so named, the one that ran the most tasks.
      const mains = new Set(
        trace.traceEvents
          .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
          .map((e) => e.tid),
      );
      const byThread = new Map<number, typeof trace.traceEvents>();
      for (const e of trace.traceEvents) {
        if (e.name !== 'ThreadControllerImpl::RunTask' || !mains.has(e.tid)) continue;
        byThread.set(e.tid, [...(byThread.get(e.tid) ?? []), e]);
      }
      const tasks = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
      const maxCpu = Math.max(0, ...tasks.map((e) => (e.tdur ?? 0) / 1000));
      const maxWall = Math.max(0, ...tasks.map((e) => (e.dur ?? 0) / 1000));
      const busy = tasks.reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000;
      // Is the page still answering input right after the stream?
      const t0 = Date.now();
      await page.fill('input[type=search]', 'kitchen');
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as {
              document: { querySelectorAll(s: string): { length: number } };
            }
          ).document.querySelectorAll('.card').length < 1000,
      );
      const filterMs = Date.now() - t0;
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
      console.log(`dashboard benchmark (Chromium, ${n} devices, viewport 1280x800)`);
      console.log(
        `  first render of the overview (the cards on screen drawn): ${median(renders).toFixed(0)} ms, median of ${renders.length} (runs: ${runs(renders)} ms; goal <= 300)`,
      );
      console.log(
        `  all ${n} cards in the page (the rest added in steps of 200): ${median(allCards).toFixed(0)} ms (runs: ${runs(allCards)} ms)`,
      );
      console.log(
        `  streaming ${rate.toLocaleString('en')} readings/s for ${seconds} s: ${r.messages.toLocaleString('en')} readings in ${r.batches} batches`,
      );
      console.log(
        `  longest main-thread task: ${r.longTasks ? `${r.longestTaskMs.toFixed(0)} ms (${r.longTasks} tasks over 50 ms)` : 'none over 50 ms (no long task reported)'} (goal <= 50)`,
      );
      console.log(
        `  longest main-thread task in a trace: ${maxWall.toFixed(0)} ms wall clock; the most CPU any one task used: ${maxCpu.toFixed(0)} ms`,
      );
      console.log(
        `  main-thread CPU busy: ${((busy / (seconds * 1000)) * 100).toFixed(0)} % of the stream time`,
      );
      console.log(`  longest gap between frames: ${r.maxFrameGapMs.toFixed(0)} ms`);
      console.log(
        `  machine load average: ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')} (${cpus().length} CPUs)`,
      );
      console.log(`  search typed after the stream, filtered in: ${filterMs} ms`);
    }
  }
} finally {
  await browser.close();
  server.close();
}
