// What a participant relies on beyond the happy path: nothing leaves the device, every target is big enough,
// the app still works at 200% text, storage failures keep the words on screen, the mood form keeps its draft,
// and there is one check-in per day that can be edited that day.
import { test, expect } from '@playwright/test';
import { NOT_FOUND_PATH, SCREENS, helpLink } from './support.mjs';

const ALL_PATHS = [...SCREENS.map((s) => s.path), NOT_FOUND_PATH];

test('no request leaves 127.0.0.1 on any screen (no fonts, CDNs or analytics)', async ({ page, baseURL }) => {
  const elsewhere = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1') elsewhere.push(req.url());
  });
  for (const path of ALL_PATHS) {
    await page.goto(baseURL + path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  // Log a mood too, so the save path is covered.
  await page.goto(baseURL + '/');
  await page.getByRole('radio', { name: '5', exact: true }).check();
  await page.getByRole('button', { name: 'Save mood' }).click();
  await expect(page.getByText(/^Saved at/).first()).toBeVisible();
  expect(elsewhere).toEqual([]);
});

test('every control on every screen is at least 44 by 44 CSS pixels', async ({ page, baseURL }) => {
  for (const path of ALL_PATHS) {
    await page.goto(baseURL + path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const small = await page.evaluate(() => {
      const controls = document.querySelectorAll('button, a[href], input, textarea, select');
      const out = [];
      for (const el of controls) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not rendered
        if (r.bottom < 0 || r.right < 0) continue; // parked off screen until focused (the skip link)
        // Links inside a sentence are exempt (WCAG 2.5.8); everything else needs the full target, a link
        // alone on its line too.
        const inSentence = el.tagName === 'A' && getComputedStyle(el).display === 'inline' && el.parentElement.textContent.trim() !== el.textContent.trim();
        if (inSentence) continue;
        const tall = el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' ? r.height >= 44 : r.height >= 44 && r.width >= 44;
        if (!tall) out.push(`${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') || el.textContent.trim() || el.id}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      return out;
    });
    expect(small, `small targets on ${path}`).toEqual([]);
  }
});

test('at 200% text on a 320 px wide screen nothing scrolls sideways and a check-in can be saved', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => (document.documentElement.style.fontSize = '200%'));
  });
  for (const path of ALL_PATHS) {
    await page.goto(baseURL + path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
  }
  await page.goto(baseURL + '/');
  await page.getByRole('textbox', { name: 'How I feel', exact: true }).fill('Big text, still fine');
  await page.getByRole('button', { name: 'Save check-in' }).click();
  await expect(page.getByText(/^Saved at/).last()).toBeVisible();
  await expect(helpLink(page)).toBeVisible();
  await context.close();
});

test('with no storage at all, the app says so, keeps the words on screen, and help still works', async ({ page, baseURL }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { get: () => undefined, configurable: true });
  });
  await page.goto(baseURL + '/');
  await expect(page.getByRole('alert').filter({ hasText: "won't let Tandem save" }).first()).toBeVisible();
  const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
  await feel.fill('Still typing even so');
  await expect(feel).toHaveValue('Still typing even so');
  await page.getByRole('button', { name: 'Save check-in' }).click();
  await expect(feel).toHaveValue('Still typing even so');
  await helpLink(page).click();
  await expect(page.getByRole('link', { name: 'Call 988' })).toHaveAttribute('href', 'tel:988');
});

test('when the device is full, the message says so and nothing typed is lost', async ({ page, baseURL }) => {
  await page.goto(baseURL + '/');
  const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
  await expect(feel).toBeEnabled();
  // From now on every write fails as a full disk does.
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await feel.pressSequentially('words that cannot be stored');
  await expect(page.getByRole('alert').filter({ hasText: 'out of storage space' }).first()).toBeVisible();
  await expect(feel).toHaveValue('words that cannot be stored');
  await page.getByRole('button', { name: 'Save check-in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'out of storage space' }).first()).toBeVisible();
  await expect(feel).toHaveValue('words that cannot be stored');
});

test('the mood form keeps its draft (score, emotions, tags, note) through a reload', async ({ page, baseURL }) => {
  await page.goto(baseURL + '/mood');
  await page.getByRole('slider', { name: 'Mood' }).fill('3');
  await page.getByRole('checkbox', { name: 'anxious', exact: true }).check();
  await page.getByRole('checkbox', { name: 'craving', exact: true }).check();
  await page.getByRole('textbox', { name: 'Add your own tag' }).fill('half-typed tag');
  await page.getByRole('textbox', { name: 'Note' }).fill('A hard afternoon');
  await expect(page.getByText('Not saved yet — draft kept on this device')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('slider', { name: 'Mood' })).toHaveValue('3');
  await expect(page.getByRole('checkbox', { name: 'anxious', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'craving', exact: true })).toBeChecked();
  await expect(page.getByRole('textbox', { name: 'Add your own tag' })).toHaveValue('half-typed tag');
  await expect(page.getByRole('textbox', { name: 'Note' })).toHaveValue('A hard afternoon');
  // Saving clears the form and the draft; the chart's other spans and the tag table show it.
  await page.getByRole('button', { name: 'Save mood' }).click();
  await expect(page.getByRole('textbox', { name: 'Note' })).toHaveValue('');
  await page.getByRole('button', { name: '30 days' }).click();
  await expect(page.getByText(/^Last 30 days: 1 entry on 1 day\. Average mood 3 out of 10\./)).toBeVisible();
  await expect(page.getByRole('table', { name: /Average mood by tag/ }).getByRole('rowheader', { name: 'craving' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Note' })).toHaveValue('');
  // Direct items only: each entry's tags are a list of their own.
  await expect(page.getByRole('list', { name: 'Mood history' }).locator(':scope > li')).toHaveCount(1);
});

test("one check-in per day: saving again edits today's, and the history lists it once", async ({ page, baseURL }) => {
  await page.goto(baseURL + '/');
  const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
  await feel.fill('Morning: shaky');
  await page.getByRole('button', { name: 'Save check-in' }).click();
  await expect(page.getByText(/^Saved at/).last()).toBeVisible();
  await feel.fill('Evening: steadier');
  await expect(page.getByText('Not saved yet — draft kept on this device')).toBeVisible();
  await page.getByRole('button', { name: 'Save check-in' }).click();
  await expect(page.getByText(/^Saved at/).last()).toBeVisible();
  await page.reload();
  await expect(feel).toHaveValue('Evening: steadier');
  const history = page.getByRole('list', { name: 'Check-in history' }).locator(':scope > li');
  await expect(history).toHaveCount(1);
  await expect(history.first()).toContainText('Evening: steadier');
  await expect(history.first()).toContainText('Private — only you');
});
