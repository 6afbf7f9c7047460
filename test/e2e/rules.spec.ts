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

  // Disable, edit, delete: each lands in the engine.
  await page.goto(`${serve.url}#/rules`);
  const row = page.locator('.rule', { hasText: 'Pulse check' });
  await row.getByRole('switch').click();
  await expect(row.locator('.badge')).toHaveText('disabled');
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit rule' });
  await edit.getByLabel('Name').fill('Pulse check 2');
  await edit.getByRole('button', { name: 'Save rule' }).click();
  const renamed = page.locator('.rule', { hasText: 'Pulse check 2' });
  await expect(renamed).toBeVisible();
  let rules = await serve.call<{ name: string; enabled: boolean }[]>('listRules');
  expect(rules.value?.find((r) => r.name === 'Pulse check 2')?.enabled).toBe(false);
  page.once('dialog', (d) => void d.accept());
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  rules = await serve.call('listRules');
  expect(rules.value?.some((r) => r.name.startsWith('Pulse check'))).toBe(false);
});
