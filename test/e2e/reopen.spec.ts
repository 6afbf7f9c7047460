import { expect, test } from './fixtures';
import { deviceHash, STRAP } from './ids';

test('readings of the period the page was closed are in the chart when it reopens', async ({
  browser,
  serve,
}) => {
  const open = async () => {
    const page = await browser.newPage();
    await page.goto(`${serve.url}${deviceHash(STRAP)}`);
    await expect(page.locator('#device-title')).toContainText('HB Strap', { timeout: 30_000 });
    return page;
  };
  const page = await open();
  await expect(page.locator('.now-values [data-metric="heart_rate"] .num')).toHaveText(/^\d+$/, {
    timeout: 30_000,
  });
  await page.close();
  const closedAt = Date.now();

  // Let the engine sync on its own: wait until it has stored a good stretch of readings after
  // the page closed (asked over HTTP, no dashboard open).
  await expect
    .poll(
      async () => {
        const r = await serve.call<{ rawCount: number }>('querySeries', {
          deviceId: STRAP,
          metric: 'heart_rate',
          from: closedAt + 1000,
          to: Date.now(),
          points: 10,
        });
        return r.value?.rawCount ?? 0;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBeGreaterThanOrEqual(10);
  const reopenedAt = Date.now();

  const again = await open();
  const chart = again.locator('.chart-box[data-metric="heart_rate"]');
  await expect(chart.locator('canvas').first()).toBeVisible({ timeout: 20_000 });
  const ts = (await chart.getAttribute('data-ts'))!.split(',').map(Number);
  const inGap = ts.filter((t) => t > closedAt && t < reopenedAt);
  expect(inGap.length).toBeGreaterThan(0);
  await again.close();
});
