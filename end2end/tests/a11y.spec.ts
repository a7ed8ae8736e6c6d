import AxeBuilder from '@axe-core/playwright';
import { BrowserContext, Page } from '@playwright/test';
import { test, expect, signIn, hydrated, jsOn, unique, allowHttpStatus, ADMIN, AUTHOR, ConsoleErrors } from './support';
import { createViaRpc, receiver, fillWebhookForm, secretDialog, submit, uniqueKey, addCatalogItem, webhookForm } from './helpers';

/**
 * Every page and dialog of the console, checked by axe-core against WCAG 2.1 A and AA, with
 * JavaScript (after hydration) and without.
 */

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now and fails, naming each rule, element and fix, on any
 * violation. axe runs inside the page, so without JavaScript it checks a copy: the same HTML
 * (the server's answer, exactly as that browser shows it) opened at the same address in a page
 * that may run axe but none of the page's own scripts.
 */
async function expectAccessible(page: Page, js: boolean, what: string) {
  await hydrated(page, js);
  let target = page;
  let copy: BrowserContext | undefined;
  if (!js) {
    const url = page.url();
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
    copy = await page.context().browser()!.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
    target = await copy.newPage();
    await target.route('**/*', (route) => {
      const req = route.request();
      if (req.isNavigationRequest() && req.url() === url) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      if (['script', 'fetch', 'xhr'].includes(req.resourceType())) return route.abort();
      return route.continue();
    });
    await target.goto(url);
  }
  try {
    const { violations } = await new AxeBuilder({ page: target }).withTags(TAGS).analyze();
    const report = violations
      .map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`)
      .join('\n');
    expect(violations.length, `axe violations on ${what} (${page.url()}):\n${report}`).toBe(0);
  } finally {
    await copy?.close();
  }
}

/** Opens `path` and checks it. */
async function visit(page: Page, js: boolean, path: string, what = path) {
  await page.goto(path);
  await expectAccessible(page, js, what);
}

const allow = (errors: ConsoleErrors, ...s: number[]) => allowHttpStatus(errors, ...s);

test.describe('accessibility (axe, WCAG 2.1 AA)', () => {
  test.describe.configure({ timeout: 120_000 });
  test('the check itself finds a planted violation', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await page.goto('/login');
    await hydrated(page, js);
    // An image without a text alternative and a field without a label, as a careless change would add them.
    await page.locator('main').evaluate((m) => m.insertAdjacentHTML('beforeend', '<img src="/pkg/hookwell.css"><input name="planted">'));
    const failure = await expectAccessible(page, js, 'the planted page').then(() => null, (e: Error) => e.message);
    expect(failure).toContain('image-alt');
    expect(failure).toContain('label');
  });

  test('signed out: sign-in page, failed sign-in, 404', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allow(consoleErrors, 401, 404);
    await visit(page, js, '/login', 'the sign-in page');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectAccessible(page, js, 'the sign-in page with its error');
    await visit(page, js, '/no-such-page', 'the 404 page');
  });

  test('403 page (Author)', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allow(consoleErrors, 403);
    await signIn(page, AUTHOR);
    await expectAccessible(page, js, 'the home page of an Author');
    const res = await page.goto('/webhooks');
    expect(res?.status()).toBe(403);
    await expectAccessible(page, js, 'the 403 page');
  });

  test('home, webhook list, new webhook with errors, secret dialog', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allow(consoleErrors, 404, 422);
    await signIn(page, ADMIN);
    await expectAccessible(page, js, 'the home page');
    await visit(page, js, `/webhooks?q=${encodeURIComponent(unique('nothing matches'))}`, 'the webhook list, empty');
    await createViaRpc(page, { name: unique('A11y listed') });
    await visit(page, js, '/webhooks', 'the webhook list with rows');
    await visit(page, js, '/webhooks/999999', 'an unknown webhook (404)');

    await visit(page, js, '/webhooks/new', 'the new webhook form');
    // Refused: a name but a URL that is not one.
    await fillWebhookForm(page, { name: unique('A11y bad'), url: 'not a url' });
    await submit(page, js, webhookForm(page).create, /^\/webhooks\/new$/);
    await expect(page.locator('.field-error:not([hidden])').first()).toBeVisible();
    await expectAccessible(page, js, 'the new webhook form with errors');

    await page.goto('/webhooks/new');
    await hydrated(page, js);
    await fillWebhookForm(page, { name: unique('A11y created'), url: 'https://example.com/hooks' });
    await submit(page, js, webhookForm(page).create, /^\/webhooks\/new$/);
    await expect(secretDialog(page)).toBeVisible();
    await expectAccessible(page, js, 'the secret dialog after create');
  });

  test('webhook detail with deliveries, regenerate, edit, delete, deliveries', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allow(consoleErrors, 422);
    const r = await receiver();
    try {
      await signIn(page, ADMIN);
      const name = unique('A11y detail');
      const { id } = await createViaRpc(page, { name, url: r.url, eventType: 'InterviewLoadEvent' });
      await page.goto(`/webhooks/${id}`);
      await hydrated(page, js);
      await page.getByRole('button', { name: 'Send test event' }).click();
      await page.waitForURL(/\/deliveries\/\d+$/);
      await expect(page.locator('.page-head .badge')).toBeVisible();
      await expectAccessible(page, js, 'a delivery');

      await visit(page, js, `/webhooks/${id}`, 'the webhook page with its chart');
      await visit(page, js, `/webhooks/${id}/deliveries`, 'the deliveries of a webhook');

      await page.goto(`/webhooks/${id}`);
      await hydrated(page, js);
      await page.getByRole('link', { name: 'Delete', exact: true }).click();
      await expect(page.getByRole('alertdialog', { name: `Delete webhook “${name}”?` })).toBeVisible();
      await expectAccessible(page, js, 'the delete confirmation');
      await visit(page, js, `/webhooks/${id}/delete`, 'the delete confirmation page');

      await visit(page, js, `/webhooks/${id}/edit`, 'the edit form');
      await webhookForm(page).url.fill('');
      await submit(page, js, webhookForm(page).save, /^\/webhooks\/\d+\/edit$/);
      await expect(page.locator('.field-error:not([hidden])').first()).toBeVisible();
      await expectAccessible(page, js, 'the edit form with errors');

      await page.goto(`/webhooks/${id}/edit`);
      await hydrated(page, js);
      await submit(page, js, page.getByRole('button', { name: 'Regenerate HMAC secret' }), /^\/webhooks\/\d+\/regenerate-secret$/);
      const confirm = page.getByRole('alertdialog', { name: 'Regenerate HMAC secret?' });
      await expect(confirm).toBeVisible();
      await expectAccessible(page, js, 'the regenerate confirmation');
      await submit(page, js, confirm.getByRole('button', { name: 'Regenerate HMAC secret' }), /^\/webhooks\/\d+\/regenerate-secret$/);
      await expect(secretDialog(page)).toBeVisible();
      await expectAccessible(page, js, 'the new secret after regenerating');
    } finally {
      r.close();
    }
  });

  test('API keys, users, work groups, templates, audit', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    await visit(page, js, '/api-keys', 'the API keys page');
    const keyName = unique('A11y key');
    await page.getByLabel('Name', { exact: true }).fill(keyName);
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Your API key' });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, js, 'the API key dialog');
    await dialog.getByRole('checkbox', { name: 'I have copied the key' }).check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog).toHaveCount(0);
    const revokeHref = await page.getByRole('link', { name: `Revoke “${keyName}”` }).getAttribute('href');
    await visit(page, js, revokeHref!, 'the revoke confirmation page');
    await page.goto('/api-keys');
    await hydrated(page, js);
    await page.getByRole('link', { name: `Revoke “${keyName}”` }).click();
    await expect(page.getByRole('alertdialog', { name: `Revoke API key “${keyName}”?` })).toBeVisible();
    await expectAccessible(page, js, 'the revoke confirmation');

    await visit(page, js, '/users', 'the users page');
    for (const [kind, path] of [['WorkGroup', '/work-groups'], ['Template', '/templates']] as const) {
      const key = uniqueKey('a11y');
      const id = await addCatalogItem(page, kind, key, unique(`A11y ${kind}`));
      await visit(page, js, path, `the ${path} page`);
      await visit(page, js, `${path}/${id}/delete`, `the ${path} delete page`);
      await page.goto(path);
      await hydrated(page, js);
      await page.getByRole('link', { name: new RegExp(`^Delete A11y ${kind}`) }).first().click();
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await expectAccessible(page, js, `the ${path} delete confirmation`);
    }
    await visit(page, js, '/audit', 'the audit log');
  });
});
