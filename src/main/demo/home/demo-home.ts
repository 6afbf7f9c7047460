/**
 * The demo's scripted smart home as a service ('demo-home'): once the MQTT service first connects
 * (the embedded broker may still be starting when the engine starts, and the first connection says
 * where it is), a SimHome joins the same broker and plays its devices. The engine finds them the
 * way it finds real ones, through its smart-home dialects; it does not know they are scripted.
 */
import type { EngineContext, EngineService } from '../../engine/context.js';
import type { Logger } from '../../engine/logging.js';
import type { MqttApi } from '../../engine/services.js';
import { SimHome, simHomeEndpoint } from './simhome.js';

export interface DemoHomeOptions {
  /** The engine's broker connection: the scripted home starts on its first connect. */
  mqtt: MqttApi;
  /** The scripted devices' tick (sensor drift, door); 0: no timer, tests call home.tick(). */
  tickMs?: number;
}

export class DemoHome implements EngineService {
  readonly name = 'demo-home';
  readonly dependsOn: readonly EngineService[];
  private readonly log: Logger;
  private sim?: SimHome;
  private off?: () => void;
  private disposed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: DemoHomeOptions,
  ) {
    this.log = ctx.log('demo.home');
    this.dependsOn = [opts.mqtt];
  }

  /** The scripted smart home, once running (tests drive it). */
  get home(): SimHome | undefined {
    return this.sim;
  }

  start(): void {
    const off = this.opts.mqtt.onConnected(() => {
      off();
      void this.startSim();
    });
    this.off = off;
    if (this.ctx.status().mqtt.state === 'connected') void this.startSim();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.off?.();
    await this.sim?.dispose();
    this.sim = undefined;
  }

  private async startSim(): Promise<void> {
    if (this.disposed || this.sim) return;
    const endpoint = simHomeEndpoint(this.ctx);
    if (!endpoint) return this.log.warn('scripted smart home: no broker to connect to');
    const s = this.ctx.settings.get().mqtt;
    this.sim = new SimHome({
      ...endpoint,
      discoveryPrefix: s.discoveryPrefix,
      z2mBase: s.zigbee2mqttBase,
      tickMs: this.opts.tickMs,
      log: this.log,
    });
    try {
      await this.sim.start();
      this.log.info('scripted smart home running', { url: endpoint.url });
    } catch (err) {
      this.log.warn('scripted smart home could not connect', { error: String(err) });
    }
  }
}
