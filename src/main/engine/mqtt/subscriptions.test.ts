import { describe, expect, it } from 'vitest';
import { Logging } from '../logging.js';
import { SubscriptionTable } from './subscriptions.js';
import { topicMatches } from './topics.js';

describe('topicMatches', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['+/+/state', 'homebeat/gw/state', true],
    ['#', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/b', 'a/c', false],
  ])('%s matches %s: %s', (f, t, want) => expect(topicMatches(f, t)).toBe(want));
});

describe('SubscriptionTable', () => {
  const make = (max = 10) => {
    const logging = new Logging({ level: 'debug' });
    return { table: new SubscriptionTable(logging.logger('mqtt'), () => ({ max })), logging };
  };

  it('routes to exact and wildcard filters once each, and isolates a throwing handler', () => {
    const { table, logging } = make();
    const got: string[] = [];
    table.add('z/lamp', () => got.push('exact'));
    table.add('z/+', () => {
      throw new Error('boom');
    });
    table.add('z/#', () => got.push('hash'));
    table.dispatch('z/lamp', Buffer.from('x'), false);
    table.dispatch('z/lamp', Buffer.from('x'), false);
    expect(got).toEqual(['exact', 'hash', 'exact', 'hash']);
    expect(
      logging.entries({ limit: 10 }).filter((e) => e.msg === 'a message handler failed'),
    ).toHaveLength(1);
  });

  it('drops oversized payloads before any handler, logging once per topic', () => {
    const { table, logging } = make(4);
    const got: string[] = [];
    table.add('#', (t) => got.push(t));
    table.dispatch('a', Buffer.alloc(5), false);
    table.dispatch('a', Buffer.alloc(6), false);
    table.dispatch('b', Buffer.alloc(5), false);
    table.dispatch('c', Buffer.alloc(4), false);
    expect(got).toEqual(['c']);
    const logs = logging
      .entries({ limit: 10 })
      .filter((e) => e.msg === 'oversized payload dropped');
    expect(logs.map((l) => l.detail?.topic)).toEqual(['a', 'b']);
  });

  it('tells when the broker must subscribe or may unsubscribe', () => {
    const { table } = make();
    const h1 = () => {};
    const h2 = () => {};
    expect(table.add('x/+', h1)).toBe(true);
    expect(table.add('x/+', h2)).toBe(false);
    expect(table.remove('x/+', h1)).toBe(false);
    expect(table.remove('x/+', h2)).toBe(true);
    expect(table.list()).toEqual([]);
  });
});
