// Takes Chromium screenshots of the main pages (JS on and off) and prints console errors.
// Usage: node scripts/screenshots.mjs http://127.0.0.1:3300 admin-password /tmp/shots
import { chromium } from '@playwright/test';

const [base, password, out] = process.argv.slice(2);
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
for (const js of [true, false]) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${js ? 'js' : 'nojs'} console ${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[${js ? 'js' : 'nojs'} pageerror] ${e}`));
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/webhooks');
  const tag = js ? 'js' : 'nojs';
  for (const [name, path] of [['list', '/webhooks'], ['new', '/webhooks/new'], ['detail', '/webhooks/1'], ['edit', '/webhooks/2/edit'], ['workgroups', '/work-groups'], ['users', '/users'], ['audit', '/audit'], ['404', '/webhooks/9999']]) {
    const res = await page.goto(`${base}${path}`);
    if (js) await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 10000 }).catch(() => console.log(`[${tag}] ${path} did not hydrate`));
    await page.screenshot({ path: `${out}/${tag}-${name}.png`, fullPage: true });
    console.log(`${tag} ${path} -> ${res.status()}`);
  }
  if (js) {
    await page.goto(`${base}/webhooks/new`);
    await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
    await page.getByLabel('Name', { exact: true }).fill('Screenshot hook');
    await page.getByLabel('URL').fill('http://example.com/x');
    await page.getByLabel('Event type').selectOption('CustomInterviewEvent');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.screenshot({ path: `${out}/js-new-errors.png`, fullPage: true });
    await page.getByLabel('Interview Event Name').fill('lookup.one');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog', { name: 'Your HMAC secret' }).waitFor();
    await page.screenshot({ path: `${out}/js-secret.png`, fullPage: true });
  }
  await ctx.close();
}
await browser.close();
