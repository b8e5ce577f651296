// Cold start from the service-worker cache, 4× CPU throttling: after one online visit fills the SW cache, the
// server is stopped and a new page opens "/" five times; each run prints the app's `tandem:today-ready` mark (ms
// from navigation start until Today's check-in fields are enabled with any draft restored), then the median.
// Usage: node end2end/bench/coldstart.mjs   (needs dist/ from scripts/build.sh)
import { readdirSync } from 'node:fs';
import { howIFeel, launchChromium, serveDist, throttle } from './browser.mjs';
import { DIST, header, ms, percentile } from './lib.mjs';

const RUNS = 5;
// What the service worker must have cached before going offline: the app shell "/", its code and styles.
const appFiles = ['', ...readdirSync(DIST).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js')];

header(`cold start from the service-worker cache (4× CPU throttling, ${RUNS} runs)`);
const server = await serveDist();
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.goto(`${server.url}/`);
  const waitFor = (what, fn, arg) => first.waitForFunction(fn, arg, { timeout: 30_000, polling: 200 })
    .catch((e) => { throw new Error(`first visit: ${what} within 30 s: ${e.message}`); });
  await waitFor('no service worker became active', () => navigator.serviceWorker.ready.then(() => true));
  if (!(await first.evaluate(() => !!navigator.serviceWorker.controller))) await first.reload();
  await waitFor('the service worker did not take control', () => !!navigator.serviceWorker.controller);
  await waitFor(`the service worker did not cache /${appFiles.join(', /')}`, async (files) => {
    for (const f of files) if (!(await caches.match(`/${f}`))) return false;
    return true;
  }, appFiles);
  await first.close();
  await server.close(); // from here on, everything must come from the service worker's cache

  const times = [];
  for (let run = 1; run <= RUNS; run++) {
    const page = await context.newPage();
    await throttle(page);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => performance.getEntriesByName('tandem:today-ready', 'mark').length, null,
      { timeout: 60_000 });
    const t = await page.evaluate(() => performance.getEntriesByName('tandem:today-ready', 'mark')[0].startTime);
    const box = await howIFeel(page);
    await box.press('Control+End'); // after the restored draft
    const before = await box.inputValue();
    await box.press('x');
    const typedOk = (await box.inputValue()) === `${before}x`;
    console.log(`run ${run}: today-ready ${ms(t)}${typedOk ? '' : ' (typing into "How I feel" did NOT work)'}`);
    if (!typedOk) process.exitCode = 1;
    times.push(t);
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`median ${ms(percentile(times, 50))} | target ≤ 1000 ms`);
} finally {
  await browser.close();
  await server.close();
}
