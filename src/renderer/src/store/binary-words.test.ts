import { describe, expect, it } from 'vitest';
import { BINARY_WORDS, binaryWord } from '../../../shared/binary-classes';
import { formatValue } from './primary';

describe("the dashboard's binary words are the engine's", () => {
  it('1 is the class\'s "on" word and 0 its "off" word, for every class', () => {
    for (const cls of [...Object.keys(BINARY_WORDS), 'unknown_class', undefined])
      for (const v of [1, 0]) expect(formatValue(v, 'state', cls)).toBe(binaryWord(v, cls));
  });

  it('an open door is open, whichever source named its class', () => {
    for (const cls of ['door', 'window', 'opening', 'contact'])
      expect(formatValue(1, 'state', cls)).toBe('open');
  });
});
