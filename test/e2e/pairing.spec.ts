import { expect, test } from './fixtures';
import { SPARE_STRAP } from './ids';

test('pairing a device from the Bluetooth page', async ({ dashboard: page, serve }) => {
  await page.goto(`${serve.url}#/bluetooth`);
  await expect(page.locator('[data-adapter]')).toBeVisible();
  await expect(page.locator('[data-adapter]')).not.toHaveAttribute('data-adapter', 'unavailable', {
    timeout: 20_000,
  });
  // The engine may already be scanning on its own; otherwise start a scan like a user would.
  const scan = page.getByRole('button', { name: 'Scan for devices' });
  if (await scan.isVisible()) await scan.click();
  await expect(page.locator('[data-adapter]')).toHaveAttribute('data-adapter', 'scanning');
  const row = page.locator(`tr[data-scan-id="${SPARE_STRAP}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText(/-\d+ dBm/);
  await row.getByRole('button', { name: 'Pair' }).click();
  // Progress steps appear, then the row says paired.
  await expect(row.locator('.pair-steps li').first()).toBeVisible({ timeout: 30_000 });
  await expect(row.locator('.badge.ok', { hasText: 'paired' })).toBeVisible({ timeout: 60_000 });
  await expect(
    page.locator('section[aria-labelledby="paired-title"]').getByText(SPARE_STRAP),
  ).toBeVisible({ timeout: 30_000 });
  // The engine agrees, not only the page.
  const devices = await serve.call<{ id: string; paired?: boolean }[]>('listDevices');
  expect(devices.value?.find((d) => d.id === SPARE_STRAP)?.paired).toBe(true);

  // Forget it again: gone from the paired list, and the engine no longer lists it as paired.
  page.once('dialog', (d) => void d.accept());
  const paired = page.locator('section[aria-labelledby="paired-title"] li', {
    hasText: SPARE_STRAP,
  });
  await paired.getByRole('button', { name: 'Forget' }).click();
  await expect(paired).toHaveCount(0);
  const after = await serve.call<{ id: string; paired?: boolean }[]>('listDevices');
  expect(after.value?.find((d) => d.id === SPARE_STRAP)?.paired ?? false).toBe(false);
});

test('a BTHome bind key: a malformed one is refused next to its field, a good one is stored', async ({
  dashboard: page,
  serve,
}) => {
  await page.goto(`${serve.url}#/bluetooth`);
  const form = page.locator('section[aria-labelledby="bindkey-title"]');
  await form.getByLabel('Sensor address').fill('c0:ff:ee:00:00:09');
  await form.getByLabel('Bind key').fill('abc');
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form.locator('.field.invalid', { hasText: 'Bind key' })).toContainText('32 hex');
  await form.getByLabel('Bind key').fill('231d39c1d7cc1ab1aee224cd096db932');
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form.getByRole('status')).toContainText('Key stored for c0:ff:ee:00:00:09');
  const settings = await serve.call<{ ble: { bthomeKeys: string[] } }>('getSettings');
  expect(settings.value?.ble.bthomeKeys).toContain('c0:ff:ee:00:00:09');
});
