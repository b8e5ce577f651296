// Playwright journeys for Tandem. Run from end2end/ after `bash scripts/build.sh` at the repo root:
//   cd end2end && npx playwright test            (or: npm test; TANDEM_DIST=/other/dist to test another build)
// Uses the system Chromium (never `npx playwright install`) and talks only to 127.0.0.1.
import { defineConfig } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');

// The build to serve: dist/ at the repo root, or another `bash scripts/build.sh DIR` output via TANDEM_DIST.
const DIST = resolve(process.env.TANDEM_DIST || resolve(repoRoot, 'dist'));
const PORT = Number(process.env.TANDEM_E2E_PORT || 47181);   // another port lets two runs share a machine
const BASE_URL = `http://127.0.0.1:${PORT}`;
// The local sync backend (end2end/backend/server.mjs, default admin) for the specs that need a server; the specs
// read its address from TANDEM_E2E_BACKEND_URL (tests/backend.mjs). By default the port after the app's (47182),
// so a second run with another TANDEM_E2E_PORT gets its own backend too.
const BACKEND_PORT = Number(process.env.TANDEM_E2E_BACKEND_PORT || PORT + 1);
const BACKEND_URL = `http://127.0.0.1:${BACKEND_PORT}`;
process.env.TANDEM_E2E_BACKEND_URL = BACKEND_URL;

// Phone-sized: a mid-range Android phone's screen (Pixel 7 metrics), touch and mobile viewport rules.
const phone = {
  viewport: { width: 412, height: 839 },
  deviceScaleFactor: 2.625,
  isMobile: true,
  hasTouch: true,
};

export default defineConfig({
  testDir: resolve(here, 'tests'),
  outputDir: resolve(here, 'test-results'),
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    ...phone,
    locale: 'en-US',
    timezoneId: 'America/Chicago',
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `node end2end/serve.mjs --port ${PORT} --dir ${JSON.stringify(DIST)}`,
      cwd: repoRoot,
      url: `${BASE_URL}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // CORS for the app's origin even when TANDEM_E2E_PORT moves it off the default 47181.
      command: `node end2end/backend/server.mjs --port ${BACKEND_PORT} --cors-origin ${BASE_URL}`,
      cwd: repoRoot,
      url: `${BACKEND_URL}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 }, // lets it remove its temp dir (default: SIGKILL)
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
