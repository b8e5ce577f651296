// Partners against the local backend, with four browser profiles: a facilitator, Alice, Bob, and Dana. Alice and Bob
// answer the questionnaire; the facilitator pairs them on the Facilitator screen; both apps find their pair by
// themselves; Alice's check-in reaches Bob; "I'm struggling" reaches Bob and shows Alice the crisis lines; Alice
// offline then online loses nothing; Dana, not in the pair, gets 403 on its database.
import { expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ADMIN, BACKEND_URL, freshUser, signIn, test } from './backend.mjs';
import { provisionFacilitator } from '../backend/provision.mjs';

async function answerQuestionnaire(page) {
  await page.goto('/partner');
  await page.getByRole('link', { name: 'Partner questionnaire', exact: true }).click();
  await page.getByRole('checkbox', { name: 'sleep', exact: true }).check();
  await page.getByRole('checkbox', { name: 'cravings', exact: true }).check();
  await page.getByRole('radio', { name: 'Both', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Text messages', exact: true }).check();
  await page.getByRole('radio', { name: 'Weekly', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Monday evening', exact: true }).check();
  await page.getByRole('textbox', { name: 'Add a language', exact: true }).fill('English');
  await page.getByRole('button', { name: 'Add language', exact: true }).click();
  await page.getByRole('button', { name: 'Save questionnaire', exact: true }).click();
  await expect(page.getByText(/^Saved/).first()).toBeVisible();
}

test('a facilitator pairs Alice and Bob, who check in, reach out, and keep everything offline; Dana is kept out', async ({
  browser,
  as,
}) => {
  const [alice, bob, dana] = [await freshUser('alice'), await freshUser('bob'), await freshUser('dana')];
  const facilitator = { name: `fac-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` };
  await provisionFacilitator(BACKEND_URL, ADMIN, facilitator.name, facilitator.password);
  const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext()));
  const [a, b, f] = await Promise.all(contexts.map((c) => c.newPage()));

  await signIn(a, alice);
  await answerQuestionnaire(a);
  await signIn(b, bob);
  await answerQuestionnaire(b);
  await expect(a.getByRole('status').filter({ hasText: /^Synced/ })).toBeVisible();

  // The facilitator: the roster shows both answered; they pair Alice and Bob and confirm.
  await signIn(f, facilitator);
  await f.getByRole('link', { name: 'Facilitator', exact: true }).click();
  const roster = f.getByRole('list', { name: 'Participants', exact: true });
  const row = (who) => roster.getByRole('listitem').filter({ hasText: new RegExp(`^${who.name} —`) });
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(row(alice)).toContainText('Questionnaire answered', { timeout: 2_000 });
    await expect(row(bob)).toContainText('Questionnaire answered', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // While the roster loads, the buttons that talk to the server wait: a second load or "Confirm pairs" meanwhile
  // could be overtaken by the earlier answer. The roster request is held until the checks are done.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await f.route('**/_users/_all_docs*', async (route) => { await held; await route.continue(); }, { times: 1 });
  const refresh = f.getByRole('button', { name: 'Refresh', exact: true });
  await refresh.click();
  await expect(f.getByText('Talking to the server…')).toBeVisible();
  await expect(refresh).toBeDisabled();
  await expect(f.getByRole('button', { name: 'Propose pairs', exact: true })).toBeDisabled();
  release();
  await expect(refresh).toBeEnabled();
  await expect(f.getByText('Talking to the server…')).toBeHidden();
  await expect(row(bob)).toContainText('Questionnaire answered');
  await f.getByRole('button', { name: 'Propose pairs', exact: true }).click();
  await f.getByRole('combobox', { name: 'Person', exact: true }).selectOption(alice.name);
  await f.getByRole('combobox', { name: 'Partner', exact: true }).selectOption(bob.name);
  await f.getByRole('button', { name: 'Pair these two', exact: true }).click();
  const proposed = f.getByRole('list', { name: 'Proposed pairs', exact: true }).getByRole('listitem').filter({ hasText: alice.name }).first();
  await expect(proposed).toContainText(bob.name);
  await expect(proposed).toContainText(/score \d+/);
  await f.getByRole('button', { name: 'Confirm pairs', exact: true }).click();
  await expect(f.getByText(/pairs? confirmed/)).toBeVisible();
  await expect(row(alice)).toContainText(`Partner: ${bob.name}`);

  // Both apps find the pair by themselves.
  for (const [page, other] of [[a, bob], [b, alice]]) {
    await page.goto('/partner');
    await expect(page.getByRole('heading', { name: `Your partner: ${other.name}` })).toBeVisible({ timeout: 40_000 });
    await expect(page.getByText('Check-ins: Weekly')).toBeVisible();
  }

  // Alice's check-in reaches Bob. Sent with nothing written, it takes her to the first part, marked.
  await a.getByRole('button', { name: 'Send check-in', exact: true }).click();
  await expect(a.getByRole('textbox', { name: "How I'm doing", exact: true })).toBeFocused();
  await expect(a.getByRole('textbox', { name: "How I'm doing", exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(a.getByRole('textbox', { name: "How I'm doing", exact: true })).toHaveAccessibleDescription(/Write at least one line/);
  await a.getByRole('textbox', { name: "How I'm doing", exact: true }).fill('Tired but hopeful');
  await a.getByRole('textbox', { name: 'What I need this week', exact: true }).fill('A text on Thursday');
  await a.getByRole('button', { name: 'Send check-in', exact: true }).click();
  const bobsList = b.getByRole('list', { name: 'Partner check-ins', exact: true });
  await expect(bobsList.getByRole('listitem').filter({ hasText: 'Tired but hopeful' })).toBeVisible({ timeout: 40_000 });
  await expect(a.getByText('Next check-in: Done for this week')).toBeVisible();
  // Bob encourages it. An empty reply takes him to the reply field.
  await bobsList.getByRole('listitem').filter({ hasText: 'Tired but hopeful' }).getByRole('button', { name: 'Send reply', exact: true }).click();
  const bobsReply = bobsList.getByRole('listitem').filter({ hasText: 'Tired but hopeful' }).getByRole('textbox', { name: `Reply to ${alice.name}`, exact: true });
  await expect(bobsReply).toBeFocused();
  await expect(bobsReply).toHaveAttribute('aria-invalid', 'true');
  await expect(bobsReply).toHaveAccessibleDescription(/Write at least one line/);
  await bobsList.getByRole('listitem').filter({ hasText: 'Tired but hopeful' }).getByRole('button', { name: 'Encourage' }).click();
  // On her own check-in Alice sees it in words, with nothing to press: reactions are for the other's check-ins.
  const alicesOwn = a.getByRole('list', { name: 'Partner check-ins', exact: true }).getByRole('listitem').filter({ hasText: 'Tired but hopeful' });
  await expect(alicesOwn.getByText(`Reactions: Encourage from ${bob.name}`, { exact: true })).toBeVisible({ timeout: 40_000 });
  await expect(alicesOwn.getByRole('button', { name: /^(Encourage|Celebrate|Thinking of you)/ })).toHaveCount(0);
  await expect(bobsList.getByRole('listitem').filter({ hasText: 'Tired but hopeful' }).getByRole('button', { name: 'Encourage' })).toHaveAttribute('aria-pressed', 'true');

  // Alice's safety plan names her people; they show on the crisis screen.
  await a.goto('/plan');
  await a.getByRole('textbox', { name: 'People I can ask for help', exact: true }).fill('Mum 555 0100\nSam');
  await a.getByRole('textbox', { name: 'My reasons for living', exact: true }).fill('My kids');
  await a.getByRole('button', { name: 'Save plan', exact: true }).click();
  await expect(a.getByText(/^Saved/).first()).toBeVisible();
  await a.goto('/help');
  await expect(a.getByRole('list', { name: 'My people', exact: true }).getByRole('link', { name: 'Call Mum' })).toHaveAttribute('href', 'tel:5550100');
  await a.goto('/partner');

  // "I'm struggling": her people and the crisis lines at once for Alice; the note reaches Bob, and Alice sees it seen.
  await a.getByRole('button', { name: "I'm struggling", exact: true }).click();
  const help = a.getByRole('region', { name: 'Help right now', exact: true });
  await expect(help.getByRole('link', { name: 'Call 988' })).toHaveAttribute('href', 'tel:988');
  await expect(help.getByRole('link', { name: 'Call Mum' })).toHaveAttribute('href', 'tel:5550100');
  await expect(help.getByRole('list', { name: 'My people', exact: true })).toContainText('Sam');
  await expect(b.getByRole('region', { name: 'Your partner reached out', exact: true }).first()).toContainText(`${alice.name} is struggling`, { timeout: 40_000 });
  await expect(help).toContainText(/Your note to your partner: (Delivered|Seen)/, { timeout: 40_000 });

  // Alice offline: a check-in kept on her phone, sent when she is back; nothing lost.
  await contexts[0].setOffline(true);
  await a.getByRole('textbox', { name: "How I'm doing", exact: true }).fill('Written on the train');
  await a.getByRole('button', { name: 'Send check-in', exact: true }).click();
  await expect(a.getByRole('list', { name: 'Partner check-ins', exact: true })).toContainText('Written on the train');
  await expect(a.getByRole('status').filter({ hasText: /Offline — \d+ changes? waiting/ })).toBeVisible();
  await a.reload();
  await expect(a.getByRole('list', { name: 'Partner check-ins', exact: true })).toContainText('Written on the train');
  // Reaching out again, offline: queued on the phone, said plainly; a second time in a day also suggests the
  // facilitator and the crisis lines, gently.
  await a.goto('/partner');
  await a.getByRole('button', { name: "I'm struggling", exact: true }).click();
  await expect(help).toContainText('Your note to your partner: Waiting for a connection — it will send by itself');
  await expect(help).toContainText('let your facilitator know');
  await expect(help.getByRole('link', { name: 'Call 988' })).toBeVisible();
  await contexts[0].setOffline(false);
  await expect(bobsList.getByRole('listitem').filter({ hasText: 'Written on the train' })).toBeVisible({ timeout: 40_000 });
  await expect(help).toContainText(/Your note to your partner: (Sent|Delivered|Seen)/, { timeout: 40_000 });

  // A week on, Bob has not checked in: a dot on Partner and, in words, a check-in waiting — gone once he has.
  await b.clock.setFixedTime(new Date(Date.now() + 8 * 24 * 3600 * 1000));
  await b.goto('/partner');
  await expect(b.getByText("Next check-in: A check-in is waiting — whenever you're ready")).toBeVisible();
  await expect(b.locator('body')).toHaveAttribute('data-partner-due', '');
  await b.getByRole('textbox', { name: "How I'm doing", exact: true }).fill('Catching up');
  await b.getByRole('button', { name: 'Send check-in', exact: true }).click();
  await expect(b.getByText('Next check-in: Done for this week')).toBeVisible();
  await expect(b.locator('body')).not.toHaveAttribute('data-partner-due', '');

  // Dana is not in the pair: 403 on its database; and Bob cannot read Alice's questionnaire.
  const pairDb = await a.evaluate(async () => {
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
    return `tandem-pair-${docs.find((d) => d.type === 'pairing').pair_id}`;
  });
  const danaClient = await as(dana);
  expect((await danaClient.get(`/${pairDb}`)).status()).toBe(403);
  expect((await danaClient.get(`/${pairDb}/_all_docs`)).status()).toBe(403);
  expect((await (await as(alice)).get(`/${pairDb}`)).status()).toBe(200);
  const aliceCare = `tandem-care-${Buffer.from(alice.name, 'utf8').toString('hex')}`;
  expect((await (await as(bob)).get(`/${aliceCare}/questionnaire`)).status()).toBe(403);

  // Alice asks for a different partner, privately: the facilitator sees it (Bob does not) and ends the pairing.
  await a.getByRole('link', { name: 'Ask for a different partner', exact: true }).click();
  await a.getByRole('textbox', { name: 'Reason (optional)', exact: true }).fill('Our times never line up');
  await a.getByRole('button', { name: 'Send request', exact: true }).click();
  await expect(a.getByText('Sent privately to your facilitator')).toBeVisible();
  // A later visit says the request went, and when.
  await a.reload();
  await expect(a.getByRole('status').filter({ hasText: /^You asked on .+ at \d\d:\d\d\. Your facilitator has it/ })).toBeVisible();
  const requests = f.getByRole('list', { name: 'Re-pair requests', exact: true });
  await expect(async () => {
    await f.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(requests).toContainText(`${alice.name} asked for a different partner`, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(requests).toContainText('Our times never line up');
  const bobSees = await (await (await as(bob)).get(`/${pairDb}/_all_docs?include_docs=true`)).text();
  expect(bobSees).toContain('Tired but hopeful'); // Bob reads the pair's database…
  expect(bobSees).not.toContain('Our times never line up'); // …where the request never went
  await row(alice).getByRole('button', { name: /^End the pairing of/ }).click();
  await expect(row(alice)).toContainText('No partner');
  await expect(row(bob)).toContainText('No partner');
  await a.goto('/partner');
  await expect(a.getByRole('heading', { name: 'No partner yet' })).toBeVisible({ timeout: 40_000 });
  // The ended pairing says so, and its check-ins stay readable (nothing to send to it any more).
  await expect(a.getByRole('status').filter({ hasText: `Your pairing with ${bob.name} ended on` })).toBeVisible();
  const past = a.getByRole('region', { name: 'Check-ins', exact: true });
  await expect(past).toContainText('Tired but hopeful');
  await expect(past.getByRole('button', { name: 'Send reply', exact: true })).toHaveCount(0);
  // Their check-ins stay on Alice's phone; nothing was deleted.
  await Promise.all(contexts.map((c) => c.close()));
});
