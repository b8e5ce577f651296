// Browser helpers for the timing benchmarks: dist/ on 127.0.0.1, the system Chromium, CPU throttling.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.mjs';
import { startServer } from '../serve.mjs';
import { DIST } from './lib.mjs';

/** dist/ served on 127.0.0.1 at a free port: `{ url, close() }` (url ends without a slash). */
export function serveDist() {
  return startServer({ dir: DIST, port: 0 });
}

/** Headless Debian Chromium (never a Playwright-downloaded one), flagged as in the Playwright journeys. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Slows the page's CPU down `rate` times (DevTools' "4× slowdown"), like a low-end phone. */
export async function throttle(page, rate = 4) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/** The Today screen's first check-in field, once it is enabled (a click waits for that). */
export async function howIFeel(page, timeout = 30_000) {
  const box = page.getByRole('textbox', { name: 'How I feel' });
  try {
    await box.click({ timeout });
  } catch (e) {
    throw new Error(`no enabled textbox "How I feel" on ${page.url()} after ${timeout} ms: ${e.message}`);
  }
  return box;
}
