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
});
