// Fails when a test file under src/ or test/ is in none of the tsconfigs that `npm run typecheck`
// checks: such a test would compile under vitest (which strips types) with nobody checking them.
// Run by `npm run typecheck` before tsc. The configs are read from that script itself, and each
// one's files come from TypeScript's own include/exclude matching (the roots `tsc -p X
// --listFilesOnly` starts from; a test file is a root, nothing imports it).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const TEST_FILE = /\.(?:test|spec)\.[cm]?tsx?$/;

const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.typecheck;
const configs = [...script.matchAll(/(?:-p|--project)\s+(\S+)/g)].map((m) => m[1]);
if (configs.length === 0) {
  console.error(`no "tsc -p <config>" found in the typecheck script: ${script}`);
  process.exit(1);
}

const covered = new Set();
for (const config of configs) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, config), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      process.exit(1);
    },
  });
  for (const file of parsed.fileNames) covered.add(resolve(file));
}

const tests = ['src', 'test'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => TEST_FILE.test(f) && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(root, dir, f)),
);
const missing = tests.filter((f) => !covered.has(f)).map((f) => relative(root, f));

if (missing.length > 0) {
  console.error(`test files no typecheck config includes (${configs.join(', ')}):`);
  for (const f of missing) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`typecheck covers all ${tests.length} test files (${configs.join(', ')})`);
