import { expect, test } from './fixtures';

/**
 * In a browser, alerts become browser notifications once allowed; clicking one opens its target.
 * The simulation's demo rule (heart rate above 45 for 10 s) is what fires here.
 */
test('an alert shows as a browser notification that opens the device page', async ({
  page,
  serve,
  context,
}) => {
  await context.grantPermissions(['notifications'], { origin: new URL(serve.url).origin });
  // Record what the page shows instead of relying on the desktop's notification daemon.
  await page.addInitScript(() => {
    const shown: { title: string; body?: string; note: { onclick: null | (() => void) } }[] = [];
    class Recorded {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: null | (() => void) = null;
      constructor(title: string, opts?: { body?: string }) {
        shown.push({ title, body: opts?.body, note: this });
      }
      close() {}
    }
    Object.assign(globalThis, { Notification: Recorded, __shown: shown });
  });
  await page.goto(`${serve.url}#/settings`);
  await expect(page.getByText('This browser shows alerts as notifications.')).toBeVisible();
  await expect
    .poll(
      () => page.evaluate(() => (globalThis as unknown as { __shown: unknown[] }).__shown.length),
      {
        timeout: 45_000,
      },
    )
    .toBeGreaterThan(0);
  const title = await page.evaluate(
    () => (globalThis as unknown as { __shown: { title: string }[] }).__shown[0].title,
  );
  expect(title).toMatch(/heart rate/i);
  await page.evaluate(() =>
    (
      globalThis as unknown as { __shown: { note: { onclick: () => void } }[] }
    ).__shown[0].note.onclick(),
  );
  await expect(page).toHaveURL(/#\/device\//);
});
