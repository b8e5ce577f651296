// Goals: values, a goal through the board by keyboard only and by drag, the weekly review, carry-over — all still
// there after a reload and offline. Milestones on Today. The clock is set so weeks are known (America/Chicago).
import { test, expect } from '@playwright/test';
import { noSeriousAxe, waitForController } from './support.mjs';

const WED = new Date('2026-11-18T10:00:00-06:00'); // week of Mon 16 – Sun 22 Nov
const NEXT_TUE = new Date('2026-11-24T09:00:00-06:00'); // week of Mon 23 – Sun 29 Nov

const column = (page, name) => page.getByRole('list', { name, exact: true });
const card = (page, title) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

async function newGoal(page, { title, why, audience, steps }) {
  await page.getByRole('button', { name: 'New goal', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Goal title', exact: true })).toBeFocused();
  await page.getByRole('textbox', { name: 'Goal title', exact: true }).fill(title);
  await page.getByRole('combobox', { name: 'Why it matters', exact: true }).selectOption(why);
  if (steps) await page.getByRole('textbox', { name: 'Steps (optional, one per line)', exact: true }).fill(steps);
  await page.getByRole('combobox', { name: 'Due day', exact: true }).selectOption({ label: 'Fri 20 Nov' });
  await page.getByRole('radio', { name: audience, exact: true }).check();
  await page.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(card(page, title)).toBeVisible();
}

test('values, a goal moved by keyboard and by drag, the weekly review and carry-over survive reload and offline', async ({
  page,
  context,
}) => {
  await page.clock.setFixedTime(WED);
  await page.goto('/values');
  await waitForController(page);

  // Values: choose two, add one's own, rank them.
  await page.getByRole('checkbox', { name: 'health', exact: true }).check();
  await page.getByRole('checkbox', { name: 'family', exact: true }).check();
  await page.getByRole('textbox', { name: 'Add your own value', exact: true }).fill('Sobriety');
  await page.getByRole('button', { name: 'Add value', exact: true }).click();
  await page.getByRole('button', { name: 'Move family up', exact: true }).click();
  const ranking = page.getByRole('list', { name: 'In order of importance', exact: true }).getByRole('listitem');
  await expect(ranking).toHaveText([/family/, /health/, /sobriety/]);
  await page.getByRole('button', { name: 'Save values', exact: true }).click();
  await expect(page.getByText(/^Saved/).first()).toBeVisible();

  await page.getByRole('link', { name: 'Back to Goals', exact: true }).click();
  await expect(page.getByText('This week: 16–22 Nov')).toBeVisible();
  await newGoal(page, { title: 'Call my sister', why: 'family', audience: 'My partner', steps: 'find her number\ncall after work' });
  await newGoal(page, { title: 'Walk three times', why: 'health', audience: 'Only me' });
  await expect(column(page, 'This week').getByRole('listitem').filter({ hasText: 'Call my sister' })).toHaveCount(1);
  await expect(card(page, 'Call my sister')).toContainText('Why: family');
  await expect(card(page, 'Call my sister')).toContainText('Due Fri 20 Nov');

  // Keyboard only: focus the button, Enter; the card keeps focus in its new column; Tab to the next move.
  // Each card's buttons say which goal they move (their description), not only "Move to Doing".
  await expect(card(page, 'Call my sister').getByRole('button', { name: 'Move to Doing', exact: true })).toHaveAccessibleDescription('Call my sister');
  await expect(card(page, 'Call my sister').getByRole('button', { name: 'Edit', exact: true })).toHaveAccessibleDescription('Call my sister');
  await card(page, 'Call my sister').getByRole('button', { name: 'Move to Doing', exact: true }).focus();
  await page.keyboard.press('Enter');
  const sister = column(page, 'Doing').getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Call my sister' }) });
  await expect(sister).toBeVisible();
  await expect(sister).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(sister.getByRole('button', { name: 'Move to Done', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(column(page, 'Done').getByRole('listitem').filter({ hasText: 'Call my sister' })).toHaveCount(1);

  // Drag by the handle (pointer events) into Doing, then back with a button.
  const handle = card(page, 'Walk three times').locator('[aria-hidden="true"][title="Drag to another column"]');
  await page.locator('[data-column="doing"]').scrollIntoViewIfNeeded();
  await handle.scrollIntoViewIfNeeded();
  const from = await handle.boundingBox();
  const doing = await page.locator('[data-column="doing"]').boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(doing.x + doing.width / 2, doing.y + 20, { steps: 8 });
  await page.mouse.up();
  await expect(column(page, 'Doing').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await noSeriousAxe(page);

  // A reload shows the board as it was.
  await page.reload();
  await expect(column(page, 'Done').getByRole('listitem').filter({ hasText: 'Call my sister' })).toHaveCount(1);
  await expect(column(page, 'Doing').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);

  // Next week, offline: last week waits for its review; carry the unfinished goal over with one tap.
  await context.setOffline(true);
  await page.clock.setFixedTime(NEXT_TUE);
  await page.reload();
  await expect(page.getByText('This week: 23–29 Nov')).toBeVisible();
  const review = page.getByRole('region', { name: 'Weekly review', exact: true });
  await expect(review).toContainText('Week of 16–22 Nov — not reviewed yet');
  const sisterReview = review.getByRole('group', { name: 'Call my sister', exact: true });
  await expect(sisterReview.getByRole('radio', { name: 'Done', exact: true })).toBeChecked();
  await sisterReview.getByRole('textbox', { name: 'What helped', exact: true }).fill('Texting her first');
  const walkReview = review.getByRole('group', { name: 'Walk three times', exact: true });
  await walkReview.getByRole('radio', { name: 'Partly', exact: true }).check();
  await walkReview.getByRole('textbox', { name: 'What got in the way', exact: true }).fill('Rain, and a long shift');
  // Last week is over: the button says where the goal goes.
  await expect(walkReview.getByRole('button', { name: 'Carry over to next week', exact: true })).toHaveAccessibleDescription('Last week is over, so it goes into this week, 23–29 Nov.');
  await walkReview.getByRole('button', { name: 'Carry over to next week', exact: true }).click();
  await expect(walkReview).toContainText('Carried over to 23–29 Nov.');
  await expect(column(page, 'Carried over').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await expect(sisterReview.getByRole('button', { name: 'Carry over to next week' })).toHaveCount(0);
  await review.getByRole('button', { name: 'Save review', exact: true }).click();
  // Reviewed: the review moves on to this week, which holds the carried goal.
  await expect(review).toContainText('This week, 23–29 Nov');
  await expect(review.getByRole('group', { name: 'Walk three times', exact: true })).toBeVisible();

  // After a reload, still offline: the carried goal, and the saved review (back in last week's answers).
  await page.reload();
  await expect(column(page, 'Carried over').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await expect(column(page, 'Carried over').getByRole('listitem').first()).toContainText('Due Fri 27 Nov');
  const carried = card(page, 'Walk three times');
  await carried.getByRole('button', { name: 'Move to Doing', exact: true }).click();
  await expect(column(page, 'Doing').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await noSeriousAxe(page);
  const stored = await page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('tandem');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const docs = await new Promise((ok, fail) => {
      const r = db.transaction('docs').objectStore('docs').getAll();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    db.close();
    return docs.filter((d) => d.type === 'review').map((d) => [d.goal_id.length > 0, d.outcome, d.helped, d.in_the_way]);
  });
  expect(stored.sort()).toEqual([
    [true, 'done', 'Texting her first', ''],
    [true, 'partly', '', 'Rain, and a long shift'],
  ]);
  // This week's review says the walk is done: the board moves it to Done as well, and it stays there.
  const walkNow = review.getByRole('group', { name: 'Walk three times', exact: true });
  await walkNow.getByRole('radio', { name: 'Done', exact: true }).check();
  await review.getByRole('button', { name: 'Save review', exact: true }).click();
  await expect(column(page, 'Done').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await expect(column(page, 'Doing').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(0);
  await page.reload();
  await expect(column(page, 'Done').getByRole('listitem').filter({ hasText: 'Walk three times' })).toHaveCount(1);
  await context.setOffline(false);
});

test('a goal draft survives a reload, editing a goal keeps its place, and touch drags it', async ({ page }) => {
  await page.clock.setFixedTime(WED);
  await page.goto('/goals');
  await page.getByRole('button', { name: 'New goal', exact: true }).click();
  await page.getByRole('textbox', { name: 'Goal title', exact: true }).pressSequentially('Go to two meetings');
  await expect(page.getByText('Not saved yet — draft kept on this device').first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Goal title', exact: true })).toHaveValue('Go to two meetings');
  await page.getByRole('button', { name: 'Save goal', exact: true }).click();
  await card(page, 'Go to two meetings').getByRole('button', { name: 'Move to Doing', exact: true }).click();
  await card(page, 'Go to two meetings').getByRole('button', { name: 'Edit', exact: true }).click();
  const title = page.getByRole('textbox', { name: 'Goal title', exact: true });
  await expect(title).toHaveValue('Go to two meetings');
  // Opened, not changed: it is saved, not "Not saved yet"; a change makes it a draft.
  const goalStatus = page.getByRole('form', { name: 'Edit goal', exact: true }).getByRole('status');
  await expect(goalStatus).toHaveText(/^Saved at \d\d:\d\d$/);
  await title.fill('Go to three meetings');
  await expect(goalStatus).toHaveText('Not saved yet — draft kept on this device');
  await page.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(column(page, 'Doing').getByRole('listitem').filter({ hasText: 'Go to three meetings' })).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Go to two meetings' })).toHaveCount(0);
  // Dragged by touch (real touch events through the DevTools protocol, as a phone's finger makes them).
  const handle = card(page, 'Go to three meetings').locator('[title="Drag to another column"]');
  await page.locator('[data-column="done"]').scrollIntoViewIfNeeded();
  await handle.scrollIntoViewIfNeeded();
  const from = await handle.boundingBox();
  const done = await page.locator('[data-column="done"]').boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const at = (x, y) => [{ x: Math.round(x), y: Math.round(y) }];
  const [x0, y0, x1, y1] = [from.x + from.width / 2, from.y + from.height / 2, done.x + done.width / 2, done.y + 20];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(x0, y0) });
  for (let i = 1; i <= 8; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(x0 + ((x1 - x0) * i) / 8, y0 + ((y1 - y0) * i) / 8) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await expect(column(page, 'Done').getByRole('listitem').filter({ hasText: 'Go to three meetings' })).toHaveCount(1);

  // Deleting asks first, then the goal is gone, also after a reload.
  await card(page, 'Go to three meetings').getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByRole('button', { name: 'Delete goal', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, delete this goal', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Go to three meetings' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'New goal', exact: true })).toBeEnabled();
  await expect(page.getByRole('heading', { name: 'Go to three meetings' })).toHaveCount(0);

  // A goal with no title is refused, and the words typed so far are kept.
  await page.getByRole('button', { name: 'New goal', exact: true }).click();
  await page.getByRole('textbox', { name: 'Steps (optional, one per line)', exact: true }).fill('ask Sam');
  await page.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Give the goal a title' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Steps (optional, one per line)', exact: true })).toHaveValue('ask Sam');
});

test('Milestones on Today: a sober-since counter, a restart met with support, and sharing by choice', async ({ page }) => {
  await page.clock.setFixedTime(WED);
  await page.goto('/');
  const milestones = page.getByRole('region', { name: 'Milestones', exact: true });
  await expect(milestones).toContainText('Check in today to start a streak.');
  await milestones.getByLabel('Sober since', { exact: true }).fill('2026-10-19');
  await milestones.getByRole('button', { name: 'Save date', exact: true }).click();
  await expect(milestones).toContainText('30 days since Mon 19 Oct');
  const reached = milestones.getByRole('list', { name: 'Milestones reached', exact: true }).getByRole('listitem');
  await expect(reached.first()).toContainText('30 days');
  await expect(reached).toHaveCount(4); // 30, 14, 7 and 1 days
  const share = reached.first().getByRole('button', { name: 'Share with my group', exact: true });
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  await expect(share).toHaveAccessibleDescription('30 days');
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  // Not in a group (nor signed in): it says the milestone waits for one, rather than looking posted.
  await expect(milestones.getByRole('status')).toHaveText("Kept to share: you're not in a group yet, so your group will see it once you join one.");
  await expect(milestones).toContainText('Next: 7-day check-in streak in 7 days; 60 days in 30 days.');

  await milestones.getByRole('button', { name: 'Restart my count', exact: true }).click();
  await milestones.getByRole('button', { name: 'Yes, restart from today', exact: true }).click();
  await expect(milestones).toContainText('The 30 days you put in still count.');
  await expect(milestones).toContainText('0 days since Wed 18 Nov');
  await expect(milestones).not.toContainText(/fail|relapse|shame/i);

  // A check-in starts the streak; it is all still there after a reload.
  await page.getByRole('textbox', { name: 'How I feel', exact: true }).fill('Steady');
  await page.getByRole('button', { name: 'Save check-in', exact: true }).click();
  await expect(milestones).toContainText('Check-in streak: 1 day');
  await page.reload();
  await expect(milestones).toContainText('0 days since Wed 18 Nov');
  await expect(milestones).toContainText('Check-in streak: 1 day');
  await noSeriousAxe(page);
});
