/**
 * Helpers for the smart-home integration tests: an engine (the real MQTT service and the smart-home
 * service, with the built-in dialects or the ones a test gives, and the demo's scripted home when
 * asked) on a real Mosquitto, a plain publisher client, and waits with deadlines.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { DemoHome, type DemoHomeOptions } from '../../../src/main/demo/home/demo-home.js';
import { builtinDialects } from '../../../src/main/engine/compose.js';
import type { Composition } from '../../../src/main/engine/context.js';
import { MqttService } from '../../../src/main/engine/mqtt/service.js';
import {
  SmartHomeService,
  type SmartHomeOptions,
} from '../../../src/main/engine/mqtt/smarthome-service.js';
import { entitiesOf, entityForMetric } from '../../../src/shared/entities.js';
import type { Metric } from '../../../src/shared/metrics.js';
import type { Device, LatestValue } from '../../../src/shared/model.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import type { Mosquitto } from '../../helpers/mosquitto.js';

interface Built {
  mqtt: MqttService;
  smarthome: SmartHomeService;
  /** The demo's scripted home, when the options ask for it. */
  demoHome?: DemoHome;
}

export interface SmartHomeEngine extends TestEngine, Built {}

export type SmartHomeTestOptions = Omit<SmartHomeOptions, 'mqtt' | 'dialects'> & {
  /** Default: the built-in dialects, as the default composition has them. */
  dialects?: SmartHomeOptions['dialects'];
  /** Adds the demo's scripted home (as the demo composition does). */
  demoHome?: Omit<DemoHomeOptions, 'mqtt'>;
};

/**
 * The real MQTT service (fast reconnects) and the smart-home service on it: `compose` for the
 * engine, `services()` the ones it built (once the engine is constructed).
 */
export function smartHomeComposition(opts: SmartHomeTestOptions = {}): {
  compose: Composition;
  services(): Built;
} {
  let built: Built | undefined;
  return {
    compose: (ctx) => {
      const { demoHome: home, dialects, ...rest } = opts;
      const mqtt = new MqttService(ctx, { backoff: { baseMs: 50, capMs: 500 } });
      const smarthome = new SmartHomeService(ctx, {
        ...rest,
        dialects: dialects ?? builtinDialects(),
        mqtt,
      });
      const demoHome = home ? new DemoHome(ctx, { ...home, mqtt }) : undefined;
      built = { mqtt, smarthome, demoHome };
      return demoHome ? [mqtt, smarthome, demoHome] : [mqtt, smarthome];
    },
    services: () => {
      if (!built) throw new Error('the engine has not been composed yet');
      return built;
    },
  };
}

/** An engine with the real MQTT service and the smart-home service on `broker`, connected. */
export async function smartHomeEngine(
  broker: Mosquitto,
  opts: SmartHomeTestOptions & { mqttSettings?: Record<string, unknown> } = {},
): Promise<SmartHomeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'homebeat-smarthome-'));
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ mqtt: { host: '127.0.0.1', port: broker.port, ...opts.mqttSettings } }),
  );
  const { mqttSettings: _, ...home } = opts;
  const c = smartHomeComposition(home);
  const te = await createTestEngine({ dir, compose: c.compose });
  await waitFor('MQTT connected', () => te.engine.status().mqtt.state === 'connected', 20_000);
  return Object.assign(te, c.services());
}

export async function publisher(broker: Mosquitto): Promise<MqttClient> {
  return mqtt.connectAsync(broker.url, {
    clientId: `fixture-${Math.random()}`,
    reconnectPeriod: 0,
  });
}

/** Publishes a fixture message: objects as JSON, null as the empty (removing) payload. */
export async function send(
  c: MqttClient,
  topic: string,
  payload: unknown,
  retain = true,
): Promise<void> {
  const body =
    payload === null ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
  await c.publishAsync(topic, body, { qos: 1, retain });
}

/** Polls the device registry until `pred` holds (deadline, never a fixed sleep). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const device = (te: TestEngine, id: string): Device | undefined => te.engine.devices.get(id);

/**
 * The device's value of a metric: the latest value of its entity for that metric (the first
 * primary one, as a rule or a card means it). Latest values are keyed by entity, and a Home
 * Assistant entity's key is its handle (`sensor/fx_good_t`), not the metric's name.
 */
export function latestOf(d: Device | undefined, metric: Metric): LatestValue | undefined {
  if (!d) return undefined;
  const key = entityForMetric(entitiesOf(d), metric)?.key;
  return key === undefined ? undefined : d.latest[key];
}

/** Warnings the MQTT modules logged (all under 'mqtt', or one module), by topic. */
export function warnings(
  te: TestEngine,
  topic?: string,
  module = 'mqtt',
): { msg: string; topic: string; reason: string }[] {
  return te.engine.logging
    .entries({ limit: 2000, level: 'warn', module })
    .map((e) => ({
      msg: e.msg,
      topic: String(e.detail?.topic ?? ''),
      reason: String(e.detail?.reason ?? e.msg),
    }))
    .filter((w) => topic === undefined || w.topic === topic);
}
