import { test, expect, signIn, hydrated, jsOn, unique, ADMIN } from './support';
import { createViaRpc, receiver } from './helpers';

test.describe('deliveries', () => {
  test('Send test event delivers a signed sample, and Redeliver resends a failed one with the same webhook-id', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    const r = await receiver();
    r.answer(410); // Gone: the first delivery fails at once
    try {
      await signIn(page, ADMIN);
      const name = unique('Delivered');
      const { id } = await createViaRpc(page, { name, url: r.url, eventType: 'InterviewLoadEvent' });
      await page.goto(`/webhooks/${id}`);
      await hydrated(page, js);
      await page.getByRole('button', { name: 'Send test event' }).click();
      await page.waitForURL(/\/deliveries\/\d+$/);
      await expect.poll(() => r.seen.length).toBe(1);
      await expect(async () => {
        await page.reload();
        await expect(page.locator('.page-head .badge')).toHaveText('Failed', { timeout: 1000 });
      }).toPass();
      await expect(page.getByRole('heading', { name: 'Payload' })).toBeVisible();
      await expect(page.locator('pre.payload')).toContainText('Tenant Name');
      await expect(page.getByRole('cell', { name: '410' })).toBeVisible();

      r.answer(200);
      await hydrated(page, js);
      await page.getByRole('button', { name: 'Redeliver' }).click();
      await expect.poll(() => r.seen.length).toBe(2);
      expect(r.seen[1]['webhook-id']).toBe(r.seen[0]['webhook-id']);
      expect(String(r.seen[1]['content-type'])).toContain('application/x-www-form-urlencoded');
      await expect(async () => {
        await page.reload();
        await expect(page.locator('.page-head .badge')).toHaveText('Succeeded', { timeout: 1000 });
      }).toPass();

      await page.goto(`/webhooks/${id}/deliveries`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Deliveries of “${name}”`);
      await expect(page.getByRole('row').nth(1)).toContainText('Succeeded');
    } finally {
      r.close();
    }
  });
});
