import { expect, test } from './fixtures';

test('when the server goes away and comes back, the page resynchronises without a reload', async ({
  dashboard: page,
  serve,
}) => {
  await expect(page.locator('.card').first()).toBeVisible({ timeout: 30_000 });
  const before = await page.locator('.card').count();
  await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = 42));

  await serve.stop();
  const banner = page.locator('.banner[data-link="reconnecting"]');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('reconnecting');

  await serve.start();
  await expect(banner).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => page.locator('.card').count()).toBeGreaterThanOrEqual(before);
  // Same document: no reload happened.
  expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(
    42,
  );
  // And the store took fresh data after the reconnect.
  expect(
    await page.evaluate(
      () =>
        (globalThis as unknown as { __homebeat: { store: { epoch: number } } }).__homebeat.store
          .epoch,
    ),
  ).toBeGreaterThanOrEqual(2);
});
