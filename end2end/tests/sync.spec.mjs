// Sync journeys against the local backend: signing in from Settings, the status at a glance, and two phones of the
// same person (two browser contexts, each with its own IndexedDB) seeing each other's entries.
import { expect } from '@playwright/test';
import { ADMIN, BACKEND_URL, freshUser, test } from './backend.mjs';
import { SCREENS, NOT_FOUND_PATH, noSeriousAxe } from './support.mjs';

function syncStatus(page) {
  return page.getByRole('status').filter({ hasText: /Synced|Syncing|Offline|Sign in again|Server error/ });
}

async function signIn(page, { name, password }) {
  await page.goto('/settings');
  await page.getByRole('textbox', { name: 'Server address', exact: true }).fill(BACKEND_URL);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function logMood(page, note) {
  await page.goto('/mood');
  await page.getByRole('slider', { name: 'Mood', exact: true }).fill('6');
  await page.getByRole('textbox', { name: 'Note', exact: true }).fill(note);
  await page.getByRole('button', { name: 'Save mood', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Mood history', exact: true })).toContainText(note);
}

test('"Settings" is reachable from every screen', async ({ page }) => {
  for (const { path } of [...SCREENS, { path: NOT_FOUND_PATH }]) {
    await page.goto(path);
    await expect(page.getByRole('link', { name: 'Settings', exact: true }), `on ${path}`).toHaveAttribute('href', '/settings');
  }
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
});

test('a wrong password is said plainly and nothing is kept', async ({ page }) => {
  const user = await freshUser('wrongpw');
  await signIn(page, { name: user.name, password: 'not-the-password' });
  await expect(page.getByRole('alert')).toContainText("That username and password didn't work");
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByText('Not signed in.')).toBeVisible();
});

test('a mood logged offline on one phone shows on the other after reconnecting', async ({ browser }) => {
  const user = await freshUser('phones');
  const phoneA = await browser.newContext();
  const phoneB = await browser.newContext();
  const a = await phoneA.newPage();
  const b = await phoneB.newPage();

  await signIn(a, user);
  await expect(a.getByRole('alert')).toContainText('Signed in');
  await expect(syncStatus(a)).toHaveText(/^Synced \d{2}:\d{2}$/);
  // The password is not kept anywhere on the device.
  const stored = await a.evaluate(async () => {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open('tandem'); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    const all = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').getAll(); r.onsuccess = () => ok(r.result); });
    return JSON.stringify(all) + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);
  });
  expect(stored).not.toContain(user.password);
  // Opened straight after a reload, Settings shows the account signed in (it showed an empty form).
  await a.reload();
  await expect(a.getByRole('textbox', { name: 'Username', exact: true })).toHaveValue(user.name);
  await expect(a.getByRole('textbox', { name: 'Server address', exact: true })).toHaveValue(BACKEND_URL);

  await phoneA.setOffline(true);
  const note = `Offline walk ${Date.now()}`;
  await logMood(a, note);
  await expect(syncStatus(a)).toHaveText('Offline — 1 change waiting');

  await signIn(b, user);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  await b.goto('/mood');
  await expect(b.getByRole('list', { name: 'Mood history', exact: true })).not.toContainText(note);

  await phoneA.setOffline(false);
  await expect(syncStatus(a)).toHaveText(/^Synced \d{2}:\d{2}$/);
  // Phone B is long-polling: the mood arrives without a reload.
  await expect(b.getByRole('list', { name: 'Mood history', exact: true })).toContainText(note, { timeout: 20_000 });
  await b.reload();
  await expect(b.getByRole('list', { name: 'Mood history', exact: true })).toContainText(note);

  await phoneA.close();
  await phoneB.close();
});

test('when the server ends the session the app asks to sign in again and keeps working', async ({ page, context, as }) => {
  const user = await freshUser('expired');
  await signIn(page, user);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  // The session ends on the server: from now on every request gets CouchDB's 401. (Clearing the cookie alone
  // races with an answer already on its way, which carries a renewed session cookie as CouchDB renews it on use.)
  const origin = new URL(page.url()).origin;
  const expired = (route) =>
    route.request().method() === 'OPTIONS'
      ? route.continue()
      : route.fulfill({
          status: 401,
          contentType: 'application/json',
          headers: { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' },
          body: '{"error":"unauthorized","reason":"You are not authorized to access this db."}',
        });
  await context.route(`${BACKEND_URL}/**`, expired);
  await context.clearCookies();
  const note = `Written after the session ended ${Date.now()}`;
  await logMood(page, note);
  await expect(syncStatus(page)).toHaveText('Sign in again');
  await expect(syncStatus(page).getByRole('link', { name: 'Sign in again' })).toHaveAttribute('href', '/settings');
  await page.reload();
  await expect(page.getByRole('list', { name: 'Mood history', exact: true })).toContainText(note);
  // Signing in again sends what waited.
  await context.unroute(`${BACKEND_URL}/**`, expired);
  await signIn(page, user);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  await expect.poll(() => notesOnServer(as, user)).toContain(note);
});

/** The notes of the mood entries in `user`'s private database on the server. */
async function notesOnServer(as, user) {
  const answer = await (await as(user)).get(`/${user.db}/_all_docs?include_docs=true`);
  expect(answer.ok()).toBe(true);
  return (await answer.json()).rows.map((r) => r.doc && r.doc.note).filter(Boolean);
}

function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

test('signing out with changes not yet on the server says so, asks, and keeps them for the next sign-in', async ({ page, context, as }) => {
  const user = await freshUser('signout');
  await signIn(page, user);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  await context.setOffline(true);
  const first = `Written offline ${Date.now()}`;
  await logMood(page, first);
  await logMood(page, `${first} again`);
  await expect(syncStatus(page)).toHaveText('Offline — 2 changes waiting');

  await page.goto('/settings');
  const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
  await signOut.focus();
  await signOut.press('Enter');
  const question = page.getByRole('group', { name: /2 changes haven't reached the server yet/ });
  await expect(question).toContainText('nothing is deleted: they stay on this device only, and are sent when you sign in again as ' + user.name);
  const stay = question.getByRole('button', { name: 'Stay signed in', exact: true });
  await expect.poll(() => isFocused(stay)).toBe(true);
  await noSeriousAxe(page);
  // Staying changes nothing and puts focus back on "Sign out".
  await stay.press('Enter');
  await expect(question).toBeHidden();
  await expect(page.getByText(`Signed in as ${user.name} on ${BACKEND_URL}`)).toBeVisible();
  await expect.poll(() => isFocused(signOut)).toBe(true);

  await signOut.press('Enter');
  await question.getByRole('button', { name: 'Sign out anyway', exact: true }).press('Enter');
  await expect(page.getByRole('alert')).toHaveText(`Signed out. Everything you saved stays on this device. The 2 changes that haven't reached the server are sent when you sign in again as ${user.name}.`);
  await expect(page.getByText('Not signed in.')).toBeVisible();
  await expect(signOut).toHaveCount(0);
  // Focus is on what happened, not dropped to the page.
  await expect.poll(() => isFocused(page.getByRole('alert'))).toBe(true);
  await page.goto('/mood');
  await expect(page.getByRole('list', { name: 'Mood history', exact: true })).toContainText(first);

  // Signed in again, they reach the server.
  await context.setOffline(false);
  await signIn(page, user);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  await expect.poll(() => notesOnServer(as, user)).toEqual(expect.arrayContaining([first, `${first} again`]));
});

test("after signing out, another person's sign-in is refused: this device's entries never go to their account", async ({ page, as }) => {
  const [alex, sam] = [await freshUser('holder'), await freshUser('other')];
  await signIn(page, alex);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  const note = `Private to ${alex.name}`;
  await logMood(page, note);
  await expect.poll(() => notesOnServer(as, alex)).toContain(note);
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  // (Asked first if the round that sent it is still writing down that it did.)
  const anyway = page.getByRole('button', { name: 'Sign out anyway', exact: true });
  await expect(page.getByText('Not signed in.').or(anyway)).toBeVisible();
  if (await anyway.isVisible()) await anyway.click();
  await expect(page.getByText('Not signed in.')).toBeVisible();

  await signIn(page, sam);
  await expect(page.getByRole('alert')).toContainText(`This device holds ${alex.name}'s entries, so only ${alex.name} can sign in here`);
  await expect(page.getByText('Not signed in.')).toBeVisible();
  await page.waitForTimeout(1500);
  expect(await notesOnServer(as, sam)).toEqual([]);
  // Typing another name while signed in is refused the same way.
  await signIn(page, alex);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  await signIn(page, sam);
  await expect(page.getByRole('alert')).toContainText(`only ${alex.name} can sign in here`);
  await expect(page.getByText(`Signed in as ${alex.name} on ${BACKEND_URL}`)).toBeVisible();
  expect(await notesOnServer(as, sam)).toEqual([]);
});

test('a password changed on the server asks to sign in again, says why, and sends what waited once signed in', async ({ page, as }) => {
  const user = await freshUser('newpass');
  await signIn(page, user);
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  // The password changes (on another device, or by the program): CouchDB ends the session.
  const admin = await as(ADMIN);
  const path = `/_users/org.couchdb.user:${encodeURIComponent(user.name)}`;
  const account = await (await admin.get(path)).json();
  expect((await admin.put(path, { data: { ...account, password: 'a-new-password' } })).ok()).toBe(true);
  const note = `Written after the password changed ${Date.now()}`;
  await logMood(page, note);
  await expect(syncStatus(page)).toHaveText('Sign in again', { timeout: 30_000 });

  await syncStatus(page).getByRole('link', { name: 'Sign in again' }).click();
  await expect(page.getByText(/The server has ended your session: it does after a while, or when your password changes\. .* 1 change is waiting and is sent once you're signed in\./)).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill('a-new-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(syncStatus(page)).toHaveText(/^Synced/);
  await expect(page.getByText(/The server has ended your session/)).toBeHidden();
  await expect.poll(() => notesOnServer(as, { ...user, password: 'a-new-password' })).toContain(note);
});

test("the same day's check-in edited on two offline phones keeps both edits", async ({ browser }) => {
  const user = await freshUser('checkin');
  const [phoneA, phoneB] = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await phoneA.newPage(), await phoneB.newPage()];
  const field = (page, name) => page.getByRole('textbox', { name, exact: true });
  const save = (page) => page.getByRole('button', { name: 'Save check-in', exact: true }).click();

  await signIn(a, user);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await a.goto('/');
  await field(a, 'How I feel').fill('Tired but okay');
  await save(a);
  await expect(a.getByText(/Saved/).first()).toBeVisible();
  await signIn(b, user);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  await b.goto('/');
  await expect(field(b, 'How I feel')).toHaveValue('Tired but okay');

  // Both offline; each adds something different to the same check-in.
  await phoneA.setOffline(true);
  await phoneB.setOffline(true);
  await field(a, 'A win').fill('Called my sister');
  await save(a);
  await field(b, 'A challenge').fill('Slept badly');
  await save(b);
  await expect(syncStatus(a)).toHaveText('Offline — 1 change waiting');
  await expect(syncStatus(b)).toHaveText('Offline — 1 change waiting');

  await phoneA.setOffline(false);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await phoneB.setOffline(false);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  // Phone A hears of B's edit through its long-poll and merges too; both end with every edit.
  for (const page of [a, b]) {
    await expect(async () => {
      await page.reload();
      await expect(field(page, 'A win')).toHaveValue('Called my sister', { timeout: 1_000 });
      await expect(field(page, 'A challenge')).toHaveValue('Slept badly', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(field(page, 'How I feel')).toHaveValue('Tired but okay');
  }
  await phoneA.close();
  await phoneB.close();
});

test('the same words edited differently on two phones are both kept until the person chooses', async ({ browser }) => {
  const user = await freshUser('choose');
  const [phoneA, phoneB] = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await phoneA.newPage(), await phoneB.newPage()];
  const feel = (page) => page.getByRole('textbox', { name: 'How I feel', exact: true });
  const save = (page) => page.getByRole('button', { name: 'Save check-in', exact: true }).click();

  await signIn(a, user);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await a.goto('/');
  await feel(a).fill('Okay');
  await save(a);
  await signIn(b, user);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  await b.goto('/');
  await expect(feel(b)).toHaveValue('Okay');

  await phoneA.setOffline(true);
  await phoneB.setOffline(true);
  await feel(a).fill('Anxious this morning');
  await save(a);
  await feel(b).fill('Calmer after a walk');
  await save(b);
  await phoneA.setOffline(false);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await phoneB.setOffline(false);
  await expect(syncStatus(b)).toHaveText(/^Synced/);

  // Phone B has both versions now and asks; nothing was chosen for the person.
  const region = b.getByRole('region', { name: 'Changed on two devices' });
  await expect(async () => {
    await b.reload();
    await expect(region).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const group = region.getByRole('group', { name: 'How I feel' });
  await expect(group.getByRole('radio', { name: 'Anxious this morning' })).toBeVisible();
  // Each version says when it was saved, in plain words and local time, the most recent (phone B's) first.
  const today = await b.evaluate(() => {
    const d = new Date();
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()];
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
    return `${day} ${d.getDate()} ${month}`;
  });
  const saved = new RegExp(`Saved ${today}, \\d\\d:\\d\\d(:\\d\\d)?$`);
  await expect(group.getByRole('radio')).toHaveCount(2);
  await expect(group.getByRole('radio').nth(0)).toHaveAccessibleName(/^Calmer after a walk/);
  await expect(group.getByRole('radio').nth(1)).toHaveAccessibleName(/^Anxious this morning/);
  for (const i of [0, 1]) await expect(group.getByRole('radio').nth(i)).toHaveAccessibleName(saved);
  // Nothing is chosen for the person: keeping without a choice says so kindly and takes them to the part.
  for (const i of [0, 1]) await expect(group.getByRole('radio').nth(i)).not.toBeChecked();
  await region.getByRole('button', { name: 'Keep my choices', exact: true }).click();
  await expect(region.getByRole('alert')).toHaveText('Choose which words to keep for “How I feel” — both versions are kept until you do.');
  await expect(group.getByRole('radio', { name: /^Calmer after a walk/ })).toBeFocused();
  await expect(region).toBeVisible();
  await group.getByRole('radio', { name: 'Calmer after a walk' }).check();
  await expect(region.getByRole('alert')).toHaveText('');
  await region.getByRole('button', { name: 'Keep my choices', exact: true }).click();
  await expect(region).toBeHidden();
  // The button went with the question: focus goes to the screen's content, not lost to the page.
  await expect(b.getByRole('main')).toBeFocused();
  await b.reload();
  await expect(feel(b)).toHaveValue('Calmer after a walk');
  await expect(region).toBeHidden();

  // The choice reaches phone A too.
  await expect(async () => {
    await a.reload();
    await expect(feel(a)).toHaveValue('Calmer after a walk', { timeout: 1_000 });
    await expect(a.getByRole('region', { name: 'Changed on two devices' })).toBeHidden({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await phoneA.close();
  await phoneB.close();
});

test('the same goal edited on two offline phones keeps both edits', async ({ browser }) => {
  const user = await freshUser('goal');
  const [phoneA, phoneB] = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await phoneA.newPage(), await phoneB.newPage()];
  const inColumn = (page, column, title) =>
    page.getByRole('list', { name: column, exact: true }).getByRole('listitem').filter({ hasText: title });

  await signIn(a, user);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await a.goto('/goals');
  await a.getByRole('button', { name: 'New goal', exact: true }).click();
  await a.getByRole('textbox', { name: 'Goal title', exact: true }).fill('Call my sister');
  await a.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(inColumn(a, 'This week', 'Call my sister')).toHaveCount(1);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await signIn(b, user);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  await b.goto('/goals');
  await expect(inColumn(b, 'This week', 'Call my sister')).toHaveCount(1);

  // Offline, phone A renames the goal and phone B starts it.
  await phoneA.setOffline(true);
  await phoneB.setOffline(true);
  await inColumn(a, 'This week', 'Call my sister').getByRole('button', { name: 'Edit', exact: true }).click();
  await a.getByRole('textbox', { name: 'Goal title', exact: true }).fill('Call my sister on Sunday');
  await a.getByRole('button', { name: 'Save goal', exact: true }).click();
  await expect(inColumn(a, 'This week', 'Call my sister on Sunday')).toHaveCount(1);
  await inColumn(b, 'This week', 'Call my sister').getByRole('button', { name: 'Move to Doing', exact: true }).click();
  await expect(inColumn(b, 'Doing', 'Call my sister')).toHaveCount(1);
  await expect(syncStatus(a)).toHaveText('Offline — 1 change waiting');
  await expect(syncStatus(b)).toHaveText('Offline — 1 change waiting');

  await phoneA.setOffline(false);
  await expect(syncStatus(a)).toHaveText(/^Synced/);
  await phoneB.setOffline(false);
  await expect(syncStatus(b)).toHaveText(/^Synced/);
  for (const page of [a, b]) {
    await expect(async () => {
      await page.reload();
      await expect(inColumn(page, 'Doing', 'Call my sister on Sunday')).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole('region', { name: 'Changed on two devices' })).toHaveCount(0);
  }
  await phoneA.close();
  await phoneB.close();
});
