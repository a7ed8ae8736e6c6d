import { test, expect, signIn, hydrated, jsOn, unique, ADMIN, allowHttpStatus } from './support';
import { createViaRpc, acknowledgeSecret, secretDialog, receiver } from './helpers';

/** `datetime-local` value, in UTC like the console, `minutes` from now. */
const utcLocal = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

/** Sends a test event from the webhook's page and waits until the receiver got it. */
async function sendTestEvent(page: import('@playwright/test').Page, js: boolean, id: number, seen: () => number) {
  const before = seen();
  await page.goto(`/webhooks/${id}`);
  await hydrated(page, js);
  await page.getByRole('button', { name: 'Send test event' }).click();
  await page.waitForURL(/\/deliveries\/\d+$/);
  await expect.poll(seen).toBe(before + 1);
}

test.describe('webhook health', () => {
  test('a failing receiver shows in the 24-hour chart and its text alternative', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    const r = await receiver('<b>not markup</b>');
    const seen = () => r.seen.length;
    r.answer(410); // Gone: exactly one failed attempt, no retries
    try {
      await signIn(page, ADMIN);
      const { id } = await createViaRpc(page, { name: unique('Charted'), url: r.url, eventType: 'InterviewLoadEvent' });
      await page.goto(`/webhooks/${id}`);
      await expect(page.getByTestId('chart-summary')).toHaveText(/Last 24 hours: no delivery attempts\./);
      await sendTestEvent(page, js, id, seen);
      await expect(async () => {
        await page.goto(`/webhooks/${id}`);
        await expect(page.getByTestId('chart-summary')).toHaveText(/^Last 24 hours: 0 succeeded, 1 failed, median \d+ ms$/, { timeout: 1000 });
      }).toPass();
      await hydrated(page, js);
      await expect(page.getByRole('img', { name: /Attempts per hour \(UTC\)/ })).toBeVisible();
      await page.getByText('The numbers of each hour').click();
      const table = page.getByRole('table', { name: 'Delivery attempts per hour, last 24 hours (UTC)' });
      await expect(table).toBeVisible();
      await expect(table.locator('tbody tr')).toHaveCount(24);
      const failedHours = table.locator('tbody tr').filter({ has: page.locator('td:nth-child(3)', { hasText: /^1$/ }) });
      await expect(failedHours).toHaveCount(1);
      await expect(failedHours.locator('td').nth(0)).toHaveText('0');
      await page.screenshot({ path: testInfo.outputPath('webhook-chart.png'), fullPage: true });
    } finally {
      r.close();
    }
  });

  test('Recover sends the failed deliveries since a time again; a future time is refused beside the field', async ({ page, consoleErrors }, testInfo) => {
    const js = jsOn(testInfo);
    allowHttpStatus(consoleErrors, 422);
    const r = await receiver('<b>not markup</b>');
    const seen = () => r.seen.length;
    r.answer(410);
    try {
      await signIn(page, ADMIN);
      const { id } = await createViaRpc(page, { name: unique('Recovered'), url: r.url, eventType: 'InterviewLoadEvent' });
      await sendTestEvent(page, js, id, seen);
      await expect(async () => {
        await page.reload();
        await expect(page.locator('.page-head .badge')).toHaveText('Failed', { timeout: 1000 });
      }).toPass();

      await page.goto(`/webhooks/${id}/deliveries`);
      await hydrated(page, js);
      const since = page.getByLabel('Failed since');
      await since.fill(utcLocal(24 * 60));
      await page.getByRole('button', { name: 'Recover' }).click();
      await expect(page.getByText('Choose a time that has passed')).toBeVisible();
      await expect(page.getByLabel('Failed since')).toHaveAttribute('aria-invalid', 'true');
      expect(seen()).toBe(1);

      r.answer(200);
      await page.getByLabel('Failed since').fill(utcLocal(-60));
      await page.getByRole('button', { name: 'Recover' }).click();
      await expect(page.getByTestId('recovered')).toHaveText('1 failed delivery queued again.');
      await expect(page).toHaveURL(new RegExp(`/webhooks/${id}/deliveries\\?recovered=1$`));
      await expect.poll(seen).toBe(2);
      await expect(async () => {
        await page.reload();
        await expect(page.getByRole('row').nth(1)).toContainText('Succeeded', { timeout: 1000 });
      }).toPass();
      await page.screenshot({ path: testInfo.outputPath('recover.png'), fullPage: true });
    } finally {
      r.close();
    }
  });

  test('Regenerate HMAC secret with a 1-hour grace period shows until when the previous secret works', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, ADMIN);
    const { id } = await createViaRpc(page, { name: unique('Graced') });
    await page.goto(`/webhooks/${id}`);
    await expect(page.getByText('keeps working for Standard Webhooks signatures')).toHaveCount(0);
    await page.goto(`/webhooks/${id}/edit`);
    await hydrated(page, js);
    await page.getByRole('button', { name: 'Regenerate HMAC secret' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Regenerate HMAC secret?' });
    await expect(confirm).toBeVisible();
    const grace = confirm.getByRole('group', { name: 'Grace period for the current secret' });
    await expect(grace.getByRole('radio', { name: 'None' })).toBeChecked();
    await grace.getByRole('radio', { name: '1 hour' }).check();
    await page.screenshot({ path: testInfo.outputPath('regenerate-grace.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Regenerate HMAC secret' }).click();
    await expect(secretDialog(page)).toBeVisible();
    await acknowledgeSecret(page);
    const note = page.getByTestId('previous-secret');
    await expect(note).toHaveText(/^The previous secret keeps working for Standard Webhooks signatures until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    const until = Date.parse(((await note.textContent()) ?? '').replace(/.*until (.*) UTC\./, '$1Z').replace(' ', 'T'));
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(3 * 60_000);
    await page.screenshot({ path: testInfo.outputPath('webhook-grace.png'), fullPage: true });
  });
});
