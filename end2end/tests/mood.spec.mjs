// Logging a mood on /mood: scale, emotions, tags (listed and my own), note; history, reload, 7-day summary.
import { test, expect } from '@playwright/test';

/** The visible text summary of the chart, e.g. "Last 7 days: …". */
function chartSummary(page) {
  return page.getByText(/^\s*Last 7 days:/);
}

function history(page) {
  return page.getByRole('list', { name: 'Mood history', exact: true });
}

test('log a mood with an emotion, tags, my own tag and a note', async ({ page }) => {
  const note = `Walked by the river after group ${Date.now()}`;
  await page.goto('/mood');

  const slider = page.getByRole('slider', { name: 'Mood', exact: true });
  await slider.fill('7');
  await expect(slider).toHaveValue('7');

  const grateful = page.getByRole('checkbox', { name: /^grateful$/i });
  await grateful.check();
  await expect(grateful).toBeChecked();
  const sleep = page.getByRole('checkbox', { name: /^sleep$/i });
  await sleep.check();
  await expect(sleep).toBeChecked();

  const ownTag = page.getByRole('textbox', { name: 'Add your own tag', exact: true });
  await ownTag.fill('long walk');
  await page.getByRole('button', { name: 'Add tag', exact: true }).click();
  // The new tag is shown on the form (as text, not only as the textbox's value).
  await expect(page.getByText('long walk', { exact: false }).first()).toBeVisible();

  await page.getByRole('textbox', { name: 'Note', exact: true }).fill(note);
  await page.getByRole('button', { name: 'Save mood', exact: true }).click();

  const expectFirstEntry = async () => {
    const first = history(page).getByRole('listitem').first();
    await expect(first).toContainText(note);
    await expect(first).toContainText(/\b7\b/, { useInnerText: true });
    await expect(first).toContainText(/grateful/i);
    await expect(first).toContainText('Private — only you');
  };
  await expectFirstEntry();

  // The chart's text summary mentions the new entry (its value 7, or a count of one entry).
  const summary = chartSummary(page);
  await expect(summary).toBeVisible();
  await expect(summary).toHaveText(/^\s*Last 7 days:.*(\b7\b|\b(1|one) (entry|mood|check-in|day)\b)/is, { useInnerText: true });

  // Still there after a reload (stored on the device).
  await page.reload();
  await expectFirstEntry();
  await expect(chartSummary(page)).toHaveText(/^\s*Last 7 days:.*(\b7\b|\b(1|one) (entry|mood|check-in|day)\b)/is, { useInnerText: true });

  // A newer entry goes on top: the list is newest first.
  const later = `Quiet evening ${Date.now()}`;
  await page.getByRole('slider', { name: 'Mood', exact: true }).fill('4');
  await page.getByRole('textbox', { name: 'Note', exact: true }).fill(later);
  await page.getByRole('button', { name: 'Save mood', exact: true }).click();
  await expect(history(page).getByRole('listitem').first()).toContainText(later);
  await expect(history(page).getByRole('listitem').filter({ hasText: note })).toHaveCount(1);
});

test('"Save mood" with no mood chosen takes the person to the Mood slider and marks it', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/mood');
  const mood = page.getByRole('slider', { name: 'Mood', exact: true });
  await expect(mood).toHaveAttribute('aria-valuetext', 'Not chosen yet — move the slider');
  await page.getByRole('textbox', { name: 'Note', exact: true }).fill('Long day');
  await page.getByRole('button', { name: 'Save mood', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Choose a mood from 1 to 10 first.' })).toBeVisible();
  await expect(mood).toBeFocused();
  await expect(mood).toHaveAttribute('aria-invalid', 'true');
  await expect(mood).toBeInViewport();
  // Choosing one clears the mark; the note typed meanwhile is still there.
  await mood.press('ArrowRight');
  await expect(mood).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Note', exact: true })).toHaveValue('Long day');
});
