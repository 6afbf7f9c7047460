import type { EngineService } from './context.js';

/**
 * The start order of a composition: every service after the services it depends on, each
 * dependency moved just before the first service that needs it, the rest as listed. Dispose runs
 * it backwards. A dependency missing from the composition or a cycle
 * is a wiring mistake of the composition root, reported at once rather than at first use.
 */
export function startOrder(services: readonly EngineService[]): EngineService[] {
  const present = new Set(services);
  const done = new Set<EngineService>();
  const visiting = new Set<EngineService>();
  const order: EngineService[] = [];
  const visit = (s: EngineService, path: string[]): void => {
    if (done.has(s)) return;
    if (visiting.has(s))
      throw new Error(`service dependency cycle: ${[...path, s.name].join(' -> ')}`);
    visiting.add(s);
    for (const d of s.dependsOn ?? []) {
      if (!d) continue;
      if (!present.has(d))
        throw new Error(`service ${s.name} depends on ${d.name}, which is not in the composition`);
      visit(d, [...path, s.name]);
    }
    visiting.delete(s);
    done.add(s);
    order.push(s);
  };
  for (const s of services) visit(s, []);
  return order;
}
