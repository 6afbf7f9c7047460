import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Conf from 'conf';
import { defaultComposition } from '../engine/compose.js';
import { Engine } from '../engine/engine.js';
import { demoComposition } from '../demo/compose.js';
import { installGlobalHandlers } from '../engine/global-handlers.js';
import { InstanceLock } from '../engine/instance-lock.js';
import { Logging } from '../engine/logging.js';
import {
  FileSecretStore,
  ListenerNotifier,
  linuxOnBattery,
  NodePowerEvents,
  nodePaths,
} from '../engine/node-ports.js';
import { systemClock } from '../engine/ports.js';
import {
  CONF_OPTIONS,
  ConfSettingsStore,
  confSchema,
  openSettingsStore,
} from '../engine/store-settings.js';
import { HomebeatServer } from './server.js';

export interface ServeFlags {
  port: number;
  host: string;
  token?: string;
  dataDir: string;
  simulate: boolean;
  staticDir?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where Linux lists power supplies (tests give a fake tree). */
  powerSupplyDir?: string;
}

/** The renderer build next to this file's build (out/main/cli.js -> out/renderer). */
export function defaultStaticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../renderer'), resolve(here, '../../../out/renderer')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0];
}

export interface RunningServe {
  url: string;
  engine: Engine;
  stop(): Promise<void>;
}

/** `homebeat serve`: the engine on Node ports, behind HTTP + WebSocket. */
export async function runServe(flags: ServeFlags): Promise<RunningServe> {
  const paths = nodePaths(flags.dataDir);
  const logging = new Logging({
    dir: paths.logsDir,
    level: flags.logLevel ?? 'info',
    stderr: true,
  });
  const log = logging.logger('serve');
  const lock = InstanceLock.acquire(join(flags.dataDir, 'homebeat.lock'), 'serve');
  const conf = openSettingsStore(
    () => new Conf({ cwd: flags.dataDir, ...CONF_OPTIONS, schema: confSchema() as never }),
    join(flags.dataDir, 'settings.json'),
    logging.logger('settings'),
  );
  // On battery (Linux: /sys/class/power_supply), periodic jobs stretch and AC-only jobs wait.
  const supplies = flags.powerSupplyDir ?? '/sys/class/power_supply';
  const power = new NodePowerEvents(
    10_000,
    process.platform === 'linux' ? () => linuxOnBattery(supplies) : undefined,
  );
  power.start();
  const notifier = new ListenerNotifier();
  const engine = new Engine({
    ports: {
      notifier,
      settings: new ConfSettingsStore(conf as never),
      secrets: new FileSecretStore(join(flags.dataDir, 'secrets.json')),
      paths,
      power,
      clock: systemClock,
    },
    compose: flags.simulate ? demoComposition() : defaultComposition(),
    logging,
  });
  const uninstall = installGlobalHandlers(logging.logger('process'));
  let server: HomebeatServer;
  try {
    server = new HomebeatServer({
      engine,
      host: flags.host,
      port: flags.port,
      token: flags.token,
      staticDir: flags.staticDir ?? defaultStaticDir(),
      exportsDir: paths.exportsDir,
      log,
    });
  } catch (err) {
    lock.release();
    power.stop();
    uninstall();
    throw err;
  }
  notifier.onNotify((n) =>
    log.info(`notification: ${n.title}`, { body: n.body, target: n.target }),
  );
  let url: string;
  try {
    await engine.start();
    ({ url } = await server.start());
  } catch (err) {
    // The port is taken (or the engine failed): stop what started, so the lock, the database and
    // the broker connection are closed as on a normal shutdown.
    log.error('serve could not start', { error: String(err) });
    await server.close().catch(() => {});
    await engine.dispose().catch(() => {});
    power.stop();
    uninstall();
    lock.release();
    throw err;
  }
  let stopped = false;
  return {
    url,
    engine,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await engine.dispose();
      power.stop();
      uninstall();
      lock.release();
    },
  };
}
