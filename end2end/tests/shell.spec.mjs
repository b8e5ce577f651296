// The app shell: a clean first load, the bottom navigation, the crisis link on every screen, not-found.
import { test, expect } from '@playwright/test';
import { NOT_FOUND_PATH, SCREENS, collectProblems, helpLink } from './support.mjs';

const NAV = SCREENS.filter((s) => ['Today', 'Mood', 'Goals', 'Partner', 'Group'].includes(s.name));
const NOT_FOUND_HEADING = /not found|can[’']?t find|couldn[’']?t find|doesn[’']?t exist|no such page|no page/i;

/** The navigation landmark that holds the five screen links. */
function mainNav(page) {
  return page.getByRole('navigation').filter({ has: page.getByRole('link', { name: 'Today', exact: true }) });
}

test('first load of / has no console errors or page errors', async ({ page }) => {
  const problems = collectProblems(page);
  await page.goto('/');
  await expect(helpLink(page)).toBeVisible();
  // Let the service worker register, install and take control, so its errors would show up too.
  const ready = await page.evaluate(() =>
    Promise.race([
      navigator.serviceWorker.ready.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 15_000)),
    ])
  );
  expect(ready, 'the service worker registered and activated').toBe(true);
  await page.waitForLoadState('networkidle');
  expect(problems).toEqual([]);
});

test('the navigation links reach their screens', async ({ page, baseURL }) => {
  await page.goto('/group'); // start on the last screen so that every click is a real navigation
  const nav = mainNav(page);
  await expect(nav).toHaveCount(1);
  const headings = new Map();
  for (const { name, path } of NAV) {
    const link = nav.getByRole('link', { name, exact: true });
    await link.click();
    await expect(page).toHaveURL(new URL(path, baseURL).href);
    await expect(link).toHaveAttribute('aria-current', 'page');
    const h1 = page.getByRole('heading', { level: 1 });
    await expect(h1).toHaveCount(1);
    const text = (await h1.innerText()).trim();
    expect(text, `${name} shows a screen, not the not-found page`).not.toMatch(NOT_FOUND_HEADING);
    headings.set(name, text);
  }
  // Five distinct screens, not one fallback page five times.
  expect(new Set(headings.values()).size, JSON.stringify(Object.fromEntries(headings))).toBe(NAV.length);
});

test('"Get help now" is on every screen and opens the crisis screen', async ({ page, baseURL }) => {
  for (const { path } of [...SCREENS, { path: NOT_FOUND_PATH }]) {
    await page.goto(path);
    const link = helpLink(page);
    await expect(link, `"Get help now" on ${path}`).toBeVisible();
    await expect(link).toHaveAttribute('href', '/help');
  }
  await page.goto('/mood');
  await helpLink(page).click();
  await expect(page).toHaveURL(new URL('/help', baseURL).href);
  await expect(page.getByRole('link', { name: 'Call 988', exact: true })).toBeVisible();
});

test('an unknown path shows a not-found page with a way home', async ({ page, baseURL }) => {
  await page.goto(NOT_FOUND_PATH);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(NOT_FOUND_HEADING);
  const home = page.getByRole('main').getByRole('link', { name: /home|today/i });
  await expect(home.first()).toBeVisible();
  await home.first().click();
  await expect(page).toHaveURL(new URL('/', baseURL).href);
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(NOT_FOUND_HEADING);
});
