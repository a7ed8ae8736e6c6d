import { test, expect, signIn, hydrated, jsOn, unique, INTEGRATOR } from './support';

const KEY_RE = /^hwk_[A-Za-z0-9_-]{32,}$/;

/** A platform event, as the platform would send it with `key`. */
const sendEvent = (request: import('@playwright/test').APIRequestContext, key: string) =>
  request.post('/api/v1/events', {
    headers: { Authorization: `Bearer ${key}` },
    data: { eventType: 'NewWorkItemVersionComplete', eventId: unique('e2e-key').replace(/\s+/g, '-'), data: {} },
  });

test.describe('API keys', () => {
  test('a new key is shown once, listed as never used, works, and answers 401 once revoked', async ({ page, request }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(/\/api-keys$/);
    await hydrated(page, js);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('API keys');

    const name = unique('Platform key');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Your API key' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('It will not be shown again.');
    const key = ((await dialog.getByTestId('api-key').textContent()) ?? '').trim();
    expect(key).toMatch(KEY_RE);
    const cont = dialog.getByRole('button', { name: 'Continue' });
    if (js) {
      // Focus is in the dialog, and Continue waits for the checkbox.
      await expect(dialog.getByRole('button', { name: 'Copy' })).toBeFocused();
      await expect(cont).toBeDisabled();
    }
    await dialog.getByRole('checkbox', { name: 'I have copied the key' }).check();
    await cont.click();
    await expect(dialog).toHaveCount(0);
    if (js) await expect(page.getByRole('button', { name: 'Create API key', exact: true })).toBeFocused();
    else await expect(page).toHaveURL(/\/api-keys$/);

    // Listed by its prefix, never used; the key itself is not on the page any more.
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(row.getByRole('cell').nth(1)).toHaveText(`${key.slice(0, 12)}…`);
    await expect(row.getByRole('cell').nth(2)).toContainText(`by ${INTEGRATOR.username}`);
    await expect(row.getByRole('cell').nth(3)).toHaveText('Never');
    await expect(row.getByRole('cell').nth(4)).toHaveText('Active');
    expect(await page.content()).not.toContain(key);

    expect((await sendEvent(request, key)).status()).toBe(202);
    await page.reload();
    await hydrated(page, js);
    await expect(row.getByRole('cell').nth(3)).not.toHaveText('Never');

    // Revoke asks first (in the page with JavaScript, on its own page without).
    await row.getByRole('link', { name: `Revoke “${name}”` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Revoke API key “${name}”?` });
    await expect(confirm).toBeVisible();
    if (!js) await expect(page).toHaveURL(/\/api-keys\/\d+\/revoke$/);
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page).toHaveURL(/\/api-keys$/);
    await expect(row.getByRole('cell').nth(4)).toHaveText(/^Revoked at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await expect(row.getByRole('link', { name: `Revoke “${name}”` })).toHaveCount(0);

    const refused = await sendEvent(request, key);
    expect(refused.status()).toBe(401);
    expect(refused.headers()['content-type']).toContain('application/problem+json');
  });

  test('Cancel leaves the key working', async ({ page, request }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR, '/api-keys');
    await hydrated(page, js);
    const name = unique('Kept key');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Your API key' });
    const key = ((await dialog.getByTestId('api-key').textContent()) ?? '').trim();
    await dialog.getByRole('checkbox', { name: 'I have copied the key' }).check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await row.getByRole('link', { name: `Revoke “${name}”` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Revoke API key “${name}”?` });
    await confirm.getByRole('link', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Active');
    expect((await sendEvent(request, key)).status()).toBe(202);
  });
});
