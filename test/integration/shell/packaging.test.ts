import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FuseV1Options } from '@electron/fuses';

/**
 * The installers' Electron fuses (electron-builder.yml), checked without building one: the
 * builder's own translation of the config into @electron/fuses' wire options, and the pin.
 */
const require = createRequire(import.meta.url);

function fusesConfig(): Record<string, boolean> {
  const yml = readFileSync('electron-builder.yml', 'utf8');
  const block = /^electronFuses:\n((?: {2}\w+: (?:true|false)\n)+)/m.exec(yml);
  if (!block) throw new Error('electron-builder.yml has no electronFuses block');
  return Object.fromEntries(
    block[1]
      .trim()
      .split('\n')
      .map((l) => l.trim().split(': '))
      .map(([k, v]) => [k, v === 'true']),
  );
}

describe('Electron fuses at packaging', () => {
  it('turns RunAsNode, NODE_OPTIONS and inspect arguments off, asar integrity and asar-only on', async () => {
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: object): Promise<object> } };
    };
    const wire = (await PlatformPackager.prototype.generateFuseConfig.call(
      {},
      fusesConfig(),
    )) as Record<number, boolean>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('pins @electron/fuses exactly, and the builder resolves that copy', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['@electron/fuses']).toMatch(/^\d+\.\d+\.\d+$/);
    const fromBuilder = require.resolve('@electron/fuses', {
      paths: [require.resolve('app-builder-lib/package.json')],
    });
    expect(fromBuilder).toBe(require.resolve('@electron/fuses'));
    expect((require('@electron/fuses/package.json') as { version: string }).version).toBe(
      pkg.devDependencies['@electron/fuses'],
    );
  });
});
