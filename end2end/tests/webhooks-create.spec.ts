import { Page } from '@playwright/test';
import { test, expect, signIn, hydrated, jsOn, unique, allowHttpStatus, baseURL, ADMIN, INTEGRATOR } from './support';
import {
  SECRET_RE, webhookForm, secretDialog, setting, idFromUrl, fillWebhookForm, submit, submitForm, createViaUi, createViaRpc,
  addCatalogItem, uniqueKey, listRow, deleteViaRpc, withRunLock, fieldset,
} from './helpers';

const EVENT_TYPES = ['NewWorkItemVersionComplete', 'CustomInterviewEvent', 'InterviewLoadEvent', 'PostProcessingEvent'];

/** Asserts that the field labelled `label` is refused with `message`, linked through aria-describedby. */
async function expectFieldError(page: Page, label: string, field: string, message: string | RegExp) {
  const input = page.getByLabel(label, { exact: true });
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toHaveAttribute('aria-describedby', new RegExp(`(^|\\s)${field}-error(\\s|$)`));
  await expect(page.locator(`#${field}-error`)).toBeVisible();
  await expect(page.locator(`#${field}-error`)).toHaveText(message);
  await expect(input).toHaveAccessibleDescription(message instanceof RegExp ? message : new RegExp(escapeRe(message)));
}

async function expectFieldValid(page: Page, label: string, field: string) {
  const input = page.getByLabel(label, { exact: true });
  await expect(input).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator(`#${field}-error`)).toBeHidden();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.describe('the create form', () => {
  test('has every field with its exact label and the documented defaults', async ({ page }, testInfo) => {
    await signIn(page, INTEGRATOR);
    await page.goto('/webhooks');
    await hydrated(page, jsOn(testInfo));
    await page.getByRole('link', { name: 'Create new webhook' }).first().click();
    await page.waitForURL(/\/webhooks\/new$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create new webhook');

    const f = webhookForm(page);
    await expect(f.name).toHaveValue('');
    await expect(f.url).toHaveValue('');
    await expect(f.auth).toHaveValue('HMAC');
    await expect(f.auth.locator('option')).toHaveText(['HMAC', 'Access token']);
    await expect(f.auth.locator('option').nth(0)).toHaveAttribute('value', 'HMAC');
    await expect(f.auth.locator('option').nth(1)).toHaveAttribute('value', 'AccessToken');
    await expect(f.eventType.locator('option')).toHaveCount(4);
    for (const [i, e] of EVENT_TYPES.entries()) await expect(f.eventType.locator('option').nth(i)).toHaveAttribute('value', e);
    await expect(f.active).toBeChecked();
    await expect(f.sslGroup).toBeVisible();
    await expect(f.block).toBeChecked();
    await expect(f.accept).not.toBeChecked();
    await expect(f.create).toBeEnabled();
  });

  test('shows only the fields that apply (all of them, with hints, without JavaScript)', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    await page.goto('/webhooks/new');
    await hydrated(page, js);
    const f = webhookForm(page);
    const wg = fieldset(page, 'Work Groups');
    const tpl = fieldset(page, 'Templates');

    if (!js) {
      for (const l of [f.name, f.url, f.auth, f.token, f.eventType, f.eventName, f.active]) await expect(l).toBeVisible();
      await expect(wg).toBeVisible();
      await expect(tpl).toBeVisible();
      await expect(page.getByText(/^Only for CustomInterviewEvent/)).toBeVisible();
      await expect(page.getByText(/^Only for Access token/)).toBeVisible();
      await expect(page.getByText(/^Only for InterviewLoadEvent and NewWorkItemVersionComplete/)).toBeVisible();
      await expect(page.getByText(/^Only for InterviewLoadEvent, NewWorkItemVersionComplete and PostProcessingEvent/)).toBeVisible();
      return;
    }

    // NewWorkItemVersionComplete and HMAC by default.
    await expect(f.eventName).toBeHidden();
    await expect(f.token).toBeHidden();
    await expect(wg).toBeVisible();
    await expect(tpl).toBeVisible();

    await f.eventType.selectOption('CustomInterviewEvent');
    await expect(f.eventName).toBeVisible();
    await expect(wg).toBeHidden();
    await expect(tpl).toBeHidden();

    await f.eventType.selectOption('InterviewLoadEvent');
    await expect(f.eventName).toBeHidden();
    await expect(wg).toBeVisible();
    await expect(tpl).toBeVisible();

    await f.eventType.selectOption('PostProcessingEvent');
    await expect(f.eventName).toBeHidden();
    await expect(wg).toBeHidden();
    await expect(tpl).toBeVisible();

    await f.eventType.selectOption('NewWorkItemVersionComplete');
    await expect(wg).toBeVisible();
    await expect(tpl).toBeVisible();

    await f.auth.selectOption('AccessToken');
    await expect(f.token).toBeVisible();
    await f.auth.selectOption('HMAC');
    await expect(f.token).toBeHidden();
  });
});

test.describe('creating each event type', () => {
  test('NewWorkItemVersionComplete with HMAC, limited to a work group and a template', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const wgName = unique('WG create');
    const tplName = unique('Template create');
    await addCatalogItem(page, 'WorkGroup', uniqueKey('wg'), wgName);
    await addCatalogItem(page, 'Template', uniqueKey('tpl'), tplName);
    const name = unique('Work item archive');
    const { id, secret } = await createViaUi(page, js, {
      name, url: 'https://archive.example.com/hooks/items', eventType: 'NewWorkItemVersionComplete', workGroups: [wgName], templates: [tplName],
    });
    expect(secret).toMatch(SECRET_RE);
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(page.getByTestId('active-state')).toHaveText('Active');
    await expect(setting(page, 'URL')).toHaveText('https://archive.example.com/hooks/items');
    await expect(setting(page, 'Authentication Method')).toHaveText('HMAC');
    await expect(setting(page, 'Event type')).toHaveText('NewWorkItemVersionComplete');
    await expect(setting(page, 'Work Groups')).toHaveText(wgName);
    await expect(setting(page, 'Templates')).toHaveText(tplName);
    await expect(setting(page, 'Accepts untrusted SSL certificates')).toHaveText('Block untrusted SSL');
    await expect(setting(page, 'Interview Event Name')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(secret!);
  });

  test('CustomInterviewEvent with an access token, which is only ever shown masked', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Customer lookup');
    const token = `tok-${Date.now().toString(36)}-Zq9x`;
    const { id } = await createViaUi(page, js, {
      name, url: 'https://crm.example.com/hookwell/lookup', auth: 'AccessToken', accessToken: token,
      eventType: 'CustomInterviewEvent', eventName: 'customer.lookup-1',
    });
    // No secret dialog for access tokens: straight to the webhook's page.
    await expect(secretDialog(page)).toHaveCount(0);
    await expect(setting(page, 'Event type')).toHaveText('CustomInterviewEvent');
    await expect(setting(page, 'Interview Event Name')).toHaveText('customer.lookup-1');
    await expect(setting(page, 'Authentication Method')).toHaveText('Access token');
    await expect(setting(page, 'Access token')).toHaveText('••••Zq9x');
    await expect(setting(page, 'Work Groups')).toHaveCount(0);
    await expect(setting(page, 'Templates')).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    // The edit page does not reveal it either.
    await page.goto(`/webhooks/${id}/edit`);
    await expect(webhookForm(page).token).toHaveValue('');
    expect(await page.content()).not.toContain(token);

    // The list row.
    const row = await listRow(page, name);
    await expect(row).toHaveCount(1);
    // The last cell is its place in the call order of CustomInterviewEvent webhooks.
    await expect(row.getByRole('cell')).toHaveText([name, 'CustomInterviewEvent', 'crm.example.com', 'Access token', 'Active', /.*/, /^\d+ of \d+ CustomInterviewEvent/]);
  });

  test('InterviewLoadEvent, inactive and accepting untrusted SSL', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const tplName = unique('Template load');
    await addCatalogItem(page, 'Template', uniqueKey('tpl'), tplName);
    const name = unique('Prefill answers');
    await createViaUi(page, js, {
      name, url: 'https://prefill.example.com/load', eventType: 'InterviewLoadEvent', active: false, acceptUntrustedSsl: true, templates: [tplName],
      auth: 'AccessToken', accessToken: 'prefill-token-0001',
    });
    await expect(page.getByTestId('active-state')).toHaveText('Inactive');
    await expect(page.getByRole('button', { name: 'Activate', exact: true })).toBeVisible();
    await expect(setting(page, 'Event type')).toHaveText('InterviewLoadEvent');
    await expect(setting(page, 'Webhook active')).toHaveText('Inactive');
    await expect(setting(page, 'Accepts untrusted SSL certificates')).toHaveText('Accept untrusted SSL');
    await expect(setting(page, 'Work Groups')).toHaveText('All work groups');
    await expect(setting(page, 'Templates')).toHaveText(tplName);

    const row = await listRow(page, name);
    await expect(row.getByRole('cell').nth(4)).toHaveText('Inactive');
  });

  test.describe.serial('PostProcessingEvent (one per site)', () => {
    test('creates one, refuses a second naming the first, then cleans up', async ({ page, consoleErrors }, testInfo) => {
      // Both projects run this against the same database at the same time: a lock shared by the
      // workers makes "is there one already?" → create → refuse second → delete one atomic step.
      test.setTimeout(60_000);
      allowHttpStatus(consoleErrors, 422);
      const js = jsOn(testInfo);
      await signIn(page, ADMIN);
      const tplName = unique('Template pp');
      await addCatalogItem(page, 'Template', uniqueKey('tpl-pp'), tplName);

      await withRunLock('post-processing-event', async () => {
        const created: number[] = [];
        try {
          await page.goto('/webhooks?event=PostProcessingEvent');
          const existing = page.locator('table.list tbody tr a');
          let first: string;
          if ((await existing.count()) > 0) {
            first = (await existing.first().textContent())!.trim();
          } else {
            first = unique('Stamp QR codes');
            const { id } = await createViaUi(page, js, {
              name: first, url: 'https://docs.example.com/post-process', eventType: 'PostProcessingEvent', templates: [tplName],
            });
            created.push(id);
            await expect(setting(page, 'Event type')).toHaveText('PostProcessingEvent');
            await expect(setting(page, 'Templates')).toHaveText(tplName);
            await expect(setting(page, 'Work Groups')).toHaveCount(0);
          }

          const second = unique('Second post-processor');
          await page.goto('/webhooks/new');
          await hydrated(page, js);
          await fillWebhookForm(page, { name: second, url: 'https://other.example.com/pp', eventType: 'PostProcessingEvent' });
          const res = await submitForm(page, webhookForm(page).create, js ? /^\/rpc\/create_webhook$/ : /^\/webhooks\/new$/);
          expect(res.status()).toBe(422);
          const expected = new RegExp(`Only one PostProcessingEvent webhook is allowed per site.*${escapeRe(first)}`);
          await expectFieldError(page, 'Event type', 'event_type', expected);
          await expect(webhookForm(page).name).toHaveValue(second);
          await expect(webhookForm(page).eventType).toHaveValue('PostProcessingEvent');
          if (!js) await expect(page).toHaveURL(/\/webhooks\/new$/);

          // Nothing was created.
          const row = await listRow(page, second);
          await expect(row).toHaveCount(0);
        } finally {
          for (const id of created) await deleteViaRpc(page, id);
        }
      });
    });
  });
});

test.describe('the HMAC secret dialog', () => {
  test('shows the secret once, copies it (with JavaScript) and needs the acknowledgement', async ({ page, context }, testInfo) => {
    const js = jsOn(testInfo);
    if (js) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL() });
    await signIn(page, INTEGRATOR);
    const name = unique('Secret dialog');
    await page.goto('/webhooks/new');
    await hydrated(page, js);
    await fillWebhookForm(page, { name, url: 'https://example.com/secret' });
    const res = await submit(page, js, webhookForm(page).create, /^\/webhooks\/new$/);
    if (res) expect(res.status()).toBe(201);

    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute('aria-modal', 'true');
    const secretEl = dialog.getByTestId('hmac-secret');
    const secret = (await secretEl.textContent())!.trim();
    expect(secret).toMatch(SECRET_RE);
    const ack = dialog.getByRole('checkbox', { name: 'I have copied the secret' });
    const cont = dialog.getByRole('button', { name: 'Continue' });
    await expect(ack).not.toBeChecked();

    if (js) {
      await expect(cont).toBeDisabled();
      const copy = dialog.getByRole('button', { name: 'Copy' });
      await expect(copy).toBeVisible();
      await copy.click();
      await expect(dialog.getByText('Copied to the clipboard.')).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await ack.check();
      await expect(cont).toBeEnabled();
    } else {
      await expect(dialog.getByRole('button', { name: 'Copy' })).toHaveCount(0);
      await expect(ack).toHaveAttribute('required', '');
      await expect(cont).toBeEnabled();
      // The browser refuses to submit without the tick…
      let posted = false;
      const onRequest = (r: import('@playwright/test').Request) => { if (r.method() === 'POST') posted = true; };
      page.on('request', onRequest);
      await cont.click();
      await page.waitForTimeout(500);
      page.off('request', onRequest);
      expect(posted, 'Continue without the tick must not submit').toBe(false);
      await expect(dialog.locator('input[name=copied]:invalid')).toHaveCount(1);
      await expect(dialog).toBeVisible();
      // …and so does the server.
      const action = await dialog.locator('form').getAttribute('action');
      expect(action).toMatch(/^\/webhooks\/\d+\/secret-acknowledged$/);
      const refused = await page.request.post(action!, { form: {}, maxRedirects: 0 });
      expect(refused.status()).toBe(422);
      expect(await refused.text()).toContain('without confirming that you copied the HMAC secret');
      await ack.check();
    }
    await cont.click();
    await page.waitForURL(/\/webhooks\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(secretDialog(page)).toHaveCount(0);

    // Shown exactly once: neither the page nor a reload carries it.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(secretDialog(page)).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    const edit = await page.request.get(`/webhooks/${idFromUrl(page)}/edit`);
    expect(await edit.text()).not.toContain(secret);
  });
});

test.describe('validation', () => {
  test('refuses bad input field by field and keeps what was typed', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    if (!js) allowHttpStatus(consoleErrors, 422); // the refused form post is a 422 page
    await signIn(page, INTEGRATOR);
    await page.goto('/webhooks/new');
    await hydrated(page, js);
    const f = webhookForm(page);
    const name = unique('Validated');

    if (js) {
      // Errors appear as you type, once a field has been touched, without any page load.
      await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
      await expectFieldValid(page, 'Name', 'name');
      await f.name.fill('x');
      await f.name.fill('');
      await expectFieldError(page, 'Name', 'name', 'Enter a name.');
      await f.url.fill('javascript:alert(1)');
      await expectFieldError(page, 'URL', 'url', 'Use an http:// or https:// URL.');
      await f.url.fill('not a url');
      await expectFieldError(page, 'URL', 'url', 'Enter a full URL such as https://example.com/hooks.');
      await f.url.fill('http://example.com/plain');
      await expectFieldValid(page, 'URL', 'url');
      await expect(page.locator('#url-warning')).toBeVisible();
      await expect(page.locator('#url-warning')).toContainText('plain http');
      await f.url.fill('https://example.com/secure');
      await expect(page.locator('#url-warning')).toBeHidden();
      await f.url.fill('http://example.com/plain');

      // Untouched fields show their errors on submit.
      await f.eventType.selectOption('CustomInterviewEvent');
      await f.auth.selectOption('AccessToken');
      await f.create.click();
      await expect(page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' })).toBeVisible();
      await expectFieldError(page, 'Name', 'name', 'Enter a name.');
      await expectFieldError(page, 'Interview Event Name', 'event_name', "Enter the Event Name used in the template's Interview Event dialog element.");
      await expectFieldError(page, 'Access token', 'access_token', 'Enter the access token your application expects.');
      await expect(page).toHaveURL(/\/webhooks\/new$/);
      expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

      // Fixing them clears the messages; http is allowed.
      await f.name.fill(name);
      await f.eventName.fill('bad name');
      await expectFieldError(page, 'Interview Event Name', 'event_name', 'Use only letters, digits, _, - and . in the event name.');
      await f.eventName.fill('address.complete');
      await f.token.fill('token-abcd-efgh-9876');
      for (const [label, field] of [['Name', 'name'], ['Interview Event Name', 'event_name'], ['Access token', 'access_token']]) {
        await expectFieldValid(page, label, field);
      }
    } else {
      // Every bad field at once: the page comes back 422 with the messages and the typed values.
      await fillWebhookForm(page, { name: '', url: 'javascript:alert(1)', auth: 'AccessToken', accessToken: '', eventType: 'CustomInterviewEvent', eventName: '' });
      await f.accept.check();
      await f.active.uncheck();
      let res = await submit(page, js, f.create, /^\/webhooks\/new$/);
      expect(res!.status()).toBe(422);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create new webhook');
      await expectFieldError(page, 'Name', 'name', 'Enter a name.');
      await expectFieldError(page, 'URL', 'url', 'Use an http:// or https:// URL.');
      await expectFieldError(page, 'Interview Event Name', 'event_name', "Enter the Event Name used in the template's Interview Event dialog element.");
      await expectFieldError(page, 'Access token', 'access_token', 'Enter the access token your application expects.');
      await expect(f.url).toHaveValue('javascript:alert(1)');
      await expect(f.auth).toHaveValue('AccessToken');
      await expect(f.eventType).toHaveValue('CustomInterviewEvent');
      await expect(f.accept).toBeChecked();
      await expect(f.active).not.toBeChecked();

      await fillWebhookForm(page, { name, url: 'not a url', accessToken: 'token-abcd-efgh-9876' });
      res = await submit(page, js, f.create, /^\/webhooks\/new$/);
      expect(res!.status()).toBe(422);
      await expectFieldError(page, 'URL', 'url', 'Enter a full URL such as https://example.com/hooks.');
      await expectFieldValid(page, 'Name', 'name');
      await expect(f.name).toHaveValue(name);
      await expect(f.url).toHaveValue('not a url');

      // A plain-http URL is warned about but not refused.
      await fillWebhookForm(page, { url: 'http://example.com/plain', accessToken: 'token-abcd-efgh-9876' });
      res = await submit(page, js, f.create, /^\/webhooks\/new$/);
      expect(res!.status()).toBe(422);
      await expectFieldValid(page, 'URL', 'url');
      await expect(page.locator('#url-warning')).toBeVisible();
      await expect(page.locator('#url-warning')).toContainText('plain http');
      await expectFieldError(page, 'Interview Event Name', 'event_name', "Enter the Event Name used in the template's Interview Event dialog element.");
      await fillWebhookForm(page, { eventName: 'address.complete', accessToken: 'token-abcd-efgh-9876' });
    }

    await f.create.click();
    await page.waitForURL(/\/webhooks\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(setting(page, 'URL')).toHaveText('http://example.com/plain');
    await expect(setting(page, 'Interview Event Name')).toHaveText('address.complete');
    await expect(setting(page, 'Access token')).toHaveText('••••9876');
  });

  test('refuses a duplicate name', async ({ page, consoleErrors }, testInfo) => {
    allowHttpStatus(consoleErrors, 422);
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const name = unique('Duplicate');
    await createViaRpc(page, { name });
    await page.goto('/webhooks/new');
    await hydrated(page, js);
    // Names are unique regardless of case.
    await fillWebhookForm(page, { name: name.toUpperCase(), url: 'https://example.com/dup' });
    // Without JavaScript the form posts to the page; with it, to the server function. Both answer 422.
    const res = await submitForm(page, webhookForm(page).create, js ? /^\/rpc\/create_webhook$/ : /^\/webhooks\/new$/);
    expect(res.status()).toBe(422);
    await expectFieldError(page, 'Name', 'name', /already exists/);
    await expect(webhookForm(page).name).toHaveValue(name.toUpperCase());
    await expect(webhookForm(page).url).toHaveValue('https://example.com/dup');
    await expect(secretDialog(page)).toHaveCount(0);
  });
});
