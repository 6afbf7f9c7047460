import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../src/main/engine/engine.js';
import { Logging } from '../../src/main/engine/logging.js';
import {
  FileSecretStore,
  JsonFileSettingsStore,
  ListenerNotifier,
  NodePowerEvents,
  nodePaths,
} from '../../src/main/engine/node-ports.js';
import { systemClock, type Clock, type Ports } from '../../src/main/engine/ports.js';
import type { EventBatch } from '../../src/shared/contract/index.js';

export interface TestEngine {
  engine: Engine;
  dir: string;
  ports: Ports & { notifier: ListenerNotifier; power: NodePowerEvents };
  /** Every batch delivered to a subscriber, in order. */
  batches: EventBatch[];
  /** Resolves with the first batch for which `pred` holds (waits on events, never on sleeps). */
  waitFor(pred: (b: EventBatch) => boolean, timeoutMs?: number): Promise<EventBatch>;
  close(): Promise<void>;
}

/** A real engine over real Node ports in a temp directory. */
export async function createTestEngine(
  opts: Partial<EngineOptions> & { dir?: string; clock?: Clock; start?: boolean } = {},
): Promise<TestEngine> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'homebeat-test-'));
  const paths = nodePaths(dir);
  const ports = {
    notifier: new ListenerNotifier(),
    settings: new JsonFileSettingsStore(join(dir, 'settings.json')),
    secrets: new FileSecretStore(join(dir, 'secrets.json')),
    paths,
    power: new NodePowerEvents(),
    clock: opts.clock ?? systemClock,
  };
  const engine = new Engine({
    logging: new Logging({ dir: paths.logsDir, level: 'debug' }),
    ...opts,
    ports: { ...ports, ...opts.ports },
  });
  const batches: EventBatch[] = [];
  const waiters = new Set<{ pred: (b: EventBatch) => boolean; resolve: (b: EventBatch) => void }>();
  engine.subscribe((b) => {
    batches.push(b);
    for (const w of waiters)
      if (w.pred(b)) {
        waiters.delete(w);
        w.resolve(b);
      }
  });
  if (opts.start !== false) await engine.start();
  return {
    engine,
    dir,
    ports,
    batches,
    waitFor(pred, timeoutMs = 10_000) {
      const seen = batches.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (b: EventBatch) => {
            clearTimeout(t);
            resolve(b);
          },
        };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async close() {
      await engine.dispose();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
