import { expect, shot, test } from './fixtures';

test.use({ simulate: false });

test('without the simulated radio, the Bluetooth page shows the real adapter state and, when unavailable, why and what to do', async ({
  dashboard: page,
  serve,
}) => {
  await page.goto(`${serve.url}#/bluetooth`);
  const badge = page.locator('[data-adapter]');
  await expect(badge).toBeVisible();
  // Whatever the engine reports, the page shows the same.
  await expect
    .poll(async () => {
      const st = await serve.call<{ ble: { adapter: string } }>('getStatus');
      return (await badge.getAttribute('data-adapter')) === st.value?.ble.adapter;
    })
    .toBe(true);
  const st = await serve.call<{ ble: { adapter: string; reason?: string } }>('getStatus');
  if (st.value?.ble.adapter === 'unavailable') {
    await expect(badge).toHaveText('Unavailable');
    if (st.value.ble.reason)
      await expect(page.getByText(`Reason: ${st.value.ble.reason}`)).toBeVisible();
    await expect(page.locator('.advice')).toContainText('Bluetooth adapter');
    await expect(page.getByRole('button', { name: 'Scan for devices' })).toBeDisabled();
  } else {
    // A machine with a working adapter: scanning is offered.
    await expect(
      page.getByRole('button', { name: /Scan for devices|Stop scanning/ }),
    ).toBeEnabled();
  }
  // The rest of the app runs on: the smart-home side still works.
  await page.goto(`${serve.url}#/smarthome`);
  await expect(page.locator('[data-mqtt-state]')).toBeVisible();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${serve.url}#/bluetooth`);
  await shot(page, 'bluetooth-no-radio', 'light');
});
