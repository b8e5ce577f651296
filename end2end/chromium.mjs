// The system Chromium and the flags every journey launches it with (no network beyond 127.0.0.1, no GPU).
// Never `npx playwright install`: Playwright drives /usr/bin/chromium.
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
