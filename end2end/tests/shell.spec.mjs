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

test('"Skip to content" moves keyboard focus to the screen, and Tab then goes on from there', async ({ page }) => {
  await page.goto('/mood');
  await expect(page.getByRole('button', { name: 'Save mood', exact: true })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await page.keyboard.press('Tab');
  // The next stop is inside the screen, not the header's first link.
  expect(await page.evaluate(() => document.querySelector('main').contains(document.activeElement))).toBe(true);
});

test('a form keeps keyboard focus on its button while it saves, and a focused control is never under the bars', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await page.getByRole('textbox', { name: 'How I feel', exact: true }).fill('Steady');
  const save = page.getByRole('button', { name: 'Save check-in', exact: true });
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText(/^Saved at/).first()).toBeVisible();
  await expect(save).toBeFocused();

  // Tab through the Mood screen: every focused control shows between the sticky header and the bottom navigation.
  await page.goto('/mood');
  await expect(page.getByRole('button', { name: 'Save mood', exact: true })).toBeVisible();
  const hidden = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const el = document.activeElement;
      const header = document.querySelector('header');
      const nav = [...document.querySelectorAll('nav')].find((n) => n.textContent.includes('Today'));
      if (!el || el === document.body || header.contains(el) || nav.contains(el) || el.matches('a[href="#main"]')) return null;
      const r = el.getBoundingClientRect();
      const top = header.getBoundingClientRect().bottom;
      const bottom = nav.getBoundingClientRect().top;
      return r.top >= top && r.bottom <= bottom ? null : `${el.tagName} ${el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30)} at ${Math.round(r.top)}–${Math.round(r.bottom)} (visible ${Math.round(top)}–${Math.round(bottom)})`;
    });
    if (where) hidden.push(where);
  }
  expect(hidden).toEqual([]);
});

test('Settings: when the browser does not allow notifications, "Allow reminders" says so and what to do', async ({ page }) => {
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Allow reminders', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'did not allow notifications' })).toContainText('the dot on Partner shows when a check-in is due');
});

test('on narrow phones (360 px, and 320 px at 200% zoom) the header stays one line', async ({ browser, baseURL }) => {
  for (const viewport of [{ width: 360, height: 640 }, { width: 320, height: 568 }]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(baseURL + '/');
    const header = await page.getByRole('banner').boundingBox();
    const help = await page.getByRole('link', { name: 'Get help now', exact: true }).boundingBox();
    const brand = await page.getByRole('banner').getByRole('link', { name: 'Tandem', exact: true }).boundingBox();
    expect(Math.abs(help.y - brand.y), `"Get help now" on the brand's line at ${viewport.width} px`).toBeLessThan(10);
    expect(header.height, `header height at ${viewport.width} px`).toBeLessThan(80);
    await context.close();
  }
});

test('a form that cannot be saved takes the person to the first thing to fix', async ({ page }) => {
  await page.goto('/goals');
  await page.getByRole('button', { name: 'New goal', exact: true }).click();
  await page.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: /title/i })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Goal title', exact: true })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Goal title', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Goal title', exact: true })).toHaveAccessibleDescription(/Give the goal a title/);

  // The partner questionnaire lists its problems at the end: focus goes to the first unanswered part.
  await page.goto('/partner/questionnaire');
  await page.getByRole('button', { name: 'Save questionnaire', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Choose your track' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'My program track', exact: true })).toBeFocused();
  await expect(page.getByRole('group', { name: 'My program track', exact: true })).toHaveAccessibleDescription(/Choose your track/);
  await page.getByRole('radio', { name: 'Both', exact: true }).check();
  await page.getByRole('button', { name: 'Save questionnaire', exact: true }).click();
  await expect(page.getByRole('group', { name: 'Ways I like to talk', exact: true })).toBeFocused();
});
