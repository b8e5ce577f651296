// Today's check-in: the draft is kept on the device as you type, through a reload and through a killed browser.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './support.mjs';

const DRAFT_KEPT = 'Not saved yet — draft kept on this device';

function fields(page) {
  return {
    feel: page.getByRole('textbox', { name: 'How I feel', exact: true }),
    win: page.getByRole('textbox', { name: 'A win', exact: true }),
    challenge: page.getByRole('textbox', { name: 'A challenge', exact: true }),
  };
}

function words(tag) {
  return {
    feel: `Tired but hopeful ${tag}`,
    win: `Went to my morning group ${tag}`,
    challenge: `Cravings around 5pm ${tag}`,
  };
}

/** Types like a person (one key at a time: the draft is saved on every keystroke). */
async function typeDraft(page, text) {
  const f = fields(page);
  await f.feel.pressSequentially(text.feel);
  await f.win.pressSequentially(text.win);
  await f.challenge.pressSequentially(text.challenge);
}

async function expectDraft(page, text) {
  const f = fields(page);
  await expect(f.feel).toHaveValue(text.feel);
  await expect(f.win).toHaveValue(text.win);
  await expect(f.challenge).toHaveValue(text.challenge);
}

test('a check-in draft survives a reload', async ({ page }) => {
  const text = words(`r${Date.now()}`);
  await page.goto('/');
  await typeDraft(page, text);
  await expect(page.getByText(DRAFT_KEPT).first()).toBeVisible();
  await page.reload();
  await expectDraft(page, text);
  await expect(page.getByText(DRAFT_KEPT).first()).toBeVisible();
});

test('a check-in draft survives a killed browser, then saves', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const userDataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-profile-'));
  const text = words(`k${Date.now()}`);
  let run = await launchChromium(userDataDir);
  try {
    let page = await run.page();
    await page.goto(new URL('/', baseURL).href);
    await typeDraft(page, text);
    await expect(page.getByText(DRAFT_KEPT).first()).toBeVisible();
    // Every keystroke's write has completed (each records a `tandem:draft-durable` measure): a kill a moment
    // after the last key could otherwise beat that key's own write, which no app can keep.
    const keys = text.feel.length + text.win.length + text.challenge.length;
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('tandem:draft-durable').length)).toBeGreaterThanOrEqual(keys);

    // No clean shutdown: SIGKILL the browser process, as the OS would when it is out of memory.
    const died = await run.kill();
    expect(died.signal).toBe('SIGKILL');

    run = await launchChromium(userDataDir); // the same profile
    page = await run.page();
    await page.goto(new URL('/', baseURL).href);
    await expectDraft(page, text);

    await page.getByRole('button', { name: 'Save check-in', exact: true }).click();
    await expect(page.getByText(/^\s*Saved\b/).first()).toBeVisible();
    await expect(page.getByText(DRAFT_KEPT)).toHaveCount(0);
    // Listed among today's check-ins.
    await expect(page.getByRole('listitem').filter({ hasText: text.feel }).first()).toBeVisible();
  } finally {
    await run.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
