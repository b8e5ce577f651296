// Sync journeys against the local backend: signing in from Settings, the status at a glance, and two phones of the
// same person (two browser contexts, each with its own IndexedDB) seeing each other's entries.
import { expect } from '@playwright/test';
import { BACKEND_URL, freshUser, test } from './backend.mjs';
import { SCREENS, NOT_FOUND_PATH } from './support.mjs';

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

test('when the server ends the session the app asks to sign in again and keeps working', async ({ page, context }) => {
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
