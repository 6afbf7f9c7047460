import { expect, test } from './fixtures';
import { deviceHash, STRAP } from './ids';

/** Browser globals for page.evaluate callbacks (the test files compile without the DOM lib). */
interface Win {
  getComputedStyle(el: unknown): { outlineStyle: string; backgroundColor: string };
  document: { body: unknown };
}

test('keyboard navigation with a visible focus ring, and roles on the controls', async ({
  dashboard: page,
  serve,
}) => {
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  const devices = page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Devices' });
  await expect(devices).toBeFocused();
  const outline = await devices.evaluate(
    (el) => (globalThis as unknown as Win).getComputedStyle(el).outlineStyle,
  );
  expect(outline).not.toBe('none');
  // Down the menu to Bluetooth, and Enter opens it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/bluetooth$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Bluetooth' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Bluetooth' })).toHaveAttribute(
    'aria-current',
    'page',
  );

  await page.goto(`${serve.url}${deviceHash(STRAP)}`);
  const ranges = page.getByRole('radiogroup', { name: 'Time range' });
  await expect(ranges.getByRole('radio')).toHaveCount(5);
  await expect(ranges.getByRole('radio', { name: '1 h' })).toHaveAttribute('aria-checked', 'true');
  await ranges.getByRole('radio', { name: '1 h' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(ranges.getByRole('radio', { name: '24 h' })).toHaveAttribute('aria-checked', 'true');
  await expect(ranges.getByRole('radio', { name: '24 h' })).toBeFocused();
});

test('the theme follows the OS, and the settings override it', async ({
  dashboard: page,
  serve,
}) => {
  const bg = () =>
    page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return w.getComputedStyle(w.document.body).backgroundColor;
    });
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bg();
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await bg();
  expect(dark).not.toBe(light);

  await page.goto(`${serve.url}#/settings`);
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await bg()).toBe(dark);
  // Stored by the engine: a fresh page starts dark while the OS says light.
  const stored = await serve.call<{ general: { theme: string } }>('getSettings');
  expect(stored.value?.general.theme).toBe('dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByLabel('Theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
  expect(await bg()).toBe(light);
});

test('export: a bad range is named next to its field, a good one says where the file went', async ({
  dashboard: page,
  serve,
}) => {
  // Export a range with "from" after "to": the engine names the field and the page shows it there.
  await page.goto(`${serve.url}#/settings`);
  const form = page.getByRole('form', { name: 'Export readings' });
  await form.getByLabel('Device').selectOption(STRAP);
  await form.getByLabel('From').fill('2030-01-02T00:00');
  await form.getByLabel('To').fill('2030-01-01T00:00');
  await form.getByRole('button', { name: 'Export' }).click();
  await expect(
    form.locator('.field.invalid', { hasText: 'From' }).locator('.field-error'),
  ).toBeVisible();
  // A valid range exports a file and tells where it went.
  await form.getByLabel('From').fill('2020-01-01T00:00');
  await form.getByLabel('To').fill('2035-01-01T00:00');
  await form.getByRole('button', { name: 'Export' }).click();
  await expect(form.getByRole('status')).toContainText(/Exported [\d,]+ readings to/);
});
