import { expect, test } from './fixtures';

/**
 * Pages say plainly what the engine does not offer. The ?bench engine (a synthetic one that
 * answers only status, devices, settings and history) stands in for a build missing the rest.
 */
test('pages say "not available in this build" for what the engine does not offer', async ({
  page,
  serve,
}) => {
  const open = async (hash: string) => {
    await page.goto(`${serve.url}?bench&devices=3${hash}`);
  };
  await open('#/rules');
  await expect(page.getByText('Rules is not available in this build.')).toBeVisible();
  await open('#/activity');
  await expect(page.getByText('The job list is not available in this build.')).toBeVisible();
  await expect(page.getByText('Alerts is not available in this build.')).toBeVisible();
  await open('#/bluetooth');
  await expect(page.getByText('Bluetooth is not available in this build.')).toBeVisible();
  await open('#/settings');
  await page.getByLabel('Device').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByText('The export is not available in this build.')).toBeVisible();
  // What it does offer works: three devices with values.
  await open('#/');
  await expect(page.locator('.card')).toHaveCount(3);
});
