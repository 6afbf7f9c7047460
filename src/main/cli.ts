import { parseArgs } from 'node:util';
import { defaultDataDir, HOST_UMASK, wantsSimulation } from './engine/data-dir.js';
import { VERSION } from './engine/engine.js';

const USAGE = `homebeat ${VERSION}: wearables over Bluetooth LE and the smart home over MQTT, in sync.

Usage:
  homebeat serve [--port 8787] [--host 127.0.0.1] [--token T] [--data-dir DIR] [--simulate]
  homebeat decode <characteristic-uuid|bthome> <hex> [--key <32 hex>] [--mac <aa:bb:cc:dd:ee:ff>]
  homebeat decode advert [--name N] [--mac M] [--mfr <hex incl. company id>] [--svc <uuid>=<hex>]...
                  [--key <32 hex>]
  homebeat --version | --help

serve runs the sync engine headless and serves the dashboard. It binds 127.0.0.1 unless --host is
given; any other host requires --token (or HOMEBEAT_TOKEN, at least 16 characters) and refuses
requests without it.
decode advert reads a whole advertisement with the advertisement formats (BTHome, MiBeacon,
ATC/PVVX, Ruuvi, Govee, SwitchBot, iBeacon, Eddystone, ...) and prints the format, the model and
the readings as JSON; --svc may be repeated, --key is the device's bind key.
Data lives in --data-dir (default ${defaultDataDir()}; HOMEBEAT_DATA_DIR overrides it).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'decode') return decode(rest);
  console.error(`homebeat: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

async function serve(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: process.env.HOMEBEAT_PORT ?? '8787' },
        host: { type: 'string', default: process.env.HOMEBEAT_HOST ?? '127.0.0.1' },
        token: { type: 'string', default: process.env.HOMEBEAT_TOKEN },
        'data-dir': { type: 'string', default: defaultDataDir() },
        simulate: { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`homebeat serve: ${(err as Error).message}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`homebeat serve: --port must be 0..65535, got "${values.port}"`);
    return 2;
  }
  const level = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    console.error('homebeat serve: --log-level must be debug, info, warn or error');
    return 2;
  }
  // Everything serve creates (database, WAL, settings, logs, exports) is the owner's only.
  process.umask(HOST_UMASK);
  const { runServe } = await import('./serve/host.js');
  let running;
  try {
    running = await runServe({
      port,
      host: values.host,
      token: values.token || undefined,
      dataDir: values['data-dir'],
      simulate:
        values.simulate || wantsSimulation(process.env.HOMEBEAT_SIMULATE, values['data-dir']),
      logLevel: level as 'info',
    });
  } catch (err) {
    console.error(`homebeat serve: ${(err as Error).message}`);
    return 1;
  }
  console.log(`Homebeat dashboard: ${running.url}`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      console.log(`homebeat serve: ${sig}, shutting down`);
      running.stop().then(resolve, (err) => {
        console.error(`homebeat serve: shutdown failed: ${(err as Error).message}`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

async function decode(args: string[]): Promise<number> {
  try {
    const mod = (await import('./decode-cli.js')) as {
      runDecode(args: string[]): { code: number; out: string };
    };
    const { code, out } = mod.runDecode(args);
    (code === 0 ? process.stdout : process.stderr).write(out.endsWith('\n') ? out : `${out}\n`);
    return code;
  } catch (err) {
    console.error(`homebeat decode: ${(err as Error).message}`);
    return 2;
  }
}
