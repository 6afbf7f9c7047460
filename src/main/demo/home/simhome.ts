/**
 * The scripted smart home (`serve --simulate`, the demo, tests): a process-internal MQTT client on
 * the same broker as the engine that behaves like real devices, a Zigbee2MQTT-like bridge and Home
 * Assistant discovery devices, answering commands with their new state. Deterministic: values are
 * functions of a tick counter. Its timer is unref'd and everything stops in dispose().
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { EngineContext } from '../../engine/context.js';
import { mqttLog } from '../../engine/mqtt/connect-options.js';
import type { Logger } from '../../engine/logging.js';
import { haDevices } from './ha-devices.js';
import { SimZ2mBridge } from './z2m-bridge.js';
import type { SimDevice, SimPublish } from './sim-device.js';

export interface SimHomeOptions {
  url: string;
  username?: string;
  password?: string;
  discoveryPrefix: string;
  z2mBase: string;
  /** Sensor drift and the door's rhythm; 0 disables the timer (tests call tick()). */
  tickMs?: number;
  log?: Logger;
}

export class SimHome {
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private n = 0;
  private readonly muted = new Set<string>();
  readonly devices: SimDevice[];
  readonly z2m: SimZ2mBridge;

  constructor(private readonly opts: SimHomeOptions) {
    this.z2m = new SimZ2mBridge(opts.z2mBase);
    this.devices = [...haDevices(opts.discoveryPrefix), this.z2m];
  }

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.opts.url, {
      clientId: `homebeat-simhome-${Math.random().toString(16).slice(2, 8)}`,
      username: this.opts.username || undefined,
      password: this.opts.password || undefined,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // As the engine's client (connect-options.ts): no 6 MB packet-id Buffer cache.
      writeCache: false,
      log: mqttLog,
      // Zigbee2MQTT's own last will: the bridge goes offline with the process.
      will: {
        topic: `${this.opts.z2mBase}/bridge/state`,
        payload: Buffer.from(JSON.stringify({ state: 'offline' })),
        retain: true,
        qos: 1,
      },
    });
    this.client = client;
    const routes = new Map<string, SimDevice>();
    for (const d of this.devices) for (const t of d.commandTopics()) routes.set(t, d);
    client.on('message', (topic, payload) => {
      const d = routes.get(topic);
      if (!d || this.muted.has(d.id)) return;
      try {
        d.onCommand(topic, payload.toString('utf8'), this.pub, (id) => this.muted.has(id));
      } catch (err) {
        this.opts.log?.warn('simulated device failed on a command', { topic, error: String(err) });
      }
    });
    client.on('error', (err) =>
      this.opts.log?.debug('simhome client error', { error: String(err) }),
    );
    if (routes.size) await client.subscribeAsync([...routes.keys()], { qos: 0 });
    for (const d of this.devices) d.announce(this.pub);
    const tickMs = this.opts.tickMs ?? 5000;
    if (tickMs > 0) {
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
  }

  /** One step of every device's script (sensor drift, the door opening). */
  tick(): void {
    this.n++;
    for (const d of this.devices) d.tick(this.n, this.pub);
  }

  /** Makes a device (HA device id, Zigbee2MQTT friendly name) stop answering commands. */
  mute(id: string, muted = true): void {
    if (muted) this.muted.add(id);
    else this.muted.delete(id);
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private readonly pub: SimPublish = (topic, payload, retain) => {
    this.client?.publish(topic, payload, { qos: 0, retain });
  };
}

/**
 * Where the scripted home connects: the embedded broker when it runs (loopback; with its LAN
 * credentials when opened), else the configured broker. The secret names are the mqtt service's.
 */
export function simHomeEndpoint(
  ctx: EngineContext,
): { url: string; username?: string; password?: string } | undefined {
  const st = ctx.status().mqtt;
  const s = ctx.settings.get().mqtt;
  if (st.embedded?.running) {
    const lan = s.embedded.lan;
    return {
      url: `mqtt://127.0.0.1:${st.embedded.port}`,
      username: lan ? s.embedded.username : undefined,
      password: lan ? ctx.ports.secrets.get('mqtt:embedded-password') : undefined,
    };
  }
  if (!s.host) return undefined;
  return {
    url: `${s.tls ? 'mqtts' : 'mqtt'}://${s.host}:${s.port}`,
    username: s.username || undefined,
    password: s.hasPassword ? ctx.ports.secrets.get('mqtt:password') : undefined,
  };
}
