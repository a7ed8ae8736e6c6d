import { test as base, expect, Page } from '@playwright/test';

export const baseURL = () => `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
export const ADMIN = { username: 'admin', password: process.env.E2E_ADMIN_PASSWORD ?? 'admin-password-e2e', role: 'SiteAdmin' };
export const INTEGRATOR = { username: 'integrator1', password: 'integrator-password-1', role: 'IntegrationAdmin' };
export const AUTHOR = { username: 'author1', password: 'author-password-1', role: 'Author' };

/** Console errors seen so far; `allowed` lists the ones a test expects (see `allowHttpStatus`). */
export type ConsoleErrors = string[] & { allowed: RegExp[] };

/** `test` that fails on any browser console error or uncaught page error not explicitly allowed. */
export const test = base.extend<{ consoleErrors: ConsoleErrors }>({
  consoleErrors: [async ({ page }, use) => {
    const errors: ConsoleErrors = Object.assign([] as string[], { allowed: [] as RegExp[] });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await use(errors);
    const unexpected = errors.filter((e) => !errors.allowed.some((r) => r.test(e)));
    expect(unexpected, 'browser console errors').toEqual([]);
  }, { auto: true }],
});

/**
 * Chromium logs "Failed to load resource: … status of N" for every 4xx answer (a document or a
 * fetch). A test that deliberately provokes such an answer (401 sign-in, 403/404 page, 422
 * validation) allows exactly that message, nothing else.
 */
export function allowHttpStatus(errors: ConsoleErrors, ...statuses: number[]) {
  for (const s of statuses) errors.allowed.push(new RegExp(`^Failed to load resource: the server responded with a status of ${s}\\b`));
}
export { expect };

/** True in the project that runs with JavaScript. */
export const jsOn = (testInfo: { project: { name: string } }) => testInfo.project.name === 'js';

/** Signs in through the real form and waits for the landing page. */
export async function signIn(page: Page, user: { username: string; password: string }, next = '/') {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Waits until the WASM has hydrated the page (no-op without JavaScript). */
export async function hydrated(page: Page, js: boolean) {
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** A name no other test uses. */
export const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
