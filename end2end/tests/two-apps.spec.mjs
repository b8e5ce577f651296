// The participants' app and the facilitators' app (facilitator/index.html, its own wasm): participants' phones
// never download the facilitators' code; a facilitator's phone keeps it once opened, so it opens with the server
// gone; links between the two apps are full page loads that work offline too.
import { test, expect } from '@playwright/test';
import { startServer } from '../serve.mjs';
import { DIST, helpLink, waitForController } from './support.mjs';

const FACILITATOR_FILE = /\/facilitator(?:-[0-9a-f]+(?:_bg)?\.(?:js|wasm)|\/)$/;

/** The paths of every response the page's service worker cache holds. */
async function cachedPaths(page, cacheName) {
  return page.evaluate(
    (name) => caches.open(name).then((c) => c.keys()).then((rs) => rs.map((r) => new URL(r.url).pathname)),
    cacheName
  );
}

test('a participant\'s phone never downloads the facilitators\' app', async ({ page }) => {
  // Served with no-store, and every request the server sees is recorded: nothing comes from anywhere else.
  const server = await startServer({ dir: DIST, port: 0, noStore: true });
  const url = (path) => new URL(path, server.url).href;
  try {
    await page.goto(url('/'));
    const cache = await waitForController(page);
    for (const name of ['Mood', 'Goals', 'Partner', 'Group', 'Today']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    }
    await helpLink(page).click();
    await expect(page.getByRole('heading', { name: 'Get help now', level: 1 })).toBeVisible();

    const cached = await cachedPaths(page, cache);
    expect(cached).toContain('/');
    expect(cached.some((p) => p.endsWith('.wasm')), 'the participants\' wasm is precached').toBe(true);
    expect(cached.filter((p) => FACILITATOR_FILE.test(p))).toEqual([]);
    expect(server.requests.filter((p) => FACILITATOR_FILE.test(p) || p.startsWith('/facilitator'))).toEqual([]);
  } finally {
    await server.close();
  }
});

test('the facilitators\' app opens with the server gone once it has been used, and links lead between the apps', async ({
  page,
}) => {
  const server = await startServer({ dir: DIST, port: 0, noStore: true });
  const url = (path) => new URL(path, server.url).href;
  try {
    // A deep link into the facilitators' app: its own page, with the participants' header and navigation.
    await page.goto(url('/facilitator/groups'));
    const cache = await waitForController(page);
    await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    await expect(helpLink(page)).toBeVisible();
    await page.goto(url('/facilitator'));
    await expect(page.getByRole('heading', { name: 'Facilitator', level: 1 })).toBeVisible();
    // Once controlled, what the facilitators' app used is kept: its page, js and wasm.
    const kept = async () =>
      (await cachedPaths(page, cache))
        .filter((p) => FACILITATOR_FILE.test(p))
        .map((p) => (p.endsWith('/') ? p : p.replace(/-[0-9a-f]+/, '-<hash>')))
        .sort();
    await expect
      .poll(kept)
      .toEqual(['/facilitator-<hash>.js', '/facilitator-<hash>_bg.wasm', '/facilitator/']);

    await server.close();
    await expect(fetch(url('/'))).rejects.toThrow();

    // With the server gone: a deep link below /facilitator/ is the facilitators' app …
    await page.goto(url('/facilitator/groups'));
    await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    // … its links to the participants' screens load the participants' app …
    await page.getByRole('link', { name: 'Sign in with your facilitator account', exact: true }).click();
    await expect(page).toHaveURL(url('/settings'));
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await page.goBack();
    await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mood', exact: true }).click();
    await expect(page).toHaveURL(url('/mood'));
    await expect(page.getByRole('slider', { name: 'Mood', exact: true })).toBeVisible();
    // … and the crisis screen is one tap away from either.
    await page.goBack();
    await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    await helpLink(page).click();
    await expect(page).toHaveURL(url('/help'));
    await expect(page.getByRole('heading', { name: 'Get help now', level: 1 })).toBeVisible();
  } finally {
    await server.close();
  }
});
