import { test, expect, signIn, hydrated, jsOn, unique, allowHttpStatus, ADMIN } from './support';

// Every console form behaves like the webhook form, with and without JavaScript: a refusal
// shows its message beside the field and keeps what was typed (422 without JavaScript).
test.describe('console forms', () => {
  test('a refused Create user keeps the typed values and explains beside the field', async ({ page, consoleErrors }, testInfo) => {
    allowHttpStatus(consoleErrors, 422);
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    await page.goto('/users');
    await hydrated(page, js);
    await page.getByLabel('Username', { exact: true }).fill('has space');
    await page.getByLabel('Password', { exact: true }).fill('long-enough-password');
    await page.getByLabel('Role', { exact: true }).selectOption('IntegrationAdmin');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/rpc/create_user'),
      page.getByRole('button', { name: 'Create user' }).click(),
    ]);
    expect(res.status()).toBe(422);
    const username = page.getByLabel('Username', { exact: true });
    await expect(username).toHaveValue('has space');
    await expect(username).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#new-username-error')).toHaveText('Use only letters, digits, _, -, . and @ in the username.');
    await expect(page.getByLabel('Role', { exact: true })).toHaveValue('IntegrationAdmin');
    if (!js) await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');

    const name = unique('user').replace(/\s+/g, '-');
    await username.fill(name);
    await page.getByLabel('Password', { exact: true }).fill('long-enough-password');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Integration Administrator');
  });
});
