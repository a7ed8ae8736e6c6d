import { test, expect, signIn, hydrated, jsOn, unique, INTEGRATOR } from './support';
import { createViaRpc, deleteViaRpc, withRunLock } from './helpers';

test.describe('call order of InterviewLoadEvent webhooks', () => {
  test('Move up puts the second webhook first in the list', async ({ page }, testInfo) => {
    const js = jsOn(testInfo);
    await signIn(page, INTEGRATOR);
    const tag = unique('Order').replace(/\s+/g, '-');
    const [first, second] = [`${tag} first`, `${tag} second`];
    // Both projects use one server: keep the two webhooks next to each other in the order.
    await withRunLock('interview-order', async () => {
      const ids: number[] = [];
      try {
        for (const name of [first, second]) ids.push((await createViaRpc(page, { name, eventType: 'InterviewLoadEvent' })).id);
        const listUrl = `/webhooks?q=${encodeURIComponent(tag)}&sort=event`;
        await page.goto(listUrl);
        await hydrated(page, js);
        const names = page.getByRole('table').getByRole('link');
        await expect(names).toHaveText([first, second]);
        const firstRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: first, exact: true }) });
        const secondRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: second, exact: true }) });
        await expect(secondRow.getByRole('cell').last()).toContainText(/^\d+ of \d+ InterviewLoadEvent/);
        // The last has no Move down, the first of the two can still move down.
        await expect(secondRow.getByRole('button', { name: `Move “${second}” down` })).toHaveCount(0);
        await expect(firstRow.getByRole('button', { name: `Move “${first}” down` })).toBeVisible();

        const before = (await secondRow.getByRole('cell').last().textContent()) ?? '';
        await secondRow.getByRole('button', { name: `Move “${second}” up` }).click();
        await expect(names).toHaveText([second, first]);
        const place = (s: string) => Number(s.match(/^(\d+) of/)?.[1]);
        await expect(secondRow.getByRole('cell').last()).toContainText(`${place(before) - 1} of`);
        await expect(secondRow.getByRole('button', { name: `Move “${second}” down` })).toBeVisible();
        if (!js) await expect(page).toHaveURL(new RegExp(`/webhooks\\?q=${tag}&sort=event$`));
      } finally {
        for (const id of ids) await deleteViaRpc(page, id);
      }
    });
  });
});
