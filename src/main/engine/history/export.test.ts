import { describe, expect, it } from 'vitest';
import { csvText } from './export.js';

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
