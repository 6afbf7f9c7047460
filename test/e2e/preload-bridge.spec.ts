import { expect, test } from './fixtures';
import { STRAP } from './ids';

/**
 * The Electron app hands the page `window.homebeat` from its preload. Electron cannot start here, so
 * this stands a stand-in preload up before the page loads (requests over serve's POST /api, events
 * from its socket) and checks the dashboard uses it, not its own WebSocket client.
 */
test('the dashboard uses window.homebeat when a preload provides it', async ({ page, serve }) => {
  await page.addInitScript(() => {
    const g = globalThis as unknown as Record<string, unknown> & {
      location: { host: string };
      fetch: (u: string, o: unknown) => Promise<{ json(): Promise<unknown> }>;
      WebSocket: new (u: string) => { onmessage: ((e: { data: string }) => void) | null };
    };
    const calls: string[] = [];
    const listeners = new Set<(b: unknown) => void>();
    const ws = new g.WebSocket(`ws://${g.location.host}/ws`);
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data) as { events?: unknown };
      if (msg.events) for (const l of listeners) l(msg.events);
    };
    g.__preloadCalls = calls;
    g.homebeat = new Proxy(
      {},
      {
        get(_t, name) {
          if (name === 'onEvents')
            return (l: (b: unknown) => void) => {
              listeners.add(l);
              return () => listeners.delete(l);
            };
          if (typeof name !== 'string' || name === 'then') return undefined;
          return async (input?: unknown) => {
            calls.push(name);
            const r = await g.fetch(`/api/${name}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(input ?? {}),
            });
            return r.json();
          };
        },
      },
    );
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(serve.url);
  type W = { __homebeat: { bridge: string }; __preloadCalls: string[] };
  expect(await page.evaluate(() => (globalThis as unknown as W).__homebeat.bridge)).toBe('preload');
  // Live values arrive through the preload's event subscription.
  const card = page.locator(`.card[data-device-id="${STRAP}"]`);
  await card.scrollIntoViewIfNeeded(); // cards off screen show no live values
  const hr = card.locator('[data-metric="heart_rate"] .num');
  await expect(hr).toHaveText(/^\d+$/, { timeout: 30_000 });
  const first = await hr.textContent();
  await expect.poll(() => hr.textContent(), { timeout: 30_000 }).not.toBe(first);
  const calls = await page.evaluate(() => (globalThis as unknown as W).__preloadCalls);
  expect(calls).toEqual(expect.arrayContaining(['getStatus', 'listDevices', 'getSettings']));
  // Only the stand-in's socket: the dashboard opened none of its own.
  expect(sockets).toHaveLength(1);
  // No reconnect banner: a preload link is always up.
  await expect(page.locator('.banner')).toHaveCount(0);
});
