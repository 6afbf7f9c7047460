import type { EngineContext, EngineService } from '../engine/context.js';
import { bindKeySecret } from '../engine/ble/formats/bthome.js';
import type { RadioFactory } from '../engine/ble/radio.js';
import type { Logger } from '../engine/logging.js';
import { createSimWorld, radioOf, type SimWorld } from './radio/world.js';

/**
 * The demo's wearables: a simulated household on a simulated radio, which the composition hands to
 * the BLE service. Listed before it, so a fresh demo has its devices paired when the BLE service
 * first looks (it would also follow the settings change later).
 */
export class DemoWearables implements EngineService {
  readonly name = 'demo-wearables';
  readonly world: SimWorld;
  /** For the BLE service's options. */
  readonly radio: RadioFactory;
  private readonly log: Logger;

  constructor(
    private readonly ctx: EngineContext,
    opts: { world?: SimWorld } = {},
  ) {
    this.log = ctx.log('demo');
    this.world = opts.world ?? createSimWorld({ demo: true, clock: ctx.ports.clock });
    this.radio = radioOf(this.world);
  }

  /** A fresh demo shows data at once: pair the simulated wearables (one is left for pairing). */
  start(): void {
    const s = this.ctx.settings.get();
    if (s.ble.paired.length > 0) return;
    const w = this.world;
    for (const [mac, key] of Object.entries(w.bindKeys))
      this.ctx.ports.secrets.set(bindKeySecret(mac), key);
    this.ctx.settings.update({
      ble: {
        paired: w.demoPairing,
        bthomeKeys: [...new Set([...s.ble.bthomeKeys, ...Object.keys(w.bindKeys)])],
      },
    });
    this.log.info('simulation: paired the demo devices', { count: w.demoPairing.length });
  }

  /** The radio's tick timer stops with the demo. */
  dispose(): void {
    this.world.radio.dispose();
  }
}
