/**
 * Helpers for the smart-home integration tests: an engine with the smart-home service on a real
 * Mosquitto, a plain publisher client, and waits with deadlines. `mqttAdapter` is a minimal 'mqtt'
 * service (MqttApi over a plain mqtt.js client) so these tests do not depend on the outbox.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { EngineService, ServiceFactory } from '../../../src/main/engine/context.js';
import type { MessageHandler, MqttApi } from '../../../src/main/engine/services.js';
import {
  smartHomeService,
  type SmartHomeOptions,
} from '../../../src/main/engine/mqtt/smarthome-service.js';
import type { Device } from '../../../src/shared/model.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';
import type { Mosquitto } from '../../helpers/mosquitto.js';

function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export const mqttAdapter =
  (url: string): ServiceFactory =>
  (ctx) => {
    let client: MqttClient | undefined;
    const subs = new Map<string, Set<MessageHandler>>();
    const connected = new Set<() => void>();
    const svc: MqttApi & EngineService = {
      name: 'mqtt',
      async start() {
        client = await mqtt.connectAsync(url, {
          reconnectPeriod: 500,
          clientId: `adapter-${Math.random()}`,
        });
        client.on('message', (topic, payload, packet) => {
          for (const [f, hs] of subs)
            if (topicMatches(f, topic)) for (const h of hs) h(topic, payload, packet.retain);
        });
        client.on('connect', () => {
          for (const f of subs.keys()) client?.subscribe(f);
          for (const l of connected) l();
        });
        ctx.setStatus({ mqtt: { state: 'connected', url, outboxPending: 0 } });
        for (const l of connected) l();
      },
      async dispose() {
        await client?.endAsync(true);
      },
      publish(topic, payload, opts) {
        client?.publish(topic, payload, { qos: opts?.qos ?? 0, retain: opts?.retain ?? false });
      },
      subscribe(filter, handler) {
        let set = subs.get(filter);
        if (!set) {
          subs.set(filter, (set = new Set()));
          client?.subscribe(filter);
        }
        set.add(handler);
        return () => {
          set.delete(handler);
          if (set.size === 0) {
            subs.delete(filter);
            client?.unsubscribe(filter);
          }
        };
      },
      onConnected(listener) {
        connected.add(listener);
        return () => connected.delete(listener);
      },
      publishAlert() {},
    } as MqttApi & EngineService;
    return svc;
  };

/** An engine with only an MQTT adapter and the smart-home service, pointed at `broker`. */
export async function smartHomeEngine(
  broker: Mosquitto,
  opts: SmartHomeOptions & { mqttSettings?: Record<string, unknown> } = {},
): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'homebeat-smarthome-'));
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ mqtt: { host: '127.0.0.1', port: broker.port, ...opts.mqttSettings } }),
  );
  const te = await createTestEngine({
    dir,
    services: [mqttAdapter(broker.url), smartHomeService({ simulateHome: false, ...opts })],
  });
  return te;
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
  timeoutMs = 8000,
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

/** Warnings the smart-home service logged, by topic. */
export function warnings(
  te: TestEngine,
  topic?: string,
): { msg: string; topic: string; reason: string }[] {
  return te.engine.logging
    .entries({ limit: 2000, level: 'warn', module: 'mqtt.smarthome' })
    .map((e) => ({
      msg: e.msg,
      topic: String(e.detail?.topic ?? ''),
      reason: String(e.detail?.reason ?? ''),
    }))
    .filter((w) => topic === undefined || w.topic === topic);
}
