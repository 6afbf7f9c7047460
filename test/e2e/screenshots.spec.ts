import { expect, shot, test } from './fixtures';

const PAGES = [
  { name: 'overview', hash: '#/', ready: 'h1:has-text("Devices")' },
  { name: 'bluetooth', hash: '#/bluetooth', ready: 'h1:has-text("Bluetooth")' },
  { name: 'smarthome', hash: '#/smarthome', ready: 'h1:has-text("Smart home")' },
  { name: 'rules', hash: '#/rules', ready: 'h1:has-text("Rules")' },
  { name: 'activity', hash: '#/activity', ready: 'h1:has-text("Activity")' },
  { name: 'settings', hash: '#/settings', ready: 'h1:has-text("Settings")' },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`every page renders with simulated data (${scheme})`, async ({ dashboard: page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    // Real simulated data: at least one device must have reported readings.
    await expect(page.locator('.card .value .num').first()).not.toHaveText('—', {
      timeout: 30_000,
    });
    for (const p of PAGES) {
      await page.goto(`${serve.url}${p.hash}`);
      await expect(page.locator(p.ready)).toBeVisible();
      await page.waitForLoadState('networkidle');
      await shot(page, p.name, scheme);
    }
    // The device page of the first device, with its charts drawn.
    await page.goto(serve.url);
    const first = page.locator('.card .card-name').first();
    await first.click();
    await expect(page.locator('#device-title')).toBeVisible();
    await expect(page.locator('.chart canvas').first()).toBeVisible({ timeout: 20_000 });
    await shot(page, 'device', scheme);
  });
}
