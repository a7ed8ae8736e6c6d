import { test, expect, signIn, hydrated, jsOn, unique, allowHttpStatus, ADMIN, INTEGRATOR } from './support';
import {
  SECRET_RE, webhookForm, secretDialog, setting, submit, submitForm, acknowledgeSecret, createViaUi, createViaRpc, addCatalogItem,
  uniqueKey, listRow, deleteViaRpc,
} from './helpers';

test.describe('webhook page actions', () => {
  test('Deactivate and Activate flip the state on the page and in the list', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Toggle me');
    const { id } = await createViaRpc(page, { name, url: 'https://toggle.example.com/hook' });

    let row = await listRow(page, name);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Active');
    await row.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(new RegExp(`/webhooks/${id}$`));
    await hydrated(page, js);
    await expect(page.getByTestId('active-state')).toHaveText('Active');

    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expect(page.getByTestId('active-state')).toHaveText('Inactive');
    await expect(page.getByRole('button', { name: 'Activate', exact: true })).toBeVisible();
    await expect(setting(page, 'Webhook active')).toHaveText('Inactive');
    // Without JavaScript the post comes back to the page (leptos leaves an empty "?" on the URL).
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}\\??$`));

    row = await listRow(page, name);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Inactive');

    // The list's search form finds it among the inactive ones.
    await page.goto('/webhooks');
    await hydrated(page, js);
    const search = page.getByRole('search');
    await search.getByLabel('Search', { exact: true }).fill(name);
    await search.getByLabel('Status', { exact: true }).selectOption('inactive');
    await search.getByLabel('Event type', { exact: true }).selectOption('NewWorkItemVersionComplete');
    await search.getByLabel('Sort by', { exact: true }).selectOption('newest');
    await search.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=inactive/);
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
    await search.getByLabel('Status', { exact: true }).selectOption('active');
    await search.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=active/);
    await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);

    await page.goto(`/webhooks/${id}`);
    await hydrated(page, js);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await expect(page.getByTestId('active-state')).toHaveText('Active');
    await expect(page.getByRole('button', { name: 'Deactivate', exact: true })).toBeVisible();
    row = await listRow(page, name);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Active');
  });

  test('the list has the documented columns', async ({ page }) => {
    await signIn(page, INTEGRATOR);
    const name = unique('Columns');
    await createViaRpc(page, { name, url: 'https://cols.example.com/x', auth: 'AccessToken', accessToken: 'cols-token-0000-1' });
    const row = await listRow(page, name);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhooks');
    await expect(page.getByRole('link', { name: 'Create new webhook' })).toBeVisible();
    const headers = page.getByRole('columnheader');
    for (const h of ['Name', 'Event type', 'URL host', 'Auth', 'Status']) await expect(headers.filter({ hasText: new RegExp(`^${h}$`) })).toHaveCount(1);
    await expect(row.getByRole('cell').nth(1)).toHaveText('NewWorkItemVersionComplete');
    await expect(row.getByRole('cell').nth(2)).toHaveText('cols.example.com');
    await expect(row.getByRole('cell').nth(3)).toHaveText('Access token');
  });

  test('Delete asks for confirmation, then removes the webhook', async ({ page, consoleErrors }, testInfo) => {
    allowHttpStatus(consoleErrors, 404);
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Delete me');
    const { id } = await createViaRpc(page, { name });
    await page.goto(`/webhooks/${id}`);
    await hydrated(page, js);
    const confirm = page.getByRole('alertdialog', { name: `Delete webhook “${name}”?` });
    await expect(confirm).toHaveCount(0);

    // Cancel first: nothing happens.
    await page.getByRole('link', { name: 'Delete', exact: true }).click();
    await expect(confirm).toBeVisible();
    await expect(page).toHaveURL(js ? new RegExp(`/webhooks/${id}$`) : new RegExp(`/webhooks/${id}/delete$`));
    await confirm.getByRole('link', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

    await page.getByRole('link', { name: 'Delete', exact: true }).click();
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/webhooks');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhooks');
    await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
    const row = await listRow(page, name);
    await expect(row).toHaveCount(0);

    const gone = await page.goto(`/webhooks/${id}`);
    expect(gone?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  });

  test('the delete confirmation page is a deep link', async ({ page }) => {
    await signIn(page, INTEGRATOR);
    const name = unique('Delete page');
    const { id } = await createViaRpc(page, { name });
    const res = await page.goto(`/webhooks/${id}/delete`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('alertdialog', { name: `Delete webhook “${name}”?` })).toBeVisible();
  });
});

test.describe('editing', () => {
  test('Edit + Save changes updates the settings', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const wgName = unique('WG edit');
    const wgId = await addCatalogItem(page, 'WorkGroup', uniqueKey('wg-edit'), wgName);
    const name = unique('Edit me');
    const { id } = await createViaRpc(page, { name, url: 'https://before.example.com/hook', workGroupIds: [wgId] });

    await page.goto(`/webhooks/${id}`);
    await hydrated(page, js);
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.waitForURL(new RegExp(`/webhooks/${id}/edit$`));
    await hydrated(page, js);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit webhook');
    const f = webhookForm(page);
    await expect(f.name).toHaveValue(name);
    await expect(f.url).toHaveValue('https://before.example.com/hook');
    await expect(f.workGroups.getByRole('checkbox', { name: wgName, exact: true })).toBeChecked();

    const renamed = unique('Edited');
    await f.name.fill(renamed);
    await f.url.fill('https://after.example.com/hook');
    await f.active.uncheck();
    await f.accept.check();
    await f.workGroups.getByRole('checkbox', { name: wgName, exact: true }).uncheck();
    await f.eventType.selectOption('CustomInterviewEvent');
    await f.eventName.fill('after.edit');
    const res = await submit(page, js, f.save, new RegExp(`^/webhooks/${id}/edit$`));
    if (res) expect(res.status()).toBe(303);
    await page.waitForURL(new RegExp(`/webhooks/${id}$`));
    // HMAC stays HMAC: no new secret.
    await expect(secretDialog(page)).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);
    await expect(page.getByTestId('active-state')).toHaveText('Inactive');
    await expect(setting(page, 'URL')).toHaveText('https://after.example.com/hook');
    await expect(setting(page, 'Event type')).toHaveText('CustomInterviewEvent');
    await expect(setting(page, 'Interview Event Name')).toHaveText('after.edit');
    await expect(setting(page, 'Accepts untrusted SSL certificates')).toHaveText('Accept untrusted SSL');
    await expect(setting(page, 'Work Groups')).toHaveCount(0);

    const row = await listRow(page, renamed);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Inactive');
    expect(await (await listRow(page, name)).count()).toBe(0);
  });

  test('Save changes refuses bad input and keeps what was typed', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allowHttpStatus(consoleErrors, 422);
    await signIn(page, INTEGRATOR);
    const name = unique('Edit refused');
    const other = unique('Edit taken');
    const { id } = await createViaRpc(page, { name, url: 'https://refused.example.com/hook' });
    await createViaRpc(page, { name: other });

    await page.goto(`/webhooks/${id}/edit`);
    await hydrated(page, js);
    const f = webhookForm(page);
    // A name another webhook has: only the server knows, so this is a 422 in both modes.
    await f.name.fill(other);
    await f.url.fill('https://changed.example.com/hook');
    const res = await submitForm(page, f.save, js ? /^\/rpc\/update_webhook$/ : new RegExp(`^/webhooks/${id}/edit$`));
    expect(res.status()).toBe(422);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit webhook');
    await expect(page.locator('#name-error')).toContainText('already exists');
    await expect(f.name).toHaveAttribute('aria-invalid', 'true');
    await expect(f.name).toHaveValue(other);
    await expect(f.url).toHaveValue('https://changed.example.com/hook');

    // Nothing was saved.
    await page.goto(`/webhooks/${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(setting(page, 'URL')).toHaveText('https://refused.example.com/hook');
  });

  test('switching an access-token webhook to HMAC issues a secret', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Switch to HMAC');
    const { id } = await createViaRpc(page, { name, auth: 'AccessToken', accessToken: 'switch-token-4321' });
    await page.goto(`/webhooks/${id}`);
    await expect(setting(page, 'Access token')).toHaveText('••••4321');

    await page.goto(`/webhooks/${id}/edit`);
    await hydrated(page, js);
    const f = webhookForm(page);
    await expect(f.auth).toHaveValue('AccessToken');
    // No regeneration for access-token webhooks.
    await expect(page.getByRole('button', { name: 'Regenerate HMAC secret' })).toHaveCount(0);
    await f.auth.selectOption('HMAC');
    const res = await submit(page, js, f.save, new RegExp(`^/webhooks/${id}/edit$`));
    if (res) expect(res.status()).toBe(200);
    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    expect((await dialog.getByTestId('hmac-secret').textContent())!.trim()).toMatch(SECRET_RE);
    await acknowledgeSecret(page);
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    await expect(setting(page, 'Authentication Method')).toHaveText('HMAC');
    await expect(setting(page, 'Access token')).toHaveCount(0);
  });

  test('Regenerate HMAC secret confirms first, then shows a different secret', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Regenerate');
    const { id, secret: original } = await createViaRpc(page, { name });
    expect(original).toMatch(SECRET_RE);

    await page.goto(`/webhooks/${id}/edit`);
    await hydrated(page, js);
    const confirm = page.getByRole('alertdialog', { name: 'Regenerate HMAC secret?' });
    await expect(confirm).toHaveCount(0);
    const start = page.getByRole('button', { name: 'Regenerate HMAC secret' });
    await expect(start).toHaveCount(1);

    await start.click();
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(name);
    await confirm.getByRole('link', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(secretDialog(page)).toHaveCount(0);

    await page.getByRole('button', { name: 'Regenerate HMAC secret' }).first().click();
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Regenerate HMAC secret' }).click();
    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    await expect(confirm).toHaveCount(0);
    const fresh = (await dialog.getByTestId('hmac-secret').textContent())!.trim();
    expect(fresh).toMatch(SECRET_RE);
    expect(fresh).not.toBe(original);
    await acknowledgeSecret(page);
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  });
});

test.describe('deep links render on the server', () => {
  test('/webhooks/:id and /webhooks/:id/edit carry all their content', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const tplName = unique('Template deep');
    const tplId = await addCatalogItem(page, 'Template', uniqueKey('tpl-deep'), tplName);
    const name = unique('Deep link');
    const { id } = await createViaRpc(page, {
      name, url: 'https://deep.example.com/load', eventType: 'InterviewLoadEvent', auth: 'AccessToken', accessToken: 'deep-token-xx-7777',
      acceptUntrustedSsl: true, active: false, templateIds: [tplId],
    });

    // The HTML the server sends already has the content (before any script runs).
    for (const path of [`/webhooks/${id}`, `/webhooks/${id}/edit`]) {
      const res = await page.request.get(path);
      expect(res.status(), path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain(name);
      expect(html, path).toContain('https://deep.example.com/load');
      expect(html, path).not.toContain('deep-token-xx-7777');
    }

    const detail = await page.goto(`/webhooks/${id}`);
    expect(detail?.status()).toBe(200);
    await hydrated(page, js);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(page.getByTestId('active-state')).toHaveText('Inactive');
    await expect(setting(page, 'URL')).toHaveText('https://deep.example.com/load');
    await expect(setting(page, 'Authentication Method')).toHaveText('Access token');
    await expect(setting(page, 'Access token')).toHaveText('••••7777');
    await expect(setting(page, 'Event type')).toHaveText('InterviewLoadEvent');
    await expect(setting(page, 'Templates')).toHaveText(tplName);
    await expect(setting(page, 'Work Groups')).toHaveText('All work groups');
    await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveAttribute('href', `/webhooks/${id}/edit`);

    const edit = await page.goto(`/webhooks/${id}/edit`);
    expect(edit?.status()).toBe(200);
    await hydrated(page, js);
    const f = webhookForm(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit webhook');
    await expect(f.name).toHaveValue(name);
    await expect(f.url).toHaveValue('https://deep.example.com/load');
    await expect(f.auth).toHaveValue('AccessToken');
    await expect(f.token).toHaveValue('');
    await expect(f.eventType).toHaveValue('InterviewLoadEvent');
    await expect(f.active).not.toBeChecked();
    await expect(f.accept).toBeChecked();
    await expect(f.templates.getByRole('checkbox', { name: tplName, exact: true })).toBeChecked();
    await expect(f.save).toBeVisible();
  });
});

test.describe('audit log', () => {
  test('records the creation, and never the secret', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Audited');
    const { secret } = await createViaUi(page, js, { name, url: 'https://audit.example.com/hook' });
    expect(secret).toMatch(SECRET_RE);

    await page.goto('/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
    const rows = page.getByRole('row').filter({ hasText: name });
    await expect(rows.filter({ hasText: 'webhook.create' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'webhook.create' })).toContainText(INTEGRATOR.username);
    const html = await page.content();
    expect(html).not.toContain(secret!);
    expect(html).not.toContain('whsec_');
  });
});

test.describe('work groups and templates', () => {
  test('deleting a work group a webhook uses names it and deactivates it, never widens it', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const wgKey = uniqueKey('wg-del');
    const wgName = unique('WG doomed');
    const tplKey = uniqueKey('tpl-add');
    const tplName = unique('Template added');

    // Add both through their pages.
    await page.goto('/work-groups');
    await hydrated(page, js);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Work groups');
    await page.getByLabel('Key', { exact: true }).fill(wgKey);
    await page.getByLabel('Name', { exact: true }).fill(wgName);
    await page.getByRole('button', { name: 'Add work group' }).click();
    await expect(page.getByRole('row').filter({ hasText: wgKey })).toContainText(wgName);

    await page.goto('/templates');
    await hydrated(page, js);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Templates');
    await page.getByLabel('Key', { exact: true }).fill(tplKey);
    await page.getByLabel('Name', { exact: true }).fill(tplName);
    await page.getByRole('button', { name: 'Add template' }).click();
    await expect(page.getByRole('row').filter({ hasText: tplKey })).toContainText(tplName);

    const name = unique('Uses a work group');
    const { id } = await createViaUi(page, js, {
      name, auth: 'AccessToken', accessToken: 'wg-token-xxxx-5555', eventType: 'InterviewLoadEvent', workGroups: [wgName], templates: [tplName],
    });
    await expect(setting(page, 'Work Groups')).toHaveText(wgName);
    await expect(setting(page, 'Templates')).toHaveText(tplName);

    // Rename is offered on each row; Delete asks first (in the page, or on its own page
    // without JavaScript) and names the webhook limited to the work group.
    await page.goto('/work-groups');
    await hydrated(page, js);
    const row = page.getByRole('row').filter({ hasText: wgKey });
    await expect(row.getByRole('button', { name: 'Rename' })).toBeVisible();
    await row.getByRole('link', { name: `Delete ${wgName}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete work group “${wgName}”?` });
    await expect(confirm).toBeVisible();
    if (!js) await expect(page).toHaveURL(/\/work-groups\/\d+\/delete$/);
    await expect(confirm.getByRole('link', { name })).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete and deactivate 1 webhook' }).click();
    await expect(page).toHaveURL(/\/work-groups$/);
    await expect(page.getByRole('row').filter({ hasText: wgKey })).toHaveCount(0);

    const res = await page.goto(`/webhooks/${id}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(page.getByTestId('active-state')).toHaveText('Inactive');
    await expect(setting(page, 'Templates')).toHaveText(tplName);
  });

  test('the in-page delete confirmation counts the webhooks as they are each time it opens', async ({ page }, testInfo) => {
    test.skip(!jsOn(testInfo), 'without JavaScript each opening is a fresh page');
    await signIn(page, ADMIN);
    const key = uniqueKey('wg-count');
    const wgName = unique('WG counted');
    const wgId = await addCatalogItem(page, 'WorkGroup', key, wgName);
    await page.goto('/work-groups');
    await hydrated(page, true);
    const row = page.getByRole('row').filter({ hasText: key });
    const confirm = page.getByRole('alertdialog', { name: `Delete work group “${wgName}”?` });
    await row.getByRole('link', { name: `Delete ${wgName}` }).click();
    await expect(confirm).toContainText('No webhook is limited to this work group.');
    await confirm.getByRole('link', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);

    // A webhook starts using it while the list stays open: the next opening says so.
    const { id } = await createViaRpc(page, { name: unique('Counted'), eventType: 'InterviewLoadEvent', workGroupIds: [wgId] });
    try {
      await row.getByRole('link', { name: `Delete ${wgName}` }).click();
      await expect(confirm.getByRole('button', { name: 'Delete and deactivate 1 webhook' })).toBeVisible();
      await expect(confirm).not.toContainText('No webhook is limited');
      await confirm.getByRole('link', { name: 'Cancel' }).click();
      await expect(confirm).toHaveCount(0);
    } finally {
      await deleteViaRpc(page, id);
    }
  });

  test('renaming a template shows the new name on the webhook', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const tplKey = uniqueKey('tpl-ren');
    const tplName = unique('Template old');
    const tplId = await addCatalogItem(page, 'Template', tplKey, tplName);
    const name = unique('Uses a template');
    const { id } = await createViaRpc(page, { name, templateIds: [tplId] });

    await page.goto('/templates');
    await hydrated(page, js);
    const renamed = unique('Template new');
    const row = page.getByRole('row').filter({ hasText: tplKey });
    await row.getByLabel(`New name for ${tplName}`).fill(renamed);
    await row.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('row').filter({ hasText: tplKey }).getByRole('cell').nth(1)).toHaveText(renamed);

    await page.goto(`/webhooks/${id}`);
    await expect(setting(page, 'Templates')).toHaveText(renamed);
  });
});
