// Peer-led groups against the local backend, with a facilitator and three members (Ana, Ben, Cy) in four browser
// profiles, and Dana outside the group. The facilitator creates the group with its norms and weekly sessions and adds
// the members; each member's app finds the group by itself; they agree to the norms and check in (Cy offline, synced
// later); the round completes; the session's peer leader shares and others reply and react; attendance reaches the
// facilitator's dashboard; a report leads the facilitator to hide a post; hostile input is shown as text; Dana gets 403.
import { expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ADMIN, BACKEND_URL, freshUser, signIn, test } from './backend.mjs';
import { provisionFacilitator } from '../backend/provision.mjs';
import { noSeriousAxe } from './support.mjs';

// What people type that must stay words on a screen: markup, script, a javascript: link, right-to-left overrides,
// zero-width characters, and one real link.
const HOSTILE = [
  '<img src=x onerror="window.__pwned = 1">',
  '<script>window.__pwned = 1</script>',
  'javascript:window.__pwned=1',
  'שלום \u202Egnp.exe\u202C ok',
  'zero\u200Bwidth\u200Djoin',
  '"><svg onload=window.__pwned=1>',
  'see https://example.org/steps for more',
];

test('a facilitator runs a peer-led group: norms, a full round, a shared segment, attendance, a report; Dana is kept out', async ({
  browser,
  as,
}) => {
  test.setTimeout(240_000);
  const [ana, ben, cy, dana] = [await freshUser('ana'), await freshUser('ben'), await freshUser('cy'), await freshUser('dana')];
  const facilitator = { name: `fac-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` };
  await provisionFacilitator(BACKEND_URL, ADMIN, facilitator.name, facilitator.password);
  const contexts = await Promise.all([1, 2, 3, 4].map(() => browser.newContext()));
  const [a, b, c, f] = await Promise.all(contexts.map((x) => x.newPage()));
  const groupName = `Tuesday evening ${randomUUID().slice(0, 4)}`;

  // The facilitator creates the group: the first of three weekly sessions started ten minutes ago, so it is open now.
  await signIn(f, facilitator);
  await f.getByRole('link', { name: 'Facilitator', exact: true }).click();
  await f.getByRole('link', { name: 'Groups', exact: true }).click();
  const [day, time] = await f.evaluate(() => {
    const d = new Date(Date.now() - 10 * 60 * 1000);
    const two = (n) => String(n).padStart(2, '0');
    return [`${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`, `${two(d.getHours())}:${two(d.getMinutes())}`];
  });
  await f.getByRole('textbox', { name: 'Group name', exact: true }).fill(groupName);
  await expect(f.getByRole('spinbutton', { name: 'Size cap', exact: true })).toHaveValue('12');
  await expect(f.getByRole('textbox', { name: 'Norms', exact: true })).toHaveValue(/What is shared here stays here/);
  await f.getByLabel('First session', { exact: true }).fill(day);
  await f.getByLabel('Start time', { exact: true }).fill(time);
  await f.getByRole('spinbutton', { name: 'Number of weekly sessions', exact: true }).fill('3');
  await f.getByRole('textbox', { name: 'Meeting link', exact: true }).fill('https://meet.example.org/tandem-tuesday');
  await f.getByRole('button', { name: 'Create group', exact: true }).click();
  const card = f.getByRole('region', { name: groupName, exact: true });
  await expect(card).toBeVisible({ timeout: 30_000 });

  // The facilitator adds the members (accounts on the server, so on the roster); they sign in on their phones.
  for (const who of [ana, ben, cy]) {
    await expect(async () => {
      await card.getByRole('combobox', { name: 'Person to add', exact: true }).selectOption(who.name, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    if (who === cy) {
      // A load redraws the cards; the facilitator's choice stays.
      await f.getByRole('button', { name: 'Refresh', exact: true }).click();
      await expect(f.getByText('Talking to the server…')).toBeHidden({ timeout: 30_000 });
      await expect(card.getByRole('combobox', { name: 'Person to add', exact: true })).toHaveValue(cy.name);
    }
    await card.getByRole('button', { name: 'Add member', exact: true }).click();
    await expect(card.getByRole('list', { name: `Members of ${groupName}`, exact: true })).toContainText(who.name, { timeout: 30_000 });
  }
  await signIn(a, ana);
  await signIn(b, ben);
  await signIn(c, cy);

  // Each app finds the group by itself; before posting, its member reads the norms and agrees.
  for (const page of [a, b, c]) {
    await page.goto('/group');
    await expect(page.getByRole('heading', { name: groupName, exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('heading', { name: 'Our norms', exact: true })).toBeVisible();
    await expect(page.getByText('What is shared here stays here.')).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'My check-in', exact: true })).toHaveCount(0);
    await page.getByRole('button', { name: 'I agree', exact: true }).click();
    await expect(page.getByText('Our norms (you agreed)')).toBeVisible();
    // "I agree" went away with the question: focus stays there, on the norms now agreed, not lost to the page.
    await expect(page.getByText('Our norms (you agreed)')).toBeFocused();
    await expect(page.getByRole('link', { name: 'Join session', exact: true })).toHaveAttribute('href', 'https://meet.example.org/tandem-tuesday');
  }

  // The round: Ana and Ben check in online; Cy offline, kept on her phone and sent when she is back.
  // "Post" with nothing written takes Ana back to her check-in, marked.
  await a.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(a.getByRole('textbox', { name: 'My check-in', exact: true })).toBeFocused();
  await expect(a.getByRole('textbox', { name: 'My check-in', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(a.getByRole('textbox', { name: 'My check-in', exact: true })).toHaveAccessibleDescription(/there's nothing to post yet/);
  await a.getByRole('textbox', { name: 'My check-in', exact: true }).fill('Slept badly, but I went for a walk');
  await a.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(a.getByText("You've checked in for this session. Thank you.")).toBeVisible();
  // Ben starts from today's private check-in: its words are copied in for him to edit; nothing is shared until "Post".
  await b.goto('/');
  await b.getByRole('textbox', { name: 'A win', exact: true }).fill('A good week at work');
  await b.getByRole('button', { name: 'Save check-in', exact: true }).click();
  await expect(b.getByText(/^Saved/).first()).toBeVisible();
  await b.goto('/group');
  await b.getByRole('button', { name: "Start from today's check-in", exact: true }).click();
  await expect(b.getByRole('textbox', { name: 'My check-in', exact: true })).toHaveValue('A win: A good week at work');
  await b.getByRole('button', { name: 'Post', exact: true }).click();
  await contexts[2].setOffline(true);
  await c.getByRole('textbox', { name: 'My check-in', exact: true }).fill('Written with no signal');
  await c.getByRole('button', { name: 'Post', exact: true }).click();
  const thread = (page) => page.getByRole('list', { name: 'Posts', exact: true });
  await expect(thread(c)).toContainText('Written with no signal');
  await expect(c.getByRole('status').filter({ hasText: /Offline — \d+ changes? waiting/ })).toBeVisible();
  await c.reload();
  await expect(thread(c)).toContainText('Written with no signal');
  await expect(a.getByText(`Not yet: ${cy.name}`)).toBeVisible({ timeout: 40_000 });
  await contexts[2].setOffline(false);
  await expect(thread(a)).toContainText('Written with no signal', { timeout: 40_000 });
  await expect(a.getByText('Everyone has checked in.')).toBeVisible();

  // Ana's second phone: the same post edited differently on both while offline. Both versions are kept and Ana
  // chooses the words (one of them used to be dropped without a word).
  const a2Context = await browser.newContext();
  contexts.push(a2Context);
  const a2 = await a2Context.newPage();
  await signIn(a2, ana);
  await a2.goto('/group');
  const mine = (page) => thread(page).getByRole('article').filter({ hasText: 'Slept badly' });
  await expect(mine(a2)).toBeVisible({ timeout: 60_000 });
  await contexts[0].setOffline(true);
  await a2Context.setOffline(true);
  for (const [page, words] of [[a, 'Slept badly, then a walk with my sister'], [a2, 'Slept badly, then a long walk alone']]) {
    await mine(page).getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('textbox', { name: 'Edit your post', exact: true }).fill(words);
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await expect(mine(page)).toContainText(words);
  }
  await contexts[0].setOffline(false);
  await a2Context.setOffline(false);
  const question = (page) => page.getByRole('region', { name: 'Changed on two devices', exact: true });
  await expect(async () => {
    await a.reload();
    await expect(question(a)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  // Each version says when it was saved, the most recent (the second phone's) first; neither is chosen for her.
  const versions = question(a).getByRole('group', { name: 'Your words', exact: true }).getByRole('radio');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toHaveAccessibleName(/^Slept badly, then a long walk alone Saved \w{3} \d{1,2} \w{3}, \d\d:\d\d/);
  await expect(versions.nth(1)).toHaveAccessibleName(/^Slept badly, then a walk with my sister Saved \w{3} \d{1,2} \w{3}, \d\d:\d\d/);
  for (const i of [0, 1]) await expect(versions.nth(i)).not.toBeChecked();
  await question(a).getByRole('radio', { name: 'Slept badly, then a long walk alone' }).check();
  await question(a).getByRole('button', { name: 'Keep my choices', exact: true }).click();
  await expect(question(a)).toBeHidden();
  await expect(mine(a)).toContainText('Slept badly, then a long walk alone');
  // Ana changes her words; only an author may.
  const anasCheckIn = (page) => thread(page).getByRole('article').filter({ hasText: 'Slept badly' });
  await expect(anasCheckIn(b).getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  await anasCheckIn(a).getByRole('button', { name: 'Edit', exact: true }).click();
  await a.getByRole('textbox', { name: 'Edit your post', exact: true }).fill('Slept badly, but I went for a walk and called my sister');
  await a.getByRole('button', { name: 'Save changes', exact: true }).click();
  await expect(anasCheckIn(b)).toContainText('and called my sister', { timeout: 40_000 });

  // A milestone Ben chooses to share on Today appears in the group: the milestone only, nothing else.
  await b.goto('/');
  const milestones = b.getByRole('region', { name: 'Milestones', exact: true });
  const eightDaysAgo = await b.evaluate(() => {
    const d = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await milestones.getByLabel('Sober since', { exact: true }).fill(eightDaysAgo);
  await milestones.getByRole('button', { name: 'Save date', exact: true }).click();
  const week = milestones.getByRole('list', { name: 'Milestones reached', exact: true }).getByRole('listitem').filter({ hasText: /^7 days/ });
  await week.getByRole('button', { name: 'Share with my group', exact: true }).click();
  await expect(week.getByRole('button', { name: 'Share with my group', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(milestones.getByRole('status')).toHaveText('Shared with your group.');
  await expect(thread(a).getByRole('article').filter({ hasText: "I've reached 7 days." })).toContainText(`${ben.name} · Milestone`, { timeout: 40_000 });
  await b.goto('/group');
  // Ana can celebrate it; Ben has nothing to press on his own.
  const milestone = (page) => thread(page).getByRole('article').filter({ hasText: "I've reached 7 days." });
  await expect(milestone(a).getByRole('button', { name: 'Celebrate', exact: true })).toBeVisible();
  await expect(milestone(b)).toContainText('You · Milestone');
  await expect(milestone(b).getByRole('button', { name: /^(Celebrate|Encourage|Me too|Check on you)/ })).toHaveCount(0);

  // The peer-led segment: the rotation gives the first session to the first member by name (Ana); she shares,
  // Ben replies starting from a prompt, and Cy celebrates.
  await expect(a.getByText('You lead the peer-led segment.', { exact: true })).toBeVisible();
  await a.getByRole('textbox', { name: 'My share', exact: true }).fill('What helps me on bad nights: a walk and a call to my sister');
  await a.getByRole('button', { name: 'Post share', exact: true }).click();
  const share = (page) => thread(page).getByRole('article').filter({ hasText: 'What helps me on bad nights' });
  // Posted once: the box gives way to a note (it kept the words as a draft, and pressing again posted a copy).
  await expect(a.getByText("You've shared for this session.", { exact: false })).toBeVisible();
  await expect(a.getByRole('textbox', { name: 'My share', exact: true })).toHaveCount(0);
  await expect(share(a)).toHaveCount(1);
  await expect(share(b)).toBeVisible({ timeout: 40_000 });
  await share(b).getByRole('button', { name: 'Reply', exact: true }).click();
  await b.getByRole('button', { name: /^You mentioned “.*What helps me on bad nights/ }).click();
  await expect(b.getByRole('textbox', { name: `Reply to ${ana.name}`, exact: true })).toHaveValue(/^You mentioned/);
  await b.getByRole('textbox', { name: `Reply to ${ana.name}`, exact: true }).fill('Calling family');
  // A reply half-written survives a reload: the form opens again on the same post, with the words.
  await expect(b.getByRole('status').filter({ hasText: 'Not saved yet — draft kept on this device' })).toBeVisible();
  await b.reload();
  await expect(b.getByRole('textbox', { name: `Reply to ${ana.name}`, exact: true })).toHaveValue('Calling family');
  await b.getByRole('textbox', { name: `Reply to ${ana.name}`, exact: true }).fill('Calling family helps me too');
  await b.getByRole('button', { name: 'Post reply', exact: true }).click();
  await expect(thread(a).getByRole('list', { name: `Replies to ${ana.name}` })).toContainText('Calling family helps me too', { timeout: 40_000 });
  await expect(share(c)).toBeVisible({ timeout: 40_000 });
  await share(c).getByRole('button', { name: 'Celebrate' }).click();
  await expect(share(c).getByRole('button', { name: 'Celebrate' })).toHaveAttribute('aria-pressed', 'true');
  // Ana sees the celebration of her own share in words, with nothing for her to press: reactions are for others' posts.
  await expect(share(a).getByText('Reactions: Celebrate 1', { exact: true })).toBeVisible({ timeout: 40_000 });
  await expect(share(a).getByRole('group', { name: 'Reactions', exact: true })).toHaveCount(0);
  await expect(share(a).getByRole('button', { name: /^(Celebrate|Encourage|Me too|Check on you)/ })).toHaveCount(0);
  // One of each per person: tapping again undoes it, offline too.
  await contexts[2].setOffline(true);
  await share(c).getByRole('button', { name: 'Celebrate' }).click();
  await expect(share(c).getByRole('button', { name: 'Celebrate' })).toHaveAttribute('aria-pressed', 'false');
  await share(c).getByRole('button', { name: 'Me too' }).click();
  await contexts[2].setOffline(false);
  await expect(share(a).getByText('Reactions: Me too 1', { exact: true })).toBeVisible({ timeout: 40_000 });
  // Others' reactions on Ana's share, as Ben sees them: the buttons, with the counts.
  await expect(share(b).getByRole('button', { name: 'Me too 1', exact: true })).toBeVisible({ timeout: 40_000 });
  await expect(share(b).getByRole('button', { name: 'Celebrate', exact: true })).toBeVisible();
  // "Check on you" reaches its author in words, with who and what it means (a count alone said neither); only the
  // author is told.
  await share(c).getByRole('button', { name: 'Check on you' }).click();
  await expect(share(a).getByText(`${cy.name} would like to check on you: they're thinking of you and would be glad to hear how you are.`)).toBeVisible({ timeout: 40_000 });
  await expect(share(c).getByText('would like to check on you')).toHaveCount(0);
  await noSeriousAxe(a);

  // The facilitator sees who agreed to the norms, and gives the second session's share to Cy.
  const members = card.getByRole('list', { name: `Members of ${groupName}`, exact: true });
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(members.getByRole('listitem').filter({ hasText: ana.name })).toContainText('agreed to the norms', { timeout: 2_000 });
  }).toPass({ timeout: 40_000 });
  const second = card.getByRole('list', { name: `Sessions of ${groupName}`, exact: true }).getByRole('listitem').nth(1);
  await second.getByRole('combobox', { name: /^Leader for / }).selectOption(cy.name);
  await second.getByRole('button', { name: /^Change leader for / }).click();
  await expect(second).toContainText(`led by ${cy.name}`, { timeout: 30_000 });
  // (A new version of the group redraws Cy's screen, closing "All sessions": open it on each try.)
  await expect(async () => {
    const all = c.getByRole('list', { name: 'All sessions', exact: true });
    if (!(await all.isVisible())) await c.getByText('All sessions', { exact: true }).click();
    await expect(all.getByRole('listitem').nth(1)).toContainText('You lead the peer-led segment.', { timeout: 2_000 });
  }).toPass({ timeout: 40_000 });

  // Attendance: Ana and Ben are here; once the session is over the facilitator's dashboard shows it.
  for (const page of [a, b]) {
    await page.getByRole('button', { name: "I'm here", exact: true }).click();
    await expect(page.getByText("You're marked here. Thank you for coming.")).toBeVisible();
  }
  await f.clock.setFixedTime(new Date(Date.now() + 2 * 3600 * 1000));
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    const table = card.getByRole('table', { name: `Attendance in ${groupName}` });
    await expect(table.getByRole('row').filter({ hasText: ana.name })).toContainText('1 of 1', { timeout: 2_000 });
    await expect(table.getByRole('row').filter({ hasText: cy.name })).toContainText('0 of 1', { timeout: 2_000 });
  }).toPass({ timeout: 40_000 });

  // Hostile input from Cy stays words; a post over the limit is refused with the draft kept.
  await share(c).getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = c.getByRole('textbox', { name: `Reply to ${ana.name}`, exact: true });
  await reply.fill('x'.repeat(4001));
  await c.getByRole('button', { name: 'Post reply', exact: true }).click();
  await expect(c.getByRole('alert').filter({ hasText: 'Your post is 4001 characters long' })).toBeVisible();
  await expect(reply).toHaveValue('x'.repeat(4001));
  await expect(reply).toBeFocused();
  await expect(reply).toHaveAttribute('aria-invalid', 'true');
  await expect(reply).toHaveAccessibleDescription(/Your post is 4001 characters long/);
  await reply.fill(HOSTILE.join('\n'));
  await c.getByRole('button', { name: 'Post reply', exact: true }).click();
  const hostile = (page) => thread(page).getByRole('article').filter({ hasText: 'onerror' });
  await expect(hostile(a)).toBeVisible({ timeout: 40_000 });
  for (const page of [a, c]) {
    const text = await hostile(page).locator('p[dir="auto"]').innerText();
    for (const line of HOSTILE) expect(text).toContain(line);
    await expect(hostile(page).locator('img, script, svg')).toHaveCount(0);
    await expect(hostile(page).getByRole('link')).toHaveCount(1);
    await expect(hostile(page).getByRole('link')).toHaveAttribute('href', 'https://example.org/steps');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  }

  // Ana reports it; only the facilitator sees the report, and hides the post: gone for Ana, marked for Cy.
  await hostile(a).getByRole('button', { name: 'Report', exact: true }).click();
  // A reason too long to keep takes Ana back to it.
  const reason = hostile(a).getByRole('textbox', { name: "What's wrong? (optional)", exact: true });
  await reason.fill('x'.repeat(1001));
  await hostile(a).getByRole('button', { name: 'Send report', exact: true }).click();
  await expect(reason).toBeFocused();
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAccessibleDescription(/The reason is 1001 characters long/);
  await reason.fill('Looks like an attack');
  await hostile(a).getByRole('button', { name: 'Send report', exact: true }).click();
  await expect(a.getByText('Sent to your facilitator privately.')).toBeVisible();
  // The form closed; the confirmation has focus, so it is in view and read out.
  await expect(a.getByRole('status').filter({ hasText: 'Sent to your facilitator privately.' })).toBeFocused();
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(card).toContainText('Looks like an attack', { timeout: 2_000 });
  }).toPass({ timeout: 40_000 });
  await noSeriousAxe(f);
  await card.getByRole('button', { name: `Hide the post by ${cy.name}` }).click();
  await expect(hostile(a)).toHaveCount(0, { timeout: 40_000 });
  await expect(hostile(c)).toContainText('Hidden by the facilitator', { timeout: 40_000 });

  // Dana is not in the group: 403 on its database; members read it.
  const groupDb = await a.evaluate(async () => {
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
    return `tandem-group-${docs.find((d) => d.type === 'group-membership').group_id}`;
  });
  const danaClient = await as(dana);
  expect((await danaClient.get(`/${groupDb}`)).status()).toBe(403);
  expect((await danaClient.get(`/${groupDb}/_all_docs`)).status()).toBe(403);
  expect((await (await as(ben)).get(`/${groupDb}`)).status()).toBe(200);

  // Three weeks on, nobody came to the last two sessions: the facilitator is told who has gone quiet, and Cy's
  // app says kindly that she was missed and prompts her to reach out to the others.
  const later = new Date(Date.now() + 22 * 24 * 3600 * 1000);
  await f.clock.setFixedTime(later);
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(card.getByText(/^Quiet for two sessions: /)).toContainText(ana.name, { timeout: 2_000 });
  }).toPass({ timeout: 40_000 });
  await c.clock.setFixedTime(later);
  await c.reload();
  await expect(c.getByText(/^We missed you on /)).toBeVisible({ timeout: 20_000 });
  await expect(c.getByText(/been quiet for two sessions/)).toContainText(ana.name);

  // Dana joins then: the sessions held before she joined are not hers to have missed.
  await expect(async () => {
    await card.getByRole('combobox', { name: 'Person to add', exact: true }).selectOption(dana.name, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await card.getByRole('button', { name: 'Add member', exact: true }).click();
  await expect(card.getByRole('list', { name: `Members of ${groupName}`, exact: true })).toContainText(dana.name, { timeout: 30_000 });
  const danaPhone = await browser.newContext();
  const d = await danaPhone.newPage();
  await d.clock.setFixedTime(later);
  await signIn(d, dana);
  await d.goto('/group');
  await expect(d.getByRole('heading', { name: groupName, exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(d.getByText(/^Last session: /)).toBeVisible();
  await expect(d.getByText(/We missed you/)).toHaveCount(0);
  await danaPhone.close();
  await Promise.all(contexts.map((x) => x.close()));
});
