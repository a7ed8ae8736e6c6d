import { Page, Locator, Response } from '@playwright/test';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { expect, unique } from './support';

export const SECRET_RE = /^whsec_[A-Za-z0-9+/]{43}=$/;

export type EventType = 'NewWorkItemVersionComplete' | 'CustomInterviewEvent' | 'InterviewLoadEvent' | 'PostProcessingEvent';
export type Auth = 'HMAC' | 'AccessToken';

export interface WebhookSpec {
  name: string;
  url?: string;
  auth?: Auth;
  accessToken?: string;
  eventType?: EventType;
  eventName?: string;
  active?: boolean;
  acceptUntrustedSsl?: boolean;
  /** Names (UI) of work groups / templates to tick. */
  workGroups?: string[];
  templates?: string[];
}

/** A key for a work group or template: letters, digits, `-` only. */
export const uniqueKey = (prefix: string) => unique(prefix).replace(/[^A-Za-z0-9_.-]+/g, '-');

/** The form controls of the create / edit webhook form, by their exact labels. */
export function webhookForm(page: Page) {
  return {
    name: page.getByLabel('Name', { exact: true }),
    url: page.getByLabel('URL', { exact: true }),
    auth: page.getByLabel('Authentication Method', { exact: true }),
    token: page.getByLabel('Access token', { exact: true }),
    eventType: page.getByLabel('Event type', { exact: true }),
    eventName: page.getByLabel('Interview Event Name', { exact: true }),
    active: page.getByRole('checkbox', { name: 'Webhook active', exact: true }),
    block: page.getByRole('radio', { name: 'Block untrusted SSL', exact: true }),
    accept: page.getByRole('radio', { name: 'Accept untrusted SSL', exact: true }),
    sslGroup: page.getByRole('group', { name: 'Accepts untrusted SSL certificates' }),
    workGroups: page.getByRole('group', { name: 'Work Groups', exact: true }),
    templates: page.getByRole('group', { name: 'Templates', exact: true }),
    create: page.getByRole('button', { name: 'Create', exact: true }),
    save: page.getByRole('button', { name: 'Save changes', exact: true }),
  };
}

/** A fieldset by its legend, found even when it is hidden. */
export const fieldset = (page: Page, legend: string) =>
  page.locator('fieldset').filter({ has: page.locator('legend', { hasText: new RegExp(`^${legend}$`) }) });

/** The "Your HMAC secret" dialog. */
export const secretDialog = (page: Page) => page.getByRole('dialog', { name: 'Your HMAC secret' });

/** The value shown next to `label` in the detail page's definition list. */
export function setting(page: Page, label: string): Locator {
  return page.locator('dl.settings > dt').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** The webhook id in the current URL (`/webhooks/:id…`). */
export function idFromUrl(page: Page): number {
  const m = new URL(page.url()).pathname.match(/^\/webhooks\/(\d+)/);
  if (!m) throw new Error(`not on a webhook page: ${page.url()}`);
  return Number(m[1]);
}

/** Fills the webhook form as a person would (only fields that are visible with JavaScript). */
export async function fillWebhookForm(page: Page, spec: Partial<WebhookSpec>) {
  const f = webhookForm(page);
  if (spec.name !== undefined) await f.name.fill(spec.name);
  if (spec.url !== undefined) await f.url.fill(spec.url);
  if (spec.auth) await f.auth.selectOption(spec.auth);
  if (spec.accessToken !== undefined) await f.token.fill(spec.accessToken);
  if (spec.eventType) await f.eventType.selectOption(spec.eventType);
  if (spec.eventName !== undefined) await f.eventName.fill(spec.eventName);
  if (spec.active !== undefined) await f.active.setChecked(spec.active);
  if (spec.acceptUntrustedSsl !== undefined) await (spec.acceptUntrustedSsl ? f.accept : f.block).check();
  for (const w of spec.workGroups ?? []) await f.workGroups.getByRole('checkbox', { name: w, exact: true }).check();
  for (const t of spec.templates ?? []) await f.templates.getByRole('checkbox', { name: t, exact: true }).check();
}

/**
 * Clicks `button` and, without JavaScript, returns the answer to the form post (with
 * JavaScript the form does not load a page, so there is none).
 */
export async function submit(page: Page, js: boolean, button: Locator, postPath: RegExp): Promise<Response | null> {
  if (js) {
    await button.click();
    return null;
  }
  return submitForm(page, button, postPath);
}

/** Clicks `button` and returns the answer to the POST it causes (a page load or a server-function call). */
export async function submitForm(page: Page, button: Locator, postPath: RegExp): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && postPath.test(new URL(r.url()).pathname)),
    button.click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

/** Ticks "I have copied the secret" and presses Continue; lands on the webhook's page. */
export async function acknowledgeSecret(page: Page) {
  const dialog = secretDialog(page);
  await dialog.getByRole('checkbox', { name: 'I have copied the secret' }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/webhooks\/\d+$/);
}

/**
 * Creates a webhook through /webhooks/new. Returns its id and, for HMAC, the secret that the
 * dialog showed (after acknowledging it, so the browser ends on the webhook's page).
 */
export async function createViaUi(page: Page, js: boolean, spec: WebhookSpec): Promise<{ id: number; secret?: string }> {
  await page.goto('/webhooks/new');
  await hydratedIf(page, js);
  await fillWebhookForm(page, { url: 'https://example.com/hooks', ...spec });
  const res = await submit(page, js, webhookForm(page).create, /^\/webhooks\/new$/);
  if ((spec.auth ?? 'HMAC') === 'HMAC') {
    if (res) expect(res.status(), 'a created webhook answers 201').toBe(201);
    const dialog = secretDialog(page);
    await expect(dialog).toBeVisible();
    const secret = (await dialog.getByTestId('hmac-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(SECRET_RE);
    await acknowledgeSecret(page);
    return { id: idFromUrl(page), secret };
  }
  await page.waitForURL(/\/webhooks\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(spec.name);
  return { id: idFromUrl(page) };
}

async function hydratedIf(page: Page, js: boolean) {
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Creates a webhook through the `create_webhook` server function (fast set-up for other tests). */
export async function createViaRpc(page: Page, spec: WebhookSpec & { workGroupIds?: number[]; templateIds?: number[] }) {
  const form = {
    name: spec.name,
    url: spec.url ?? 'https://example.com/hooks',
    auth_method: spec.auth ?? 'HMAC',
    access_token: spec.accessToken ?? '',
    event_type: spec.eventType ?? 'NewWorkItemVersionComplete',
    event_name: spec.eventName ?? '',
    active: spec.active === false ? null : 'on',
    ssl: spec.acceptUntrustedSsl ? 'accept' : 'block',
    work_groups: (spec.workGroupIds ?? []).map(String),
    templates: (spec.templateIds ?? []).map(String),
  };
  const res = await page.request.post('/rpc/create_webhook', { data: { form }, headers: { Accept: 'application/json' } });
  expect(res.status(), `create_webhook: ${await res.text()}`).toBe(200);
  const saved = (await res.json()) as { id: number; new_secret: string | null };
  return { id: saved.id, secret: saved.new_secret ?? undefined };
}

/** Adds a work group or template through the server function (Site Administrator only); returns its id. */
export async function addCatalogItem(page: Page, kind: 'WorkGroup' | 'Template', key: string, name: string): Promise<number> {
  const res = await page.request.post('/rpc/add_catalog_item', { form: { kind, key, name }, headers: { Accept: 'application/json' } });
  expect(res.ok(), `add_catalog_item: ${res.status()} ${await res.text()}`).toBeTruthy();
  return catalogId(page, kind, key);
}

/** The id of the work group or template with `key`. */
export async function catalogId(page: Page, kind: 'WorkGroup' | 'Template', key: string): Promise<number> {
  const res = await page.request.post('/rpc/list_catalog', { form: { kind }, headers: { Accept: 'application/json' } });
  expect(res.ok(), `list_catalog: ${res.status()}`).toBeTruthy();
  const item = ((await res.json()) as { id: number; key: string }[]).find((i) => i.key === key);
  if (!item) throw new Error(`no ${kind} with key ${key}`);
  return item.id;
}

/** Deletes a webhook through the server function (clean-up). */
export async function deleteViaRpc(page: Page, id: number) {
  await page.request.post('/rpc/delete_webhook', { form: { id: String(id) }, headers: { Accept: 'application/json' }, maxRedirects: 0 });
}

/** The list row of the webhook called `name` (the list filtered to it by a search). */
export async function listRow(page: Page, name: string): Promise<Locator> {
  await page.goto(`/webhooks?q=${encodeURIComponent(name)}`);
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/**
 * Runs `fn` while holding a lock shared by every Playwright worker of this run (both projects
 * talk to one server and one database, in parallel). Used for the site-wide
 * "one PostProcessingEvent webhook" rule.
 */
export async function withRunLock<T>(name: string, fn: () => Promise<T>, waitMs = 40_000): Promise<T> {
  const dir = path.join(os.tmpdir(), `hookwell-e2e-${process.env.E2E_PORT ?? 3100}-${name}.lock`);
  const start = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        // A lock left behind by a killed run is stale after a minute.
        if (Date.now() - fs.statSync(dir).mtimeMs > 60_000) fs.rmSync(dir, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (Date.now() - start > waitMs) throw new Error(`could not take the ${name} lock within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A webhook receiver on 127.0.0.1: answers `answer(status)` (200 until told otherwise) with
 * `body`, and records the headers of every request it received, in order. */
export async function receiver(body = 'thanks'): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; answer: (s: number) => void; close: () => void }> {
  const seen: http.IncomingHttpHeaders[] = [];
  let status = 200;
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { seen.push(req.headers); res.writeHead(status).end(body); });
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, seen, answer: (s) => { status = s; }, close: () => srv.close() };
}
