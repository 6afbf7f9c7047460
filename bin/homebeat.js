#!/usr/bin/env node
// The `homebeat` command: runs the built CLI (out/main/cli.js). Build first with `npm run build`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('homebeat: not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
const code = await main(process.argv.slice(2));
process.exit(code);
