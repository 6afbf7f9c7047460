import { describe, expect, it } from 'vitest';
import { deviceHref, parseRoute, targetHref } from './router';

describe('parseRoute', () => {
  it('opens a device page from a notification target', () => {
    const id = 'c0:ff:ee:00:00:01';
    expect(parseRoute(targetHref(`/device/${id}`))).toEqual({ page: 'device', id });
    expect(parseRoute(deviceHref(id))).toEqual({ page: 'device', id });
    expect(parseRoute(deviceHref('a/b c'))).toEqual({ page: 'device', id: 'a/b c' });
  });
  it('knows every page and says when a path is unknown', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/')).toEqual({ page: 'overview' });
    expect(parseRoute('#/rules')).toEqual({ page: 'rules' });
    expect(parseRoute('#/nope')).toEqual({ page: 'notfound', path: '/nope' });
    expect(parseRoute('#/device/')).toEqual({ page: 'notfound', path: '/device/' });
  });
});
