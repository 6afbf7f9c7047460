import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The layout's boundaries (DESIGN.md, "Processes and the layout that shows them"), as lint errors.
// no-restricted-imports sees the specifier as written, before resolution, so a folder is matched by
// name as a segment of a relative specifier: '../electron/ipc.js', '../../serve/host.js'.
const folder = (name) => String.raw`^\.\.?\/(?:.*\/)?${name}(?:\/|$)`;
const ELECTRON = String.raw`^electron(?:\/|$)`;
const NODE_BUILTIN = String.raw`^(?:node:|(?:${builtinModules
  .filter((name) => !name.includes('/'))
  .join('|')})(?:\/|$))`;

/** One guarded area: what its files may not import, and the message that says why. */
const AREAS = [
  {
    files: ['src/main/engine/**'],
    forbidden: [ELECTRON, folder('electron'), folder('serve'), folder('demo')],
    message:
      'The engine is plain Node, run by Electron and by `homebeat serve`: it imports nothing from electron, src/main/electron, src/main/serve or src/main/demo. Hosts hand it what it needs as ports.',
  },
  {
    files: ['src/main/serve/**'],
    forbidden: [ELECTRON, folder('electron')],
    message:
      'serve is the headless host: it imports nothing from electron or src/main/electron (the Electron shell).',
  },
  {
    files: ['src/main/demo/**'],
    forbidden: [ELECTRON, folder('electron'), folder('serve')],
    message:
      'The demo is injected by either host: it imports nothing from electron, src/main/electron or src/main/serve.',
  },
  {
    files: ['src/shared/**'],
    forbidden: [ELECTRON, NODE_BUILTIN, folder('main'), folder('preload'), folder('renderer')],
    message:
      'src/shared is the contract every process shares: it imports nothing from electron, Node built-ins, src/main, src/preload or src/renderer.',
  },
  {
    files: ['src/renderer/**'],
    forbidden: [ELECTRON, NODE_BUILTIN, folder('main'), folder('preload')],
    message:
      'The renderer talks only to the contract (src/shared): no electron, Node built-ins, src/main or src/preload.',
  },
];

// Only the checked IPC module and the preload talk over Electron's IPC directly; everything else
// goes through the contract (engine.request, engine events), so sender and schema checks hold.
const IPC_ONLY = ['src/main/electron/ipc.ts', 'src/preload/**'];
const IPC_SYNTAX = [
  {
    // `import { ipcRenderer }` holds two identifiers (imported, local): report the import once.
    selector: 'Identifier[name="ipcRenderer"]:not(ImportSpecifier > .local)',
    message:
      'Only src/preload touches ipcRenderer: the page gets the contract’s named functions, never raw IPC.',
  },
  ...[
    // win.webContents.send(...), and webContents.send(...) on a webContents held in a variable
    'MemberExpression[object.property.name="webContents"]',
    'MemberExpression[object.name="webContents"]',
  ].map((target) => ({
    selector: `${target}[property.name=/^(?:send|sendToFrame|postMessage)$/]`,
    message:
      'Only src/main/electron/ipc.ts sends to a renderer (sendEvents): it is the one place that writes to an IPC channel.',
  })),
];

/**
 * Dynamic `import('…')`, type `import('…')` and `require('…')` (createRequire) escape
 * no-restricted-imports: these catch them.
 */
const otherImports = ({ forbidden, message }) =>
  forbidden.flatMap((re) => [
    { selector: `:matches(ImportExpression, TSImportType)[source.value=/${re}/]`, message },
    { selector: `CallExpression[callee.name="require"][arguments.0.value=/${re}/]`, message },
  ]);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': ['error', ...IPC_SYNTAX],
    },
  },
  { files: IPC_ONLY, rules: { 'no-restricted-syntax': 'off' } },
  ...AREAS.map((area) => ({
    files: area.files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: area.forbidden.join('|'), caseSensitive: true, message: area.message },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...IPC_SYNTAX, ...otherImports(area)],
    },
  })),
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
