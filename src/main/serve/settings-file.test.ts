import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings.js';
import { SettingsFile } from './settings-file.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hb-settings-file-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SettingsFile', () => {
  it('writes settings.json as conf does and reads it back in a new instance', () => {
    const dir = tmp();
    const s = defaultSettings();
    s.mqtt.port = 8883;
    new SettingsFile(dir).set('settings', s);
    const text = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(text).toBe(JSON.stringify({ settings: s }, undefined, '\t'));
    expect(new SettingsFile(dir).get('settings')).toEqual(s);
  });

  it('starts empty without a file; throws at open on broken JSON or settings off the schema', () => {
    const dir = tmp();
    expect(new SettingsFile(dir).get('settings')).toBeUndefined();
    writeFileSync(join(dir, 'settings.json'), '{"settings": {"mqtt": {"port": "oops"');
    expect(() => new SettingsFile(dir)).toThrow(SyntaxError);
    writeFileSync(join(dir, 'settings.json'), '{"settings": {"mqtt": {"port": "oops"}}}');
    expect(() => new SettingsFile(dir)).toThrow(/mqtt\.port/);
    writeFileSync(join(dir, 'settings.json'), '[]');
    expect(() => new SettingsFile(dir)).toThrow(/JSON object/);
  });

  it('refuses a value off the schema and leaves the file as it was', () => {
    const dir = tmp();
    const f = new SettingsFile(dir);
    f.set('settings', defaultSettings());
    const before = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(() => f.set('settings', { mqtt: { port: 'oops' } })).toThrow(/mqtt\.port/);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(before);
    expect(f.get('settings')).toEqual(defaultSettings());
  });
});
