import { Locator, Page } from '@playwright/test';
import { test, expect, hydrated, jsOn, unique, ADMIN } from './support';
import { addCatalogItem, createViaRpc, deleteViaRpc, secretDialog, SECRET_RE, uniqueKey, webhookForm } from './helpers';

/**
 * The console with the keyboard alone: Tab / Shift+Tab to move, Enter / Space to act, typing
 * to fill in. No clicks and no `fill()`. Each control reached shows a visible focus indicator;
 * dialogs take focus, keep it, close with Escape (all but the shown-once secret) and give it back.
 */

/** What the focused element is, for messages: its tag, accessible text, and whether it is `body`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { body: !el || el === document.body, what: el ? `<${el.tagName.toLowerCase()}> ${(el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 60)}` : 'nothing' };
  });

/** Fails unless the focused element is `:focus-visible` and drawn with an outline or a box shadow. */
async function expectFocusIndicator(page: Page) {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { ok: false, why: 'focus is on body' };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)';
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    const visible = el.matches(':focus-visible');
    return { ok: visible && (outline || shadow), why: `${el.tagName} ${el.textContent?.trim().slice(0, 40)}: focus-visible=${visible} outline=${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} shadow=${s.boxShadow}` };
  });
  expect(ring.ok, `visible focus indicator: ${ring.why}`).toBe(true);
}

/** Presses Tab (or Shift+Tab) until `target` has focus, checking the focus indicator of every stop. */
async function tabTo(page: Page, target: Locator, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (!(await focused(page)).body) await expectFocusIndicator(page);
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} never reached ${target}; focus is on ${(await focused(page)).what}`);
}

const hasFocusInside = (dialog: Locator) => dialog.evaluate((d) => d.contains(document.activeElement));

/** With focus inside `dialog`, Escape closes it and gives focus back to `opener`. */
async function expectEscapeCancels(page: Page, dialog: Locator, opener: Locator) {
  expect(await hasFocusInside(dialog), 'focus is in the dialog').toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
}

/** Fails if focus is lost (on body) once things have settled. */
async function expectFocusNotLost(page: Page) {
  await expect.poll(async () => (await focused(page)).body, { message: 'focus must not fall back to body' }).toBe(false);
}

async function signInWithKeyboard(page: Page, js = true) {
  await page.goto('/login');
  await hydrated(page, js);
  await tabTo(page, page.getByLabel('Username'));
  await page.keyboard.type(ADMIN.username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await hydrated(page, js);
}

/** From `/webhooks`: Create new webhook, then name and URL typed in and Create pressed. */
async function createWebhookWithKeyboard(page: Page, name: string) {
  await tabTo(page, page.getByRole('link', { name: 'Create new webhook' }).first());
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/webhooks\/new$/);
  const f = webhookForm(page);
  await expect(f.name).toBeVisible();
  await tabTo(page, f.name);
  await page.keyboard.type(name);
  await tabTo(page, f.url);
  await page.keyboard.type('https://example.com/keyboard');
  await tabTo(page, f.create);
  await page.keyboard.press('Enter');
}

test.describe('keyboard only', () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(!jsOn(testInfo), 'dialogs in the page, focus handling and Escape need JavaScript');
  });

  test('create → secret → edit → regenerate → delete, with Tab, Enter, Space, Escape and typing', async ({ page }) => {
    test.setTimeout(120_000);
    await signInWithKeyboard(page);
    await page.goto('/webhooks');
    await hydrated(page, true);

    const name = unique('Keyboard');
    await createWebhookWithKeyboard(page, name);

    // The secret: focus inside, Tab stays inside, Escape does not dismiss it.
    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Copy' })).toBeFocused();
    const secret = ((await dialog.getByTestId('hmac-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(SECRET_RE);
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
      expect(await hasFocusInside(dialog), `Tab ${i + 1} keeps focus in the dialog`).toBe(true);
      await expectFocusIndicator(page);
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('stays open until you tick');
    expect(((await dialog.getByTestId('hmac-secret').textContent()) ?? '').trim()).toBe(secret);
    expect(await hasFocusInside(dialog)).toBe(true);
    const ack = dialog.getByRole('checkbox', { name: 'I have copied the secret' });
    await tabTo(page, ack);
    await page.keyboard.press('Space');
    await expect(ack).toBeChecked();
    const cont = dialog.getByRole('button', { name: 'Continue' });
    await tabTo(page, cont);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/webhooks\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(secretDialog(page)).toHaveCount(0);
    // Focus is on the new page's heading, not lost.
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    const detail = page.url();

    // Edit: rename.
    await tabTo(page, page.getByRole('link', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/edit$/);
    const f = webhookForm(page);
    await expect(f.name).toHaveValue(name);
    await expectFocusNotLost(page);
    await tabTo(page, f.name);
    await page.keyboard.press('ControlOrMeta+A');
    const renamed = `${name} renamed`;
    await page.keyboard.type(renamed);
    await tabTo(page, f.save);
    await page.keyboard.press('Enter');
    await page.waitForURL(detail);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);
    await expectFocusNotLost(page);

    // Regenerate: the confirmation takes focus, Escape closes it and gives focus back.
    await tabTo(page, page.getByRole('link', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/edit$/);
    const regenerate = page.getByRole('button', { name: 'Regenerate HMAC secret' });
    await tabTo(page, regenerate);
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Regenerate HMAC secret?' });
    await expect(confirm).toBeVisible();
    await expectEscapeCancels(page, confirm, regenerate);
    // …and again, to the end: a new secret, shown once, then back on the webhook's page.
    await page.keyboard.press('Enter');
    await expect(confirm).toBeVisible();
    await tabTo(page, confirm.getByRole('button', { name: 'Regenerate HMAC secret' }));
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Copy' })).toBeFocused();
    expect(((await dialog.getByTestId('hmac-secret').textContent()) ?? '').trim()).not.toBe(secret);
    await tabTo(page, ack);
    await page.keyboard.press('Space');
    await tabTo(page, cont);
    await page.keyboard.press('Enter');
    await page.waitForURL(detail);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);
    await expectFocusNotLost(page);

    // Delete: Escape cancels and gives focus back to Delete; then delete for real.
    const del = page.getByRole('link', { name: 'Delete', exact: true });
    await tabTo(page, del);
    await page.keyboard.press('Enter');
    const ask = page.getByRole('alertdialog', { name: `Delete webhook “${renamed}”?` });
    await expect(ask).toBeVisible();
    await expectEscapeCancels(page, ask, del);
    await page.keyboard.press('Enter');
    await expect(ask).toBeVisible();
    await tabTo(page, ask.getByRole('button', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/webhooks$/);
    await expect(page.getByRole('link', { name: renamed, exact: true })).toHaveCount(0);
    await expectFocusNotLost(page);
  });

  test('Escape closes the API-key revoke confirmation and the catalog delete confirmation, and gives focus back', async ({ page }) => {
    test.setTimeout(120_000);
    await signInWithKeyboard(page);
    const keyName = unique('Keyboard key');
    const created = await page.request.post('/rpc/create_api_key', { form: { name: keyName }, headers: { Accept: 'application/json' } });
    expect(created.ok(), await created.text()).toBeTruthy();
    await page.goto('/api-keys');
    await hydrated(page, true);
    const revoke = page.getByRole('link', { name: `Revoke “${keyName}”` });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('alertdialog', { name: `Revoke API key “${keyName}”?` });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('button', { name: 'Revoke', exact: true })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    // After two Tabs focus is still in the dialog.
    await expectEscapeCancels(page, confirm, revoke);
    await expect(page.getByRole('row').filter({ hasText: keyName })).toContainText('Active');

    for (const [kind, path] of [['WorkGroup', '/work-groups'], ['Template', '/templates']] as const) {
      const itemName = unique(`Keyboard ${kind}`);
      await addCatalogItem(page, kind, uniqueKey('kbd'), itemName);
      await page.goto(path);
      await hydrated(page, true);
      const del = page.getByRole('link', { name: `Delete ${itemName}`, exact: true });
      await del.focus();
      await page.keyboard.press('Enter');
      const ask = page.getByRole('alertdialog', { name: new RegExp(`^Delete .* “${itemName}”\\?$`) });
      await expect(ask).toBeVisible();
      await expect.poll(() => hasFocusInside(ask), { message: 'focus moves into the dialog' }).toBe(true);
      await expectEscapeCancels(page, ask, del);
      await expect(page.getByRole('cell', { name: itemName, exact: true })).toBeVisible();
    }
  });

  test('the API key, shown once, survives Escape', async ({ page }) => {
    await signInWithKeyboard(page);
    await page.goto('/api-keys');
    await hydrated(page, true);
    await tabTo(page, page.getByLabel('Name', { exact: true }));
    await page.keyboard.type(unique('Keyboard shown once'));
    const create = page.getByRole('button', { name: 'Create API key', exact: true });
    await tabTo(page, create);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Your API key' });
    await expect(dialog.getByRole('button', { name: 'Copy' })).toBeFocused();
    const key = ((await dialog.getByTestId('api-key').textContent()) ?? '').trim();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeVisible();
    expect(((await dialog.getByTestId('api-key').textContent()) ?? '').trim()).toBe(key);
    await tabTo(page, dialog.getByRole('checkbox', { name: 'I have copied the key' }));
    await page.keyboard.press('Space');
    await tabTo(page, dialog.getByRole('button', { name: 'Continue' }));
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(create).toBeFocused();
  });

  test('after a link is followed, and after Back, focus starts on the new page\'s heading', async ({ page }) => {
    await signInWithKeyboard(page);
    const name = unique('Keyboard focus');
    const { id } = await createViaRpc(page, { name });
    try {
      await page.goto('/webhooks');
      await hydrated(page, true);
      await tabTo(page, page.getByRole('link', { name, exact: true }));
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/webhooks/${id}$`));
      const heading = page.getByRole('heading', { level: 1 });
      await expect(heading).toHaveText(name);
      await expect(heading).toBeFocused();
      await tabTo(page, page.getByRole('link', { name: 'Deliveries', exact: true }));
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/webhooks/${id}/deliveries$`));
      await expect(heading).toBeFocused();
      await page.goBack();
      await page.waitForURL(new RegExp(`/webhooks/${id}$`));
      await expect(heading).toHaveText(name);
      await expectFocusNotLost(page);
    } finally {
      await deleteViaRpc(page, id);
    }
  });
});

test.describe('keyboard only, without JavaScript', () => {
  test('create → secret page → delete page, with Tab, Enter, Space and typing', async ({ page }, testInfo) => {
    test.skip(jsOn(testInfo), 'the no-JavaScript pages (the flow with JavaScript is above)');
    // Tabbing through a list that other tests have filled takes a while on a busy machine.
    test.setTimeout(120_000);
    await signInWithKeyboard(page, false);
    await page.goto('/webhooks');
    const name = unique('Keyboard no-JS');
    await createWebhookWithKeyboard(page, name);

    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    const ack = dialog.getByRole('checkbox', { name: 'I have copied the secret' });
    await tabTo(page, ack);
    await page.keyboard.press('Space');
    await expect(ack).toBeChecked();
    await tabTo(page, dialog.getByRole('button', { name: 'Continue' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/webhooks\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

    await tabTo(page, page.getByRole('link', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/webhooks\/\d+\/delete$/);
    const ask = page.getByRole('alertdialog', { name: `Delete webhook “${name}”?` });
    await tabTo(page, ask.getByRole('button', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/webhooks$/);
    await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
  });
});
