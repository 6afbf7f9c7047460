// npm run bench -- <name> [args]: runs bench/<name>.ts and prints its figures.
// npm run bench: lists the benchmarks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
if (!name) {
  console.log(`benchmarks: ${all.join(', ')}\nrun one with: npm run bench -- <name>`);
  process.exit(0);
}
if (!existsSync(`bench/${name}.ts`)) {
  console.error(`no benchmark "${name}"; have: ${all.join(', ')}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...args], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
