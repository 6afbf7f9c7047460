import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleSchema, type Rule } from '../../shared/contract/index.js';
import type { EngineContext, EngineService } from '../engine/context.js';
import type { Logger } from '../engine/logging.js';

/** Shown by the demo: fires with the simulated strap (its heart rate stays 50..185). */
export const DEMO_RULE: Rule = ruleSchema.parse({
  id: 'demo-heart-rate',
  name: 'Demo: heart rate above 45 bpm',
  kind: 'threshold',
  metric: 'heart_rate',
  op: 'above',
  value: 45,
  forSec: 10,
  cooldownSec: 600,
  actions: [
    {
      type: 'notify',
      title: 'Heart rate {value} bpm',
      body: '{device} has been above 45 bpm for 10 s. This is a demo rule: edit or delete it under Rules.',
    },
  ],
});

/**
 * What the demo sets up around the engine's services: the status says it is a simulation, and a
 * fresh data directory gets one rule that fires, so the demo shows a notification. A marker file
 * keeps a user's deletion of that rule from being undone on the next start. Listed before the
 * rules service, so the rule is there from the first reading.
 */
export class DemoSetup implements EngineService {
  readonly name = 'demo';
  private readonly log: Logger;

  constructor(private readonly ctx: EngineContext) {
    this.log = ctx.log('demo');
  }

  start(): void {
    this.ctx.setStatus({ simulated: true });
    const marker = join(this.ctx.ports.paths.dataDir, '.demo-rule-added');
    if (existsSync(marker) || this.ctx.settings.get().rules.length > 0) return;
    try {
      this.ctx.settings.update({ rules: [DEMO_RULE] });
      writeFileSync(marker, `${new Date(this.ctx.ports.clock.now()).toISOString()}\n`);
      this.log.info('added the demo rule for the simulation', { rule: DEMO_RULE.id });
    } catch (err) {
      this.log.warn('could not add the demo rule', { error: String(err) });
    }
  }

  dispose(): void {}
}
