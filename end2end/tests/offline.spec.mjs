// Offline: once the service worker controls the app, Today, deep links and the crisis screen work with no server.
import { test, expect } from '@playwright/test';
import { startServer } from '../serve.mjs';
import { DIST, expectCrisisLinks, helpLink, waitForController } from './support.mjs';

const DRAFT_KEPT = 'Not saved yet — draft kept on this device';

// The test servers send Cache-Control: no-store, so nothing can come from the browser's HTTP cache: what works
// offline here works because the service worker precached it.

test('with the server gone: Today, a quick mood, /mood and /help still work', async ({ page }) => {
  const server = await startServer({ dir: DIST, port: 0, noStore: true });
  const url = (path) => new URL(path, server.url).href;
  try {
    await page.goto(url('/'));
    await waitForController(page);
    await server.close();
    // Really gone: nothing answers on that port any more.
    await expect(fetch(url('/'))).rejects.toThrow();

    await page.reload();
    await expect(helpLink(page)).toBeVisible();

    // A check-in draft.
    const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
    const words = `Offline and okay ${Date.now()}`;
    await feel.pressSequentially(words);
    await expect(page.getByText(DRAFT_KEPT).first()).toBeVisible();

    // A quick mood: "7" in the "Quick mood" group, then "Save mood".
    const quick = page
      .getByRole('group', { name: 'Quick mood', exact: true })
      .or(page.getByRole('radiogroup', { name: 'Quick mood', exact: true }));
    await quick.getByRole('radio', { name: '7', exact: true }).check();
    await page.getByRole('button', { name: 'Save mood', exact: true }).click();

    // Deep link to /mood with no server: the worker serves the app shell; the quick mood is in the history.
    await page.goto(url('/mood'));
    await expect(page.getByRole('slider', { name: 'Mood', exact: true })).toBeVisible();
    await expect(
      page.getByRole('list', { name: 'Mood history', exact: true }).getByRole('listitem').first()
    ).toContainText(/\b7\b/, { useInnerText: true });

    // The crisis screen.
    await page.goto(url('/help'));
    await expectCrisisLinks(page);

    // Back on Today the draft is still there.
    await page.goto(url('/'));
    await expect(page.getByRole('textbox', { name: 'How I feel', exact: true })).toHaveValue(words);
  } finally {
    await server.close();
  }
});

test('with the network switched off: the crisis screen opens from Today and by deep link', async ({
  page,
  context,
}) => {
  const server = await startServer({ dir: DIST, port: 0, noStore: true });
  const url = (path) => new URL(path, server.url).href;
  try {
    await page.goto(url('/'));
    await waitForController(page);
    await context.setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);

    await page.reload();
    await helpLink(page).click();
    await expectCrisisLinks(page);

    await page.goto(url('/help'));
    await expectCrisisLinks(page);
  } finally {
    await context.setOffline(false);
    await server.close();
  }
});
