import { expect, test } from './fixtures';
import { STRAP } from './ids';

test('a rule that fires shows its alert', async ({ dashboard: page, serve }) => {
  await page.goto(`${serve.url}#/rules`);
  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New rule' });
  // Validation first: an empty name is refused, with the message next to the field.
  await form.getByRole('button', { name: 'Save rule' }).click();
  await expect(
    form.locator('.field.invalid', { hasText: 'Name' }).locator('.field-error'),
  ).toBeVisible();

  await form.getByLabel('Name').fill('Pulse check');
  await form.getByLabel('Device').first().selectOption(STRAP);
  await form.getByLabel('Metric').selectOption('heart_rate');
  await form.getByLabel('Is').selectOption('above');
  await form.getByLabel('Value').fill('1');
  await form.getByLabel('Title').fill('Pulse seen on {device}');
  await form.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.locator('.rule', { hasText: 'Pulse check' })).toBeVisible();

  await page.goto(`${serve.url}#/activity`);
  await expect(page.locator('.alerts .alert', { hasText: 'Pulse seen on' }).first()).toBeVisible({
    timeout: 30_000,
  });
});
