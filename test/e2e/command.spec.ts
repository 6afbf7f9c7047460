import mqtt from 'mqtt';
import { expect, test } from './fixtures';
import { BLINDS_NAME, HALL_LIGHT_NAME, HALL_LIGHT_SET_TOPIC, LOCK_NAME } from './ids';

test.use({ useMosquitto: true });

test('toggling a light: confirmed on the page, and seen on the broker by another client', async ({
  dashboard: page,
  mosquitto,
}) => {
  const seen: { topic: string; payload: string }[] = [];
  const client = await mqtt.connectAsync(mosquitto.url, { clientId: 'e2e-observer' });
  try {
    await client.subscribeAsync('simhome/#');
    client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));

    const card = page.locator('.card', { hasText: HALL_LIGHT_NAME });
    await expect(card).toBeVisible({ timeout: 30_000 });
    await card.locator('.card-name').click();
    const control = page.locator('.control').first();
    const toggle = control.getByRole('switch');
    await expect(toggle).toBeVisible();
    const wasOn = (await toggle.getAttribute('aria-checked')) === 'true';
    await toggle.click();
    await expect(control.locator('.cmd-state')).toHaveAttribute('data-state', 'confirmed', {
      timeout: 20_000,
    });
    await expect(toggle).toHaveAttribute('aria-checked', String(!wasOn));
    await expect
      .poll(() =>
        seen.some((m) => m.topic === HALL_LIGHT_SET_TOPIC && m.payload === (wasOn ? 'OFF' : 'ON')),
      )
      .toBe(true);
  } finally {
    await client.endAsync();
  }
});

test('closing the blinds and unlocking the front door: each confirmed on its page', async ({
  dashboard: page,
}) => {
  await page.locator('.card', { hasText: BLINDS_NAME }).locator('.card-name').click();
  const blinds = page.locator('.control').first();
  await blinds.getByRole('button', { name: 'close' }).click();
  await expect(blinds.locator('.cmd-state')).toHaveAttribute('data-state', 'confirmed', {
    timeout: 20_000,
  });
  await expect(blinds.locator('.muted')).toHaveText('0 % open');

  await page.goto(page.url().replace(/#.*$/, '#/'));
  await page.locator('.card', { hasText: LOCK_NAME }).locator('.card-name').click();
  const lock = page.locator('.control').first();
  await expect(lock.locator('.muted')).toHaveText('locked');
  await lock.getByRole('button', { name: 'unlock' }).click();
  await expect(lock.locator('.cmd-state')).toHaveAttribute('data-state', 'confirmed', {
    timeout: 20_000,
  });
  await expect(lock.locator('.muted')).toHaveText('unlocked');
});

test('a command that cannot be delivered (broker down) shows failed, with the reason', async ({
  dashboard: page,
  mosquitto,
}) => {
  const card = page.locator('.card', { hasText: HALL_LIGHT_NAME });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.locator('.card-name').click();
  const control = page.locator('.control').first();
  await expect(control.getByRole('switch')).toBeVisible();
  // The broker dies: the command is refused or times out unconfirmed; either way it failed.
  await mosquitto.kill();
  await control.getByRole('switch').click();
  const state = control.locator('.cmd-state');
  await expect(state).toHaveAttribute('data-state', /pending|failed/);
  await expect(state).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(state).toContainText(/failed: .+/);
});
