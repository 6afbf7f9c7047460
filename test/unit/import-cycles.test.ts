import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

// No import cycle in src (issue 9). Counted strictly: an `import type` edge closes a cycle too.
// Such a cycle is harmless at run time but still ties two modules together; the fix is the same
// (move what both need into a module that imports neither). The failure says which cycles would
// also exist at run time, where an import can see a binding before it is initialised.
//
// dpdm resolves specifiers with TypeScript's own resolver (tsconfig.node.json: './x.js' is
// ./x.ts, the renderer's extensionless './x' is ./x.ts(x)) and follows static imports,
// re-exports and dynamic import().
const root = fileURLToPath(new URL('../..', import.meta.url));

const parse = (transform: boolean): Promise<DependencyTree> =>
  parseDependencyTree('src/**/*.{ts,tsx}', {
    cwd: root,
    context: root,
    tsconfig: join(root, 'tsconfig.node.json'),
    // true: TypeScript's own emit first, so imports used only as types are gone (what runs).
    transform,
  });

const edges = (tree: DependencyTree): Set<string> =>
  new Set(Object.values(tree).flatMap((deps) => (deps ?? []).map((d) => `${d.issuer} -> ${d.id}`)));

describe('imports in src', () => {
  it('form no cycle, counting type-only imports', async () => {
    const strict = await parse(false);

    // A relative import the resolver could not follow would hide its cycles: none may be lost.
    const unresolved = Object.values(strict).flatMap((deps) =>
      (deps ?? [])
        .filter((d) => d.request.startsWith('.') && d.id === null)
        .map((d) => `${d.issuer}: ${d.request}`),
    );
    expect(unresolved, 'relative imports dpdm could not resolve').toEqual([]);
    expect(Object.keys(strict).filter((f) => f.startsWith('src/')).length).toBeGreaterThan(100);

    const found = parseCircular(strict);
    // Only when there is something to report: which cycles would also exist at run time.
    const runs = found.length > 0 ? edges(await parse(true)) : new Set<string>();
    const cycles = found.map((cycle) => {
      const links = cycle.map((file, i) => `${file} -> ${cycle[(i + 1) % cycle.length]}`);
      const atRunTime = links.every((link) => runs.has(link));
      return `${[...cycle, cycle[0]].join(' -> ')}${atRunTime ? '' : '  (type-only)'}`;
    });
    expect(cycles, 'import cycles (type-only: some link is an import of types only)').toEqual([]);
  });
});
