import type { Composition } from '../engine/context.js';
import { composeServices, serviceList, type ComposeOptions } from '../engine/compose.js';
import { DemoSetup } from './demo-rule.js';
import { DemoHome } from './home/demo-home.js';
import { DemoWearables } from './wearables.js';

/**
 * The demo: the production services, with a simulated radio and a scripted smart home on the
 * embedded broker, and a demo rule. Hosts pick it when simulation is on; the engine itself does
 * not know it is a demo.
 */
export const demoComposition =
  (o: ComposeOptions = {}): Composition =>
  (ctx) => {
    const wearables = new DemoWearables(ctx);
    const s = composeServices(ctx, {
      ...o,
      ble: { radio: wearables.radio, ...o.ble },
    });
    return [new DemoSetup(ctx), wearables, ...serviceList(s), new DemoHome(ctx, { mqtt: s.mqtt })];
  };
