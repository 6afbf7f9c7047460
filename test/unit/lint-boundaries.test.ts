import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layout's boundaries are lint rules (eslint.config.js). Each case lints a snippet as if it
// were a file in a guarded folder (the file need not exist), so a rule that stops firing, or one
// that starts refusing an allowed import, fails here rather than silently.
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `${file} did not parse`).toEqual([]);
  return result.messages
    .filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

type Case = [file: string, code: string];

const refused: Record<string, { cases: Case[]; says: string }> = {
  engine: {
    says: 'The engine is plain Node',
    cases: [
      ['src/main/engine/ble/x.ts', "import { app } from 'electron';"],
      ['src/main/engine/x.ts', "import type { WebContents } from 'electron/main';"],
      ['src/main/engine/ble/x.ts', "import { registerCheckedIpc } from '../../electron/ipc.js';"],
      ['src/main/engine/x.ts', "import { runServe } from '../serve/host.js';"],
      ['src/main/engine/mqtt/x.ts', "import { SimRadio } from '../../demo/radio.js';"],
      ['src/main/engine/x.ts', "export * from '../demo/index.js';"],
      ['src/main/engine/x.ts', "export const m = await import('electron');"],
      ['src/main/engine/x.ts', "export const m = await import('../demo/home.js');"],
      ['src/main/engine/x.ts', "export type W = import('../electron/window.js').WindowManager;"],
      ['src/main/engine/ble/x.ts', "export const { app } = require('electron');"],
    ],
  },
  serve: {
    says: 'serve is the headless host',
    cases: [
      ['src/main/serve/x.ts', "import { app } from 'electron';"],
      ['src/main/serve/x.ts', "import { TrayService } from '../electron/tray.js';"],
    ],
  },
  demo: {
    says: 'The demo is injected by either host',
    cases: [
      ['src/main/demo/x.ts', "import { app } from 'electron';"],
      ['src/main/demo/sim/x.ts', "import { TrayService } from '../../electron/tray.js';"],
      ['src/main/demo/x.ts', "import { runServe } from '../serve/host.js';"],
    ],
  },
  shared: {
    says: 'src/shared is the contract',
    cases: [
      ['src/shared/x.ts', "import { Engine } from '../main/engine/engine.js';"],
      ['src/shared/contract/x.ts', "import '../../preload/index.js';"],
      ['src/shared/x.ts', "import { parseRoute } from '../renderer/src/router';"],
      ['src/shared/x.ts', "import { randomUUID } from 'node:crypto';"],
      ['src/shared/x.ts', "import { randomUUID } from 'crypto';"],
      ['src/shared/x.ts', "import { ipcMain } from 'electron';"],
    ],
  },
  renderer: {
    says: 'The renderer talks only to the contract',
    cases: [
      ['src/renderer/src/x.ts', "import { shell } from 'electron';"],
      ['src/renderer/src/pages/x.tsx', "import { Engine } from '../../../main/engine/engine.js';"],
      ['src/renderer/src/x.ts', "import { join } from 'node:path';"],
      ['src/renderer/src/x.ts', "import '../../preload/index';"],
    ],
  },
  'raw IPC': {
    says: 'Only src/',
    cases: [
      ['src/main/electron/main.ts', "win.webContents.send('homebeat:events', {});"],
      ['src/main/electron/x.ts', "webContents.send('homebeat:events', {});"],
      ['src/main/electron/x.ts', "win?.webContents.postMessage('homebeat:events', {});"],
      ['src/main/x.ts', "import { ipcRenderer } from 'electron';"],
      ['src/renderer/src/x.ts', "window.ipcRenderer.invoke('homebeat:request');"],
      ['test/x.test.ts', 'ipcRenderer.send("x");'],
    ],
  },
};

const allowed: Case[] = [
  [
    'src/main/engine/ble/x.ts',
    "import { Logging } from '../logging.js';\nimport { z } from 'zod';\nimport { readFile } from 'node:fs/promises';\nimport type { Device } from '../../../shared/model.js';",
  ],
  ['src/main/engine/x.ts', "export const ports = await import('./node-ports.js');"],
  ['src/main/serve/x.ts', "import { Engine } from '../engine/engine.js';\nimport 'node:http';"],
  ['src/main/demo/x.ts', "import type { Ports } from '../engine/ports.js';"],
  [
    'src/main/electron/x.ts',
    "import { app } from 'electron';\nimport { CSP } from '../serve/static.js';",
  ],
  ['src/shared/x.ts', "import { z } from 'zod';\nimport type { Device } from './model.js';"],
  ['src/renderer/src/x.ts', "import type { Device } from '../../shared/model';"],
  ['src/main/electron/x.ts', 'if (!win.webContents.isDestroyed()) win.show();'],
  ['src/main/electron/ipc.ts', "win.webContents.send('homebeat:events', {});"],
  ['src/preload/index.ts', "import { ipcRenderer } from 'electron';\nipcRenderer.invoke('x');"],
];

describe('lint: the layout’s boundaries', () => {
  for (const [area, { cases, says }] of Object.entries(refused)) {
    it.each(cases)(`${area}: refuses %s: %s`, async (file, code) => {
      const errors = await boundaryErrors(file, code);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(says);
    });
  }

  it.each(allowed)('allows %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
