import { describe, expect, it } from 'vitest';
import { csvText, iso } from './export.js';

describe('csvText', () => {
  it('quotes fields with separators, quotes or line breaks (RFC 4180)', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvText('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvText('@cmd')).toBe("'@cmd");
    expect(csvText('+1')).toBe("'+1");
  });
});

describe('iso', () => {
  it('matches Date#toISOString, within and across minutes', () => {
    for (const ts of [
      0, 59_999, 60_000, 1_767_225_600_000, 1_767_225_659_001, 1_767_225_661_010, 1_767_312_000_123,
    ]) {
      expect(iso(ts)).toBe(new Date(ts).toISOString());
    }
  });
});
