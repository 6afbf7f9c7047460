import { expect, test } from './fixtures';
import { deviceHash, STRAP } from './ids';

/** Reads a numeric value shown in the page; NaN while it shows a dash. */
const num = async (loc: import('@playwright/test').Locator) => Number(await loc.textContent());

test('a simulated strap’s heart rate updates live on its card and its device page', async ({
  dashboard: page,
  serve,
}) => {
  const card = page.locator(`.card[data-device-id="${STRAP}"]`);
  await expect(card).toBeVisible({ timeout: 30_000 });
  // Cards off screen show no live values: bring it into view wherever the layout puts it.
  await card.scrollIntoViewIfNeeded();
  const cardHr = card.locator('[data-metric="heart_rate"] .num');
  await expect(cardHr).toHaveText(/^\d+$/, { timeout: 30_000 });
  const first = await num(cardHr);
  // The strap's rate wanders every tick; a change proves the card follows pushed events.
  await expect.poll(() => num(cardHr), { timeout: 30_000 }).not.toBe(first);
  await expect(card.locator('[data-metric="heart_rate"] .unit')).toHaveText(/bpm/);

  // Opening the route a notification would target ("/device/<id>").
  await page.goto(`${serve.url}${deviceHash(STRAP)}`);
  await expect(page.locator('#device-title')).toContainText('HB Strap');
  const pageHr = page.locator('.now-values [data-metric="heart_rate"] .num');
  await expect(pageHr).toHaveText(/^\d+$/, { timeout: 30_000 });
  const onPage = await num(pageHr);
  await expect.poll(() => num(pageHr), { timeout: 30_000 }).not.toBe(onPage);
  // And its history chart draws from the engine's stored readings.
  const chart = page.locator('.chart-box[data-metric="heart_rate"]');
  await expect(chart.locator('canvas').first()).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 })
    .toBeGreaterThan(0);
});
