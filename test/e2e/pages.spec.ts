import { expect, test } from './fixtures';
import { deviceHash, HALL_LIGHT_NAME, STRAP } from './ids';

test('overview: search, filter by kind and presence, group by room or transport', async ({
  dashboard: page,
}) => {
  const cards = page.locator('.card');
  await expect(page.locator(`.card[data-device-id="${STRAP}"]`)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.card', { hasText: HALL_LIGHT_NAME })).toBeVisible({
    timeout: 30_000,
  });
  const all = await cards.count();

  await page.getByRole('searchbox', { name: 'Search devices' }).fill('strap');
  await expect.poll(() => cards.count()).toBeLessThan(all);
  for (const name of await page.locator('.card .card-name').allTextContents())
    expect(name.toLowerCase()).toContain('strap');
  await page.getByRole('searchbox', { name: 'Search devices' }).fill('');
  await expect.poll(() => cards.count()).toBe(all);

  await page.getByLabel('Kind').selectOption('light');
  await expect(page.locator('.card', { hasText: HALL_LIGHT_NAME })).toBeVisible();
  await expect(page.locator(`.card[data-device-id="${STRAP}"]`)).toHaveCount(0);
  await page.getByLabel('Kind').selectOption('');

  await page.getByLabel('Group by').selectOption('transport');
  await expect(page.getByRole('heading', { level: 2, name: /Smart home \(MQTT\)/ })).toBeVisible();
  await expect(
    page.getByRole('heading', { level: 2, name: /^(Bluetooth|Simulated)/ }),
  ).toBeVisible();
  await page.getByLabel('Group by').selectOption('room');
  await expect(page.getByRole('heading', { level: 2, name: /Hall/ })).toBeVisible();

  await page.getByLabel('Show').selectOption('away');
  await expect(page.locator('.card.online')).toHaveCount(0);
});

test('device page: a custom range is checked, then charted', async ({ dashboard: page, serve }) => {
  await page.goto(`${serve.url}${deviceHash(STRAP)}`);
  await page.getByRole('radio', { name: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill('2030-01-02T00:00');
  await page.getByLabel('To', { exact: true }).fill('2030-01-01T00:00');
  await expect(
    page.getByRole('alert').filter({ hasText: '“From” must be before “To”' }),
  ).toBeVisible();
  await expect(page.locator('.chart')).toHaveCount(0);
  // From yesterday to tomorrow: the strap's stored readings are in it (once history holds some).
  await expect
    .poll(
      async () =>
        (
          await serve.call<{ rawCount: number }>('querySeries', {
            deviceId: STRAP,
            metric: 'heart_rate',
            from: 0,
            to: Date.now() + 60_000,
            points: 2,
          })
        ).value?.rawCount ?? 0,
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  const local = (ms: number) =>
    new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel('From', { exact: true }).fill(local(Date.now() - 86_400_000));
  await page.getByLabel('To', { exact: true }).fill(local(Date.now() + 86_400_000));
  const chart = page.locator('.chart-box[data-metric="heart_rate"]');
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 })
    .toBeGreaterThan(0);
});

test('activity: jobs with their runs, and the log filtered by text and level', async ({
  dashboard: page,
  serve,
}) => {
  await page.goto(`${serve.url}#/activity`);
  const jobs = page.locator('section[aria-labelledby="jobs-title"] tbody tr');
  await expect(jobs.first()).toBeVisible({ timeout: 30_000 });
  const log = page.locator('.feed.log li');
  await expect(log.first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Filter activity' }).fill('ble.session');
  await expect.poll(() => log.count()).toBeGreaterThan(0);
  for (const line of await log.allTextContents()) expect(line).toContain('ble.session');
  await page.getByRole('searchbox', { name: 'Filter activity' }).fill('');
  await page.getByLabel('Log level').selectOption('error');
  for (const line of await log.allTextContents()) expect(line).toContain('error');
});

test('settings: start at login and notifications are stored; a bad retention is named at its field', async ({
  dashboard: page,
  serve,
}) => {
  await page.goto(`${serve.url}#/settings`);
  // The engine reports where its data lives (serve's --data-dir).
  await expect(page.getByText('Data location:')).toContainText(serve.dataDir);
  await page.getByLabel('Start Homebeat when I log in').check();
  await expect(page.getByRole('status').filter({ hasText: 'Start at login saved' })).toBeVisible();
  await page.getByLabel('Show notifications for alerts').uncheck();
  await expect(page.getByRole('status').filter({ hasText: 'Notifications saved' })).toBeVisible();
  const keep = page.getByLabel('Keep readings for (days)');
  await keep.fill('0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(
    page.locator('.field.invalid', { hasText: 'Keep readings' }).locator('.field-error'),
  ).toBeVisible();
  await keep.fill('30');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Retention saved' })).toBeVisible();
  const s = await serve.call<{
    general: { startAtLogin: boolean; notifications: boolean };
    history: { retentionDays: number };
  }>('getSettings');
  expect(s.value).toMatchObject({
    general: { startAtLogin: true, notifications: false },
    history: { retentionDays: 30 },
  });
});
