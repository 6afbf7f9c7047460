import { expect, shot, test } from './fixtures';
import { deviceHash, HALL_LIGHT_NAME, STRAP } from './ids';

const PAGES = [
  { name: 'bluetooth', hash: '#/bluetooth', ready: '[data-adapter]' },
  { name: 'smarthome', hash: '#/smarthome', ready: '[data-mqtt-state]' },
  { name: 'rules', hash: '#/rules', ready: 'h1:has-text("Rules")' },
  { name: 'activity', hash: '#/activity', ready: '#jobs-title' },
  { name: 'settings', hash: '#/settings', ready: '#export-title' },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`a screenshot of every page with simulated data (${scheme})`, async ({
    dashboard: page,
    serve,
  }) => {
    // Nothing the page does may trip its Content-Security-Policy (or throw).
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.emulateMedia({ colorScheme: scheme });
    // Real simulated data: the strap's rate is on its card and its sparkline has a line.
    const strap = page.locator(`.card[data-device-id="${STRAP}"]`);
    await strap.scrollIntoViewIfNeeded(); // cards off screen show no live values
    await expect(strap.locator('[data-metric="heart_rate"] .num')).toHaveText(/^\d+$/, {
      timeout: 30_000,
    });
    await expect
      .poll(async () => Number(await strap.locator('svg.spark').getAttribute('data-points')), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(10);
    await shot(page, 'overview', scheme);

    for (const p of PAGES) {
      await page.goto(`${serve.url}${p.hash}`);
      await expect(page.locator(p.ready).first()).toBeVisible();
      await page.waitForLoadState('networkidle');
      await shot(page, p.name, scheme);
    }
    await page.goto(`${serve.url}#/rules`);
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page.locator('.field-error').first()).toBeVisible();
    await shot(page, 'rules-editor', scheme);

    // A wearable's device page with its charts drawn from history.
    await page.goto(`${serve.url}${deviceHash(STRAP)}`);
    const chart = page.locator('.chart-box[data-metric="heart_rate"]');
    await expect(chart.locator('canvas').first()).toBeVisible({ timeout: 20_000 });
    await expect
      .poll(
        async () => {
          // Reload the range now and then, so the chart shows what history holds by now.
          await page.getByRole('radio', { name: '24 h' }).click();
          await page.getByRole('radio', { name: '1 h' }).click();
          return Number(await chart.getAttribute('data-points'));
        },
        { timeout: 60_000, intervals: [2000] },
      )
      .toBeGreaterThanOrEqual(10);
    await shot(page, 'device-strap', scheme);

    // A smart-home device page with its controls (fails while the scripted home is missing).
    await page.goto(serve.url);
    await page.locator('.card', { hasText: HALL_LIGHT_NAME }).locator('.card-name').click();
    await expect(page.locator('.control').first()).toBeVisible();
    await shot(page, 'device-controls', scheme);
    expect(problems).toEqual([]);
  });
}
