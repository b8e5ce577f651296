// axe-core on every screen, light and dark: no violation with impact "serious" or "critical".
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { NOT_FOUND_PATH, SCREENS, helpLink } from './support.mjs';

const PAGES = [...SCREENS, { name: 'Not found', path: NOT_FOUND_PATH }];

function describe(violations) {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes
          .slice(0, 8)
          .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`)
          .join('\n')
    )
    .join('\n');
}

/** Saves one mood on /mood so that its history and chart render. */
async function saveOneMood(page) {
  await page.goto('/mood');
  await page.getByRole('slider', { name: 'Mood', exact: true }).fill('6');
  await page.getByRole('textbox', { name: 'Note', exact: true }).fill('A steady day');
  await page.getByRole('button', { name: 'Save mood', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Mood history', exact: true }).getByRole('listitem').first()).toBeVisible();
}

for (const colorScheme of ['light', 'dark']) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    for (const { name, path } of PAGES) {
      test(`${name} (${path}) has no serious or critical axe violations`, async ({ page }, testInfo) => {
        if (path === '/mood') await saveOneMood(page);
        await page.goto(path);
        await expect(helpLink(page)).toBeVisible();
        expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
          colorScheme === 'dark'
        );
        if (path === '/mood') {
          await expect(page.getByRole('list', { name: 'Mood history', exact: true })).toBeVisible();
          await expect(page.getByText(/^\s*Last 7 days:/)).toBeVisible();
        }

        const results = await new AxeBuilder({ page }).analyze();
        if (results.violations.length > 0) {
          const report = describe(results.violations);
          console.log(`axe on ${path} (${colorScheme}):\n${report}`);
          await testInfo.attach('axe-violations', { body: report, contentType: 'text/plain' });
        }
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious, describe(serious)).toEqual([]);
      });
    }
  });
}
