import { expect, test } from './fixtures';
import { startMosquitto } from '../helpers/mosquitto';

test('broker settings with a wrong password show the broker’s reason', async ({
  dashboard: page,
  serve,
}) => {
  const broker = await startMosquitto({ users: { homebeat: 'right-password' } });
  try {
    await page.goto(`${serve.url}#/smarthome`);
    const form = page.getByRole('form', { name: 'Broker settings' });
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(broker.port));
    await form.getByLabel('Username').fill('homebeat');
    await form.getByLabel('Password').fill('wrong-password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.locator('[data-test-result]');
    await expect(result).toHaveAttribute('data-test-result', 'failed', { timeout: 20_000 });
    await expect(result).toContainText(/not authori[sz]ed|bad user ?name or password/i);

    // The right password connects, and the page says so.
    await form.getByLabel('Password').fill('right-password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(result).toHaveAttribute('data-test-result', 'ok', { timeout: 20_000 });

    // Saving switches Homebeat over to that broker; the page shows it connected there.
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    const state = page.locator('[data-mqtt-state]');
    await expect(state).toHaveAttribute('data-mqtt-state', 'connected', { timeout: 30_000 });
    await expect(page.locator('#conn-title ~ p code')).toContainText(`:${broker.port}`);
    const settings = await serve.call<{ mqtt: { host: string; hasPassword: boolean } }>(
      'getSettings',
    );
    expect(settings.value?.mqtt).toMatchObject({ host: '127.0.0.1', hasPassword: true });
  } finally {
    await broker.stop();
  }
});
