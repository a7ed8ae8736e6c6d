import { Page } from '@playwright/test';
import { test, expect, signIn, hydrated, jsOn, unique, ADMIN } from './support';
import { createViaRpc, deleteViaRpc, webhookForm } from './helpers';

/** The WASM files a full load of `path` fetches until the page is interactive, and the ones its `<head>` preloads. */
async function wasmOf(page: Page, path: string) {
  const fetched = new Set<string>();
  const onRequest = (r: { url(): string }) => { if (r.url().endsWith('.wasm')) fetched.add(new URL(r.url()).pathname); };
  page.on('request', onRequest);
  await page.goto(path);
  await hydrated(page, true);
  page.off('request', onRequest);
  const preloaded = await page.locator('head link[rel=preload][href$=".wasm"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')));
  return { fetched: [...fetched].sort(), preloaded: preloaded.sort() };
}

test.describe('loading the console', () => {
  test('a page fetches only the WASM of the parts it makes interactive, and names it in its head first', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    // The sign-in page has no island of its own: the main module alone.
    const login = await wasmOf(page, '/login');
    expect(login.fetched).toEqual(['/pkg/hookwell.wasm']);
    expect(login.preloaded).toEqual(['/pkg/hookwell.wasm']);

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

  test('what is typed before the form is interactive is kept and saved', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'only a browser with JavaScript loads WASM');
    await signIn(page, ADMIN);
    const { id } = await createViaRpc(page, { name: unique('Typed early') });
    try {
      // The form's own chunk is held back until the name has been typed: the page is shown,
      // its form not yet interactive.
      let release = () => {};
      const gate = new Promise<void>((resolve) => { release = resolve; });
      await page.route('**/split_webhook_form_islands_*.wasm', async (route) => { await gate; await route.continue(); });
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
