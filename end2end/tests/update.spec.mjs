// Updates: a new service worker waits; the person sees "Reload to update" and chooses when to swap versions.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../serve.mjs';
import { DIST, waitForController } from './support.mjs';

test('a new version waits for the person, then reloads into it when they choose', async ({ page }) => {
  const server = await startServer({ dir: DIST, port: 0 });
  try {
    await page.goto(new URL('/', server.url).href);
    const firstCache = await waitForController(page);
    const reloadButton = page.getByRole('button', { name: 'Reload to update', exact: true });
    // The first install is not an update: no banner.
    await expect(reloadButton).toHaveCount(0);

    // Someone is mid-typing when the update arrives.
    const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
    const words = `Halfway through a thought ${Date.now()}`;
    await feel.pressSequentially(words);
    await page.evaluate(() => {
      window.__tandemSamePage = true; // gone if the page reloads
    });

    // Deploy "version 2": same files, a different worker (new VERSION, so a new cache name).
    const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
    const oldVersion = sw.match(/^const VERSION = "([0-9a-f]{16})";$/m)?.[1];
    expect(oldVersion, 'dist/sw.js has a generated VERSION').toBeTruthy();
    expect(firstCache).toBe(`tandem-${oldVersion}`);
    const newVersion = `${oldVersion}-v2`;
    server.setOverride('/sw.js', sw.replace(`const VERSION = "${oldVersion}";`, `const VERSION = "${newVersion}";`));

    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration.update();
    });

    await expect(reloadButton).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'A new version of Tandem is ready.' })).toBeVisible();
    const waiting = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration.waiting ? registration.waiting.state : null;
    });
    expect(waiting).toBe('installed');

    // The banner floats above the bottom navigation, is a comfortable touch target and has no serious
    // accessibility problems.
    const banner = await page.getByRole('region', { name: 'App update', exact: true }).boundingBox();
    const nav = await page
      .getByRole('navigation')
      .filter({ has: page.getByRole('link', { name: 'Today', exact: true }) })
      .boundingBox();
    expect(banner.y + banner.height, 'banner bottom is above the navigation').toBeLessThanOrEqual(nav.y);
    const box = await reloadButton.boundingBox();
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
    // Scrolled to the end, the screen's last lines show above the banner, not under it.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = await page.evaluate(() => {
      const main = document.querySelector('main');
      const items = [...main.querySelectorAll('p, li, button, a, h2, textarea')].filter((e) => e.getBoundingClientRect().height > 0);
      return items[items.length - 1].getBoundingClientRect().bottom;
    });
    expect(last, 'the last line of the screen ends above the banner').toBeLessThanOrEqual(banner.y + 1);
    const axe = await new AxeBuilder({ page }).include('#tandem-update').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // It does not reload by itself: same page, the words still in the field, the old version still in control.
    await page.waitForTimeout(2_000);
    expect(await page.evaluate(() => window.__tandemSamePage)).toBe(true);
    await expect(feel).toHaveValue(words);
    expect(await page.evaluate(() => caches.keys())).toContain(firstCache);

    // Their choice: one tap, one reload, into the new version.
    await Promise.all([page.waitForEvent('load'), reloadButton.click()]);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(() => window.__tandemSamePage)).toBeUndefined();
    await expect
      .poll(() => page.evaluate(() => caches.keys()), { message: 'only the new version is cached' })
      .toEqual([`tandem-${newVersion}`]);
    await expect(reloadButton).toHaveCount(0);
    // And the draft came through the update.
    await expect(page.getByRole('textbox', { name: 'How I feel', exact: true })).toHaveValue(words);
  } finally {
    await server.close();
  }
});
