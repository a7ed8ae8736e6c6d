import { Page } from '@playwright/test';
import { test, expect, signIn, hydrated, jsOn, unique, ADMIN } from './support';
import { createViaRpc, deleteViaRpc, fieldset, webhookForm } from './helpers';

const watched = new WeakSet<Page>();

/** The WASM files a full load of `path` fetched until the page was interactive (a page without
 * islands fetches the main module later, when idle, for the pages that follow), and the ones its
 * `<head>` preloads. */
async function wasmOf(page: Page, path: string) {
  if (!watched.has(page)) {
    watched.add(page);
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body?.dataset.hydrated === 'true') {
          (window as unknown as { hydratedAt: number }).hydratedAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
    });
  }
  await page.goto(path);
  await hydrated(page, true);
  // Every file asked for before that moment has arrived once the page is interactive.
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.wasm') && e.startTime < (window as unknown as { hydratedAt: number }).hydratedAt)
    .map((e) => new URL(e.name).pathname));
  const preloaded = await page.locator('head link[rel=preload][href$=".wasm"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')));
  return { fetched: [...new Set(fetched)].sort(), preloaded: preloaded.sort() };
}

/** Holds back the responses to requests for `pattern` until the returned function is called. */
async function holdBack(page: Page, pattern: string) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => { release = resolve; });
  await page.route(pattern, async (route) => { await gate; await route.continue(); });
  return release;
}

test.describe('loading the console', () => {
  test('a page fetches only the WASM of the parts it makes interactive, and names it in its head first', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    // The sign-in page has no island: it is interactive without any WASM (its form goes through
    // the islands router, plain JavaScript).
    const login = await wasmOf(page, '/login');
    expect(login.fetched).toEqual([]);
    expect(login.preloaded).toEqual([]);

    await signIn(page, ADMIN);
    const { id } = await createViaRpc(page, { name: unique('Loading') });
    try {
      // The edit page: the module of the form's group (the form and the regenerate dialog) and
      // the chunks it shares with other groups, a handful of files, every one preloaded (so it
      // downloads alongside the main module, not after it), and the form reacts.
      const edit = await wasmOf(page, `/webhooks/${id}/edit`);
      expect(edit.fetched).toContainEqual(expect.stringMatching(/^\/pkg\/split_webhook_form_islands_\d+\.wasm$/));
      expect(edit.fetched.length).toBeLessThanOrEqual(5);
      expect(edit.preloaded).toEqual(expect.arrayContaining(edit.fetched));
      const form = webhookForm(page);
      await form.name.fill('x');
      await form.name.fill('');
      await expect(page.locator('#name-error')).toHaveText('Enter a name.');

      // The webhook's page: the delete confirmation's group, not the form's.
      const detail = await wasmOf(page, `/webhooks/${id}`);
      expect(detail.fetched).toContainEqual(expect.stringMatching(/^\/pkg\/split_delete_islands_\d+\.wasm$/));
      expect(detail.fetched.filter((f) => f.includes('webhook_form'))).toEqual([]);
      expect(detail.preloaded).toEqual(expect.arrayContaining(detail.fetched));

      // The API-key page needs files the edit page did not fetch (its form and Revoke).
      const keys = await wasmOf(page, '/api-keys');
      expect(keys.preloaded).toEqual(expect.arrayContaining(keys.fetched));
      expect(keys.fetched.filter((f) => !edit.fetched.includes(f)).length).toBeGreaterThan(0);
      expect(edit.fetched.filter((f) => !keys.fetched.includes(f)).length).toBeGreaterThan(0);
    } finally {
      await deleteViaRpc(page, id);
    }
  });

  test('a page reached by a link gets its islands loaded and working', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    await signIn(page, ADMIN);
    const { id } = await createViaRpc(page, { name: unique('Loading link') });
    try {
      await page.goto(`/webhooks/${id}`);
      await hydrated(page, true);
      const marker = await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; return 42; });
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      await page.waitForURL(/\/edit$/);
      await hydrated(page, true);
      const form = webhookForm(page);
      await form.name.fill('x');
      await form.name.fill('');
      await expect(page.locator('#name-error')).toHaveText('Enter a name.');
      // Still the same document: the islands router patched the page in.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);
    } finally {
      await deleteViaRpc(page, id);
    }
  });

  test('a page without islands loads no WASM, and the islands of the page it links to come to life', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    await signIn(page, ADMIN);
    // The main module is held back until the link is followed, so that the form's page has to
    // load it: the list itself does not wait for it.
    const release = await holdBack(page, '**/pkg/hookwell.wasm');
    try {
      await page.goto('/webhooks');
      await hydrated(page, true);
      await page.getByRole('link', { name: 'Create new webhook' }).first().click();
      await page.waitForURL(/\/webhooks\/new$/);
      await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
      release();
      await hydrated(page, true);
      const form = webhookForm(page);
      await form.name.fill('x');
      await form.name.fill('');
      await expect(page.locator('#name-error')).toHaveText('Enter a name.');
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });

  test('a link whose view transition the browser skips still changes the page, and logs no error', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only the islands router makes view transitions');
    // As when the browser gives up on a transition (its frame did not come within 4 s on a busy
    // machine): every transition is skipped at once, so that its `ready` promise rejects.
    await page.addInitScript(() => {
      const start = Document.prototype.startViewTransition;
      Document.prototype.startViewTransition = function (update) {
        const transition = start.call(this, update);
        transition.skipTransition();
        return transition;
      };
    });
    await signIn(page, ADMIN);
    await page.goto('/webhooks');
    await hydrated(page, true);
    await page.getByRole('link', { name: 'Create new webhook' }).first().click();
    await page.waitForURL(/\/webhooks\/new$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Create new webhook' })).toBeVisible();
    await hydrated(page, true);
  });

  test('the form shows only the fields that apply from the start, before it is interactive', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'without JavaScript every field is shown, with its hint (webhooks-create.spec.ts)');
    await signIn(page, ADMIN);
    // The form's own chunk is held back: the page is shown, its form not yet interactive.
    const release = await holdBack(page, '**/split_webhook_form_islands_*.wasm');
    try {
      await page.goto('/webhooks/new');
      const f = webhookForm(page);
      const [workGroups, templates] = [fieldset(page, 'Work Groups'), fieldset(page, 'Templates')];
      await expect(f.name).toBeVisible();
      await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
      // NewWorkItemVersionComplete and HMAC, the defaults.
      await expect(f.eventName).toBeHidden();
      await expect(f.token).toBeHidden();
      await expect(workGroups).toBeVisible();
      await expect(templates).toBeVisible();
      // Still before the WASM: the page follows what is chosen.
      await f.eventType.selectOption('CustomInterviewEvent');
      await expect(f.eventName).toBeVisible();
      await expect(workGroups).toBeHidden();
      await expect(templates).toBeHidden();
      await f.auth.selectOption('AccessToken');
      await expect(f.token).toBeVisible();
      await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
      // Once interactive, the same fields, and the choices are the form's state.
      release();
      await hydrated(page, true);
      await expect(f.eventName).toBeVisible();
      await expect(f.token).toBeVisible();
      await expect(workGroups).toBeHidden();
      await f.eventType.selectOption('PostProcessingEvent');
      await expect(f.eventName).toBeHidden();
      await expect(templates).toBeVisible();
      await f.create.click();
      await expect(page.locator('#event_name-error')).toBeHidden();
      await expect(page.locator('#name-error')).toHaveText(/./);
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });

  test('what is typed before the form is interactive is kept and saved', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    await signIn(page, ADMIN);
    const { id } = await createViaRpc(page, { name: unique('Typed early') });
    try {
      // The form's own chunk is held back until the name has been typed: the page is shown,
      // its form not yet interactive.
      const release = await holdBack(page, '**/split_webhook_form_islands_*.wasm');
      await page.goto(`/webhooks/${id}/edit`);
      const form = webhookForm(page);
      const renamed = unique('Renamed early');
      await form.name.fill(renamed);
      await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
      release();
      await hydrated(page, true);
      await expect(form.name).toHaveValue(renamed);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForURL(new RegExp(`/webhooks/${id}$`));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await deleteViaRpc(page, id);
    }
  });
});
