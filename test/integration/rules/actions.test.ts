import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../../src/main/engine/context.js';
import { DEMO_RULE, DemoSetup } from '../../../src/main/demo/demo-rule.js';
import { RulesService } from '../../../src/main/engine/rules/rules-service.js';
import type { MqttApi, SmartHomeApi } from '../../../src/main/engine/services.js';
import type { Alert } from '../../../src/shared/contract/index.js';
import { ManualClock } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

let t: TestEngine | undefined;
let keepDir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (keepDir) rmSync(keepDir, { recursive: true, force: true });
  keepDir = undefined;
});

/**
 * The MQTT and smart-home services are other domains; these stand-ins record what the rules hand
 * them through the interfaces in services.ts (MqttApi.publish/publishAlert, SmartHomeApi.sendCommand).
 */
function recorders() {
  const published: { topic: string; payload: string; retain?: boolean }[] = [];
  const commands: { deviceId: string; entity: string; command: Record<string, unknown> }[] = [];
  const alerts: Alert[] = [];
  const mqtt: MqttApi = {
    name: 'mqtt',
    start() {},
    dispose() {},
    publish(topic, payload, opts) {
      published.push({ topic, payload: String(payload), retain: opts?.retain });
    },
    subscribe: () => () => {},
    onConnected: () => () => {},
    publishAlert(a) {
      alerts.push(a);
    },
    batch(fn) {
      fn();
    },
  };
  const smarthome: SmartHomeApi = {
    name: 'smarthome',
    start() {},
    dispose() {},
    sendCommand(deviceId, entity, command) {
      commands.push({ deviceId, entity, command });
      return { id: 'c1', deviceId, entity, state: 'pending', ts: 0 };
    },
  };
  return { published, commands, alerts, mqtt, smarthome };
}

/** The simulation's composition for the rules: the demo's setup (it seeds the demo rule), rules. */
const demoRules = (ctx: EngineContext) => [new DemoSetup(ctx), new RulesService(ctx)];

describe('rule actions', () => {
  it('sends a device command, an MQTT publish and the alert to MQTT', async () => {
    const rec = recorders();
    const clock = new ManualClock();
    t = await createTestEngine({
      clock,
      compose: (ctx) => [
        rec.mqtt,
        rec.smarthome,
        new RulesService(ctx, { mqtt: rec.mqtt, smarthome: rec.smarthome }),
      ],
    });
    const saved = await t.engine.request('saveRule', {
      rule: {
        name: 'Fan on when working out',
        kind: 'threshold',
        metric: 'heart_rate',
        op: 'above',
        value: 150,
        actions: [
          { type: 'command', deviceId: 'z2m:fan', entity: 'switch', command: { state: 'ON' } },
          {
            type: 'publish',
            topic: 'home/alerts/hr',
            payload: '{"bpm":{value},"device":"{device}"}',
            retain: true,
          },
        ],
      },
    });
    expect(saved.ok).toBe(true);
    t.engine.readings.publish([
      {
        deviceId: 'strap',
        metric: 'heart_rate',
        value: 171,
        unit: 'bpm',
        ts: clock.now(),
        source: 'test',
      },
    ]);
    expect(rec.commands).toEqual([
      { deviceId: 'z2m:fan', entity: 'switch', command: { state: 'ON' } },
    ]);
    expect(rec.published).toEqual([
      { topic: 'home/alerts/hr', payload: '{"bpm":171,"device":"strap"}', retain: true },
    ]);
    expect(rec.alerts).toHaveLength(1);
    expect(rec.alerts[0]).toMatchObject({ ruleName: 'Fan on when working out', value: 171 });
    expect(t.ports.notifier.sent).toHaveLength(0); // no notify action, no notification
  });

  it('adds one demo rule in the simulation, which fires with a strap, and does not re-add it', async () => {
    const clock = new ManualClock();
    t = await createTestEngine({
      clock,
      compose: demoRules,
    });
    expect(t.engine.settings.get().rules).toEqual([DEMO_RULE]);
    const strap = 'c0:ff:ee:00:00:01';
    t.engine.devices.upsert({ id: strap, name: 'HB Strap', transport: 'ble', online: true });
    for (let i = 0; i < 12; i++) {
      const bpm = 60 + (i % 5);
      t.engine.readings.publish([
        {
          deviceId: strap,
          metric: 'heart_rate',
          value: bpm,
          unit: 'bpm',
          ts: clock.now(),
          source: 'sim',
        },
      ]);
      await clock.advance(1000);
    }
    expect(t.ports.notifier.sent).toHaveLength(1);
    expect(t.ports.notifier.sent[0]!.body).toContain('HB Strap has been above 45 bpm');
    // The user deletes it; the next start leaves it deleted.
    expect((await t.engine.request('deleteRule', { id: DEMO_RULE.id })).ok).toBe(true);
    keepDir = t.dir;
    await t.engine.dispose();
    t = await createTestEngine({
      dir: keepDir,
      clock,
      compose: demoRules,
    });
    expect(t.engine.settings.get().rules).toEqual([]);
  });
});
