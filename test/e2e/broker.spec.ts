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
  } finally {
    await broker.stop();
  }
});
