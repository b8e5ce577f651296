// Keystroke → durable draft: types into "How I feel" one key at a time on a 4×-throttled CPU and prints, from the
// app's `tandem:draft-durable` measures (input event → IndexedDB transaction complete), count, p50/p95/p99/max.
// Usage: node end2end/bench/keystroke.mjs   (needs dist/ from scripts/build.sh)
import { howIFeel, launchChromium, serveDist, throttle } from './browser.mjs';
import { header, ms, percentile } from './lib.mjs';

const TEXT = 'Slept badly but the morning walk helped; group was hard today and I said so out loud. '.repeat(4)
  .slice(0, 260);
const KEY_PAUSE_MS = 50; // each key is its own input event, as when a person types

header('keystroke → durable draft (4× CPU throttling)');
const server = await serveDist();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await throttle(page);
  await page.goto(`${server.url}/`);
  const box = await howIFeel(page);
  await box.press('Control+End'); // after any restored draft
  const before = (await box.inputValue()).length;
  await box.pressSequentially(TEXT, { delay: KEY_PAUSE_MS });
  const typed = (await box.inputValue()).length - before;

  // The last transactions may still be committing: wait (up to 10 s) for one measure per keystroke.
  const count = () => page.evaluate(() => performance.getEntriesByName('tandem:draft-durable').length);
  for (const end = Date.now() + 10_000; (await count()) < typed && Date.now() < end;) await page.waitForTimeout(100);
  const d = (await page.evaluate(() => performance.getEntriesByName('tandem:draft-durable').map((e) => e.duration)))
    .sort((a, b) => a - b);
  if (d.length === 0) throw new Error('the app recorded no tandem:draft-durable measures');

  console.log(`keys typed: ${typed} (${KEY_PAUSE_MS} ms apart), measures: ${d.length}`);
  console.log(`p50 ${ms(percentile(d, 50))} | p95 ${ms(percentile(d, 95))} | p99 ${ms(percentile(d, 99))}` +
    ` | max ${ms(d.at(-1))} | target p95 ≤ 16 ms`);
} finally {
  await browser.close();
  await server.close();
}
