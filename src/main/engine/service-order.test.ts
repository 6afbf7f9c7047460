import { describe, expect, it } from 'vitest';
import type { EngineService } from './context.js';
import { composeServices, serviceList } from './compose.js';
import { startOrder } from './service-order.js';
import { createTestEngine } from '../../../test/helpers/engine.js';

const svc = (name: string, dependsOn: EngineService[] = [], log: string[] = []): EngineService => ({
  name,
  dependsOn,
  start: () => void log.push(`start ${name}`),
  dispose: () => void log.push(`dispose ${name}`),
});

describe('service start order', () => {
  it('starts every service after what it depends on, otherwise as listed', () => {
    const a = svc('a');
    const b = svc('b', [a]);
    const c = svc('c');
    const d = svc('d', [b, c]);
    // Dependencies move just before the first service that needs them.
    expect(startOrder([d, c, b, a]).map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(startOrder([c, d, a, b]).map((s) => s.name)).toEqual(['c', 'a', 'b', 'd']);
    expect(startOrder([a, c, b, d]).map((s) => s.name)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('refuses a dependency that is not in the composition, naming both', () => {
    const a = svc('history');
    expect(() => startOrder([svc('scheduler', [a])])).toThrow(
      'service scheduler depends on history, which is not in the composition',
    );
  });

  it('refuses a cycle, naming its path', () => {
    const aNeeds: EngineService[] = [];
    const a = svc('a', aNeeds);
    const b = svc('b', [a]);
    aNeeds.push(b);
    expect(() => startOrder([a, b])).toThrow('service dependency cycle: a -> b -> a');
  });

  it('the engine starts in that order and disposes in reverse', async () => {
    const log: string[] = [];
    const base = svc('base', [], log);
    const top = svc('top', [base], log);
    const t = await createTestEngine({ compose: () => [top, base] });
    await t.close();
    expect(log).toEqual(['start base', 'start top', 'dispose top', 'dispose base']);
  });

  it('the default composition starts each service after the services it was given', async () => {
    let order: EngineService[] = [];
    const t = await createTestEngine({
      start: false,
      compose: (ctx) => {
        const list = serviceList(composeServices(ctx));
        order = startOrder(list);
        return list;
      },
    });
    try {
      expect(t.engine.serviceNames()).toEqual(order.map((s) => s.name));
      for (const [i, s] of order.entries())
        for (const d of s.dependsOn ?? []) if (d) expect(order.indexOf(d)).toBeLessThan(i);
      expect(order.map((s) => s.name)).toEqual([
        'history',
        'scheduler',
        'mqtt',
        'smarthome',
        'ble',
        'owners',
        'bridge',
        'gateways',
        'rules',
      ]);
    } finally {
      await t.close();
    }
  });
});
