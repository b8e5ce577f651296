// Shared constants and helpers for the journeys (not a test file: the specs are *.spec.mjs).
import { chromium, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.mjs';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

const here = dirname(fileURLToPath(import.meta.url));

/** The release build the journeys run against (`bash scripts/build.sh` at the repo root), or $TANDEM_DIST. */
export const DIST = resolve(process.env.TANDEM_DIST || resolve(here, '..', '..', 'dist'));

/** Every screen of the app, with the path it lives at. */
export const SCREENS = [
  { name: 'Today', path: '/' },
  { name: 'Mood', path: '/mood' },
  { name: 'Goals', path: '/goals' },
  { name: 'My values', path: '/values' },
  { name: 'Partner questionnaire', path: '/partner/questionnaire' },
  { name: 'Ask for a different partner', path: '/partner/change' },
  { name: 'Facilitator', path: '/facilitator' },
  { name: 'Groups', path: '/facilitator/groups' },
  { name: 'My safety plan', path: '/plan' },
  { name: 'Partner', path: '/partner' },
  { name: 'Group', path: '/group' },
  { name: 'Help', path: '/help' },
  { name: 'Settings', path: '/settings' },
];

/** A path no route matches. */
export const NOT_FOUND_PATH = '/this-page-does-not-exist';

/** Collects console errors and uncaught page errors from the moment it is called. */
export function collectProblems(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/** The one-tap crisis link every screen carries. */
export function helpLink(page) {
  return page.getByRole('link', { name: 'Get help now', exact: true });
}

/**
 * Waits until a service worker controls the page (the first install claims it), reloading once if needed, and
 * returns the name of the worker's cache. The controller is only set after install finished precaching.
 */
export async function waitForController(page) {
  const controlled = () =>
    page
      .waitForFunction(() => 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null, null, {
        timeout: 15_000,
      })
      .then(
        () => true,
        () => false
      );
  if (!(await controlled())) {
    await page.reload();
    if (!(await controlled())) throw new Error('no service worker took control of the page, even after a reload');
  }
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const keys = await page.evaluate(() => caches.keys());
  const tandem = keys.filter((k) => k.startsWith('tandem-'));
  expect(tandem, 'exactly one tandem cache after the first install').toHaveLength(1);
  return tandem[0];
}

/** The crisis lines the Help screen must offer, with a check of each link's target. */
export const CRISIS_LINKS = [
  { name: 'Call 988', href: (h) => h === 'tel:988' },
  { name: 'Text 988', href: (h) => h === 'sms:988' },
  { name: 'Call 9-8-8', href: (h) => /^tel:/.test(h) && digits(h).endsWith('988') },
  { name: 'Text 9-8-8', href: (h) => /^sms:/.test(h) && digits(h).endsWith('988') },
  { name: 'Call Samaritans 116 123', href: (h) => /^tel:/.test(h) && digits(h).endsWith('116123') },
  { name: 'Call Lifeline 13 11 14', href: (h) => /^tel:/.test(h) && digits(h).endsWith('131114') },
  { name: 'Text HOME to 741741', href: (h) => /^sms:\+?1?741741(?:[?&;].*)?$/.test(h) },
  {
    name: 'Find a helpline at findahelpline.com',
    href: (h) => /^https:\/\/(www\.)?findahelpline\.com(\/|$)/.test(h),
  },
];

function digits(href) {
  return href.replace(/^[a-z]+:/, '').replace(/[?;].*$/, '').replace(/\D/g, '');
}

/** Asserts the Help screen shows every crisis line as a working tel:/sms:/https: link. */
export async function expectCrisisLinks(page) {
  for (const { name, href } of CRISIS_LINKS) {
    const link = page.getByRole('link', { name, exact: true });
    await expect(link, `link "${name}"`).toBeVisible();
    const value = await link.getAttribute('href');
    expect(href(value ?? ''), `href of "${name}" is ${JSON.stringify(value)}`).toBe(true);
  }
}

/**
 * Launches the system Chromium as a separate process (so a test can SIGKILL it) and connects over CDP.
 * Same flags as the config, plus headless, a DevTools port chosen by Chromium and the given profile directory.
 */
export async function launchChromium(userDataDir) {
  const proc = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      '--headless=new',
      '--remote-debugging-port=0',
      '--remote-debugging-address=127.0.0.1',
      `--user-data-dir=${userDataDir}`,
      '--window-size=412,839',
      'about:blank',
    ],
    // Its own process group, so the renderers left behind after the kill can be reaped by group id.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true }
  );
  let stderr = '';
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  const wsEndpoint = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`Chromium gave no DevTools endpoint:\n${stderr}`)), 30_000);
    proc.stderr.on('data', (chunk) => {
      if (stderr.length < 64_000) stderr += chunk;
      const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`Chromium exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });
  const browser = await chromium.connectOverCDP(wsEndpoint);
  const reapGroup = () => {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    proc,
    browser,
    async page() {
      const context = browser.contexts()[0];
      return context.pages()[0] ?? context.newPage();
    },
    /** Kills the browser process outright (no shutdown, no flush), waits for it to die, then reaps its children. */
    async kill() {
      proc.kill('SIGKILL');
      const result = await exited;
      reapGroup();
      return result;
    },
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        await browser.close().catch(() => {});
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
      reapGroup();
    },
  };
}

/** axe-core on the page as it is: no violation of "serious" or "critical" impact. */
export async function noSeriousAxe(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
