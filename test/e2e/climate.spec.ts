import { expect, test } from './fixtures';

test('a thermostat: the setpoint slider and the mode, each confirmed by the device', async ({
  dashboard: page,
}) => {
  const card = page.locator('.card', { hasText: 'Living room thermostat' });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.locator('.card-name').click();
  const control = page.locator('.control').first();
  const slider = control.getByRole('slider', { name: /Setpoint/ });
  await expect(slider).toBeVisible();
  const before = Number(await slider.inputValue());
  // Keyboard: one step up, sent when the key is released.
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(control.locator('.cmd-state')).toHaveAttribute('data-state', 'confirmed', {
    timeout: 20_000,
  });
  await expect(slider).toHaveValue(String(before + 0.5));

  await control.getByLabel('Mode').selectOption('auto');
  await expect(control.getByLabel('Mode')).toHaveValue('auto', { timeout: 20_000 });
  await expect(control.locator('.cmd-state')).toHaveAttribute('data-state', 'confirmed', {
    timeout: 20_000,
  });
});
