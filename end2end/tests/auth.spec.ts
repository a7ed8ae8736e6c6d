import { test, expect, signIn, hydrated, jsOn, allowHttpStatus, ADMIN, INTEGRATOR, AUTHOR } from './support';

const mainNav = (page: import('@playwright/test').Page) => page.getByRole('navigation', { name: 'Main' });

test.describe('sign-in and roles', () => {
  test('a Site Administrator signs in, lands on /webhooks and sees every admin link', async ({ page }, testInfo) => {
    await page.goto('/login');
    await hydrated(page, jsOn(testInfo));
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await page.getByLabel('Username', { exact: true }).fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // `/` sends administrators to their webhooks.
    await page.waitForURL((u) => u.pathname === '/webhooks');
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await expect(mainNav(page).getByRole('link', { name: 'Manage webhooks' })).toBeVisible();
    await expect(mainNav(page).getByRole('link', { name: 'Users' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });

  test('sign-in follows ?next= to the page asked for', async ({ page }) => {
    await signIn(page, INTEGRATOR, '/audit');
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  });

  test('wrong credentials answer 401 with one generic message and keep the username', async ({ page, consoleErrors }) => {
    allowHttpStatus(consoleErrors, 401);
    await page.goto('/login');
    await page.getByLabel('Username', { exact: true }).fill(AUTHOR.username);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(res.status()).toBe(401);
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
    await expect(page.getByLabel('Username', { exact: true })).toHaveValue(AUTHOR.username);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    // Not signed in: the header offers sign-in and protected pages still redirect.
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await page.goto('/webhooks');
    await expect(page).toHaveURL(/\/login\?next=%2Fwebhooks$/);
  });

  test('Sign out ends the session', async ({ page }, testInfo) => {
    await signIn(page, INTEGRATOR);
    await expect(page).toHaveURL(/\/webhooks$/);
    await hydrated(page, jsOn(testInfo));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(mainNav(page).getByRole('link', { name: 'Manage webhooks' })).toHaveCount(0);
    await page.goto('/webhooks');
    await expect(page).toHaveURL(/\/login\?next=%2Fwebhooks$/);
  });

  test('an Integration Administrator manages webhooks but not users', async ({ page, consoleErrors }) => {
    allowHttpStatus(consoleErrors, 403);
    await signIn(page, INTEGRATOR);
    await expect(page).toHaveURL(/\/webhooks$/);
    await expect(mainNav(page).getByRole('link', { name: 'Manage webhooks' })).toBeVisible();
    await expect(mainNav(page).getByRole('link', { name: 'Users' })).toHaveCount(0);
    const res = await page.goto('/users');
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  });

  test('an Author sees no webhook navigation and gets 403 on webhook pages', async ({ page, consoleErrors }) => {
    allowHttpStatus(consoleErrors, 403);
    await signIn(page, AUTHOR);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${AUTHOR.username}`);
    await expect(mainNav(page).getByRole('link', { name: 'Manage webhooks' })).toHaveCount(0);
    await expect(mainNav(page).getByRole('link', { name: 'Users' })).toHaveCount(0);

    for (const path of ['/webhooks', '/webhooks/new', '/audit']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(403);
      await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Create new webhook' })).toHaveCount(0);
    }
  });

  test('an Author calling a webhook server function directly gets 403', async ({ page }) => {
    await signIn(page, AUTHOR);
    const res = await page.request.post('/rpc/create_webhook', {
      data: { form: { name: 'author attempt', url: 'https://example.com/x', auth_method: 'HMAC', event_type: 'NewWorkItemVersionComplete', active: 'on', ssl: 'block' } },
      headers: { Accept: 'application/json' },
    });
    expect(res.status()).toBe(403);
  });
});

test.describe('deep links and missing pages', () => {
  test('a signed-out deep link goes through sign-in and back', async ({ page }, testInfo) => {
    await page.goto('/webhooks/new');
    await expect(page).toHaveURL(/\/login\?next=%2Fwebhooks%2Fnew$/);
    await hydrated(page, jsOn(testInfo));
    await page.getByLabel('Username', { exact: true }).fill(INTEGRATOR.username);
    await page.getByLabel('Password', { exact: true }).fill(INTEGRATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/webhooks/new');
    await expect(page.getByRole('heading', { level: 1, name: 'Create new webhook' })).toBeVisible();
  });

  test('a sign-in never follows an off-site next', async ({ page }) => {
    await signIn(page, INTEGRATOR, '//evil.example.com/x');
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
  });

  test('unknown webhook ids and unknown paths answer 404', async ({ page, consoleErrors }) => {
    allowHttpStatus(consoleErrors, 404);
    await signIn(page, ADMIN);
    for (const path of ['/webhooks/999999', '/webhooks/999999/edit', '/webhooks/999999/delete', '/webhooks/not-a-number', '/no-such-page']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
    }
  });

  test('an unknown path is 404 for a signed-out visitor too', async ({ page, consoleErrors }) => {
    allowHttpStatus(consoleErrors, 404);
    const res = await page.goto('/definitely/not/here');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  });
});
