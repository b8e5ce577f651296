// A save the rules refuse takes the person to the first thing to fix, marked aria-invalid and described by
// its problem, in every form (the Mood form, the goal form and the questionnaire: mood.spec and shell.spec;
// the group and partner forms: groups.spec and partner.spec).
import { test, expect } from '@playwright/test';

/** Expects `field` to have focus, be marked invalid and be described by words matching `problem`. */
async function expectToFix(field, problem) {
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(problem);
  await expect(field).toBeInViewport();
}

test('Today: the check-in, the quick mood and the sober-since day take the person to what to fix', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Save check-in', exact: true }).click();
  const feel = page.getByRole('textbox', { name: 'How I feel', exact: true });
  await expectToFix(feel, /A few words are enough\..*Write at least one line/);
  // Writing and saving clears the mark.
  await feel.fill('Calmer than yesterday');
  await page.getByRole('button', { name: 'Save check-in', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved at/ }).first()).toBeVisible();
  await expect(feel).not.toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('button', { name: 'Save mood', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Choose a mood from 1 to 10 first.' })).toBeVisible();
  const quick = page.getByRole('group', { name: 'Quick mood', exact: true });
  await expect(quick).toBeFocused();
  await expect(quick).toHaveAccessibleDescription('Choose a mood from 1 to 10 first.');

  await page.getByRole('button', { name: 'Save date', exact: true }).click();
  await expectToFix(page.getByLabel('Sober since', { exact: true }), /The day you count from\..*Pick the day you count from\./);
});

test('My safety plan: a step too long to keep takes the person to that step', async ({ page }) => {
  await page.goto('/plan');
  const coping = page.getByRole('textbox', { name: 'Things I can do on my own', exact: true });
  await page.getByRole('textbox', { name: 'My warning signs', exact: true }).fill('Not sleeping');
  await coping.fill('x'.repeat(2001));
  await page.getByRole('textbox', { name: 'My reasons for living', exact: true }).focus();
  await page.getByRole('button', { name: 'Save plan', exact: true }).click();
  await expectToFix(coping, /Things I can do on my own is 2001 characters long/);
  await expect(page.getByRole('textbox', { name: 'My warning signs', exact: true })).not.toHaveAttribute('aria-invalid', 'true');
});

test('the weekly review takes the person to the first goal to answer, then to the answer too long to keep', async ({ page }) => {
  await page.goto('/goals');
  for (const title of ['Walk every morning', 'Call my sister']) {
    await page.getByRole('button', { name: 'New goal', exact: true }).click();
    await page.getByRole('textbox', { name: 'Goal title', exact: true }).fill(title);
    await page.getByRole('button', { name: 'Save goal', exact: true }).click();
    await expect(page.getByRole('button', { name: 'New goal', exact: true })).toBeFocused();
  }
  const review = page.getByRole('region', { name: 'Weekly review', exact: true });
  await review.getByRole('button', { name: 'Save review', exact: true }).click();
  const first = review.getByRole('group', { name: 'Walk every morning', exact: true });
  const outcome = first.getByRole('group', { name: 'How did it go?', exact: true });
  await expect(outcome).toBeFocused();
  await expect(outcome).toHaveAccessibleDescription(/Say how at least one goal went/);

  const second = review.getByRole('group', { name: 'Call my sister', exact: true });
  await second.getByRole('radio', { name: 'Done', exact: true }).check();
  await second.getByRole('textbox', { name: 'What helped', exact: true }).fill('x'.repeat(1001));
  await review.getByRole('button', { name: 'Save review', exact: true }).click();
  await expectToFix(second.getByRole('textbox', { name: 'What helped', exact: true }), /What helped is 1001 characters long/);
  await expect(first.getByRole('textbox', { name: 'What helped', exact: true })).not.toHaveAttribute('aria-invalid', 'true');
});

test('Settings: signing in with something missing takes the person to it', async ({ page }) => {
  await page.goto('/settings');
  const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
  await signIn.click();
  await expectToFix(page.getByRole('textbox', { name: 'Server address', exact: true }), /starting with https:\/\//);
  await page.getByRole('textbox', { name: 'Server address', exact: true }).fill('http://127.0.0.1:9');
  await signIn.click();
  await expectToFix(page.getByRole('textbox', { name: 'Username', exact: true }), 'Enter your username and password.');
  await expect(page.getByRole('textbox', { name: 'Server address', exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('alex');
  await signIn.click();
  await expectToFix(page.getByLabel('Password', { exact: true }), 'Enter your username and password.');
});

test('"Ask for a different partner": a reason too long to keep takes the person to it', async ({ page }) => {
  await page.goto('/partner/change');
  const reason = page.getByRole('textbox', { name: 'Reason (optional)', exact: true });
  await reason.fill('x'.repeat(1001));
  await page.getByRole('button', { name: 'Send request', exact: true }).click();
  await expectToFix(reason, /Your reason is 1001 characters long/);
});
