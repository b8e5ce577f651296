// The local sync backend the Playwright config starts (end2end/backend/server.mjs) and helpers for specs that talk
// to it (not a test file: the specs are *.spec.mjs).
import { expect, request, test as base } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { DEFAULT_ADMIN } from '../backend/defaults.mjs';
import { provisionUser } from '../backend/provision.mjs';

export const BACKEND_URL = process.env.TANDEM_E2E_BACKEND_URL;
if (!BACKEND_URL) throw new Error('TANDEM_E2E_BACKEND_URL is unset: run the specs through playwright.config.mjs');

export const ADMIN = DEFAULT_ADMIN;

/** `Authorization` header for HTTP basic auth. */
export function basicAuth({ name, password }) {
  return { Authorization: `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}` };
}

/** Provisions a user with a unique name (so tests never share accounts) and resolves to {name, password, db}. */
export async function freshUser(label = 'user') {
  const name = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const db = await provisionUser(BACKEND_URL, ADMIN, name, password);
  return { name, password, db };
}

/**
 * `test` with an `as` fixture: `await as(who)` is a request context on the backend as `who` ({name, password}, over
 * basic auth) or anonymous with null, with its own cookie jar; disposed after the test.
 */
export const test = base.extend({
  as: async ({}, use) => {
    const made = [];
    await use(async (who) => {
      const context = await request.newContext({ baseURL: BACKEND_URL, extraHTTPHeaders: who ? basicAuth(who) : {} });
      made.push(context);
      return context;
    });
    await Promise.all(made.map((context) => context.dispose()));
  },
});

/** Signs `page` in on Settings as {name, password} and waits for the first sync to finish. */
export async function signIn(page, { name, password }) {
  await page.goto('/settings');
  await page.getByRole('textbox', { name: 'Server address', exact: true }).fill(BACKEND_URL);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Synced/ })).toBeVisible();
}
