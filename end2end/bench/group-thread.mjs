// A group thread of 5,000 posts: how fast the Group screen opens with the visible part drawn, how smoothly it
// scrolls, and the memory it holds; in headless Chromium with a phone's viewport (as the Playwright journeys), each
// part unthrottled and with 4× CPU throttling (DevTools' "4× slowdown", as keystroke.mjs and coldstart.mjs).
//   setup    its own backend and app server on free ports on 127.0.0.1; a reader and two other members; a group
//            (norms, weekly sessions: past ones and one soon) in tandem-group-<id>, the membership notice in the
//            reader's care database, the reader's norms agreement (so the screen shows the posting state), 5,000
//            posts (80% check-ins and shares of 100–600 characters from the three members, some with line breaks
//            and a link; 20% replies to earlier posts; over six months) and ~2,000 reactions, bulk-loaded as admin.
//            The reader signs in through Settings; the run waits until IndexedDB holds every document.
//   open     from Today, click "Group" in the bottom navigation (a client-side route change: the screen reads the
//            documents from IndexedDB, builds the threads and draws the newest page); timed in the page from the
//            click to the paint after the first post appears in the "Posts" list (the first animation frame after
//            it, plus a message task queued from that frame, so its style, layout and paint are counted). Also the
//            app's `tandem:group-thread-drawn` mark (set while rendering the first page, before paint), the posts
//            (<article>s) drawn and the elements on the page; and when the whole thread has been read (the app draws
//            from its newest posts first, then reads them all: "Show earlier posts" then gives its count).
//            GROUP_BENCH_RUNS runs each, median and p95.
//   scroll   on the open thread: rAF-driven window.scrollBy through the drawn part; "Show earlier posts" pressed a
//            few times (each timed from the click to the paint after its posts appear); then ~3 s more of scrolling.
//            Frame intervals p50/p95/max and frames over 50 ms (smooth: p95 ≤ 16.7–33 ms).
//   memory   after opening: JS heap (CDP Performance.getMetrics, then again after HeapProfiler.collectGarbage),
//            the wasm memory (the mark's detail.wasmBytes), DOM nodes.
// Exits non-zero only when something is broken (the thread never appears, a count is wrong), never on timing.
// Usage: node end2end/bench/group-thread.mjs   (needs dist/ from scripts/build.sh, or TANDEM_DIST=<dir>)
//        GROUP_BENCH_POSTS=<n> (default 5000) and GROUP_BENCH_RUNS=<n> (default 5) change the size.
import { chromium } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.mjs';
import { startServer } from '../serve.mjs';
import { startBackend } from '../backend/server.mjs';
import { careDbName, provisionUser, validateDocUpdateSource } from '../backend/provision.mjs';
import { DEFAULT_ADMIN } from '../backend/defaults.mjs';
import { DIST, header, ms, percentile } from './lib.mjs';

const POSTS = Number(process.env.GROUP_BENCH_POSTS ?? 5_000);
const RUNS = Number(process.env.GROUP_BENCH_RUNS ?? 5);
const REACTIONS = Math.round(POSTS * 0.4);
const REPLY_SHARE = 0.2;
const THREADS_PER_PAGE = 20; // src/domain/group_feed.rs
const EARLIER_PRESSES = 3;
const SCROLL_MS = 3_000;
const TARGET_MS = 100;
const SYNC_TIMEOUT = 240_000;
const OPEN_TIMEOUT = 30_000;
const DAY = 86_400_000;
// The phone of the Playwright journeys (playwright.config.mjs).
const PHONE = { viewport: { width: 412, height: 839 }, deviceScaleFactor: 2.625, isMobile: true, hasTouch: true,
  locale: 'en-US', timezoneId: 'America/Chicago' };

// ---- the documents ----

/** A small seeded generator (mulberry32): the same thread on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(20261123);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const iso = (ms_) => new Date(ms_).toISOString(); // RFC 3339 with milliseconds and Z, as the app writes

/** An id as the app makes them (domain/id.rs): type, the compact time, 16 Crockford base32 characters. */
function newId(type, at) {
  const abc = '0123456789abcdefghjkmnpqrstvwxyz';
  return `${type}:${iso(at).replace(/[^0-9A-Za-z]/g, '')}:${Array.from({ length: 16 }, () => pick(abc)).join('')}`;
}

/** The norms' hash as src/domain/group.rs `norms_hash`: 64-bit FNV-1a over each norm's byte length (u64 LE), then its bytes. */
function normsHash(norms) {
  const MASK = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const eat = (bytes) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & MASK;
  };
  for (const norm of norms) {
    const bytes = Buffer.from(norm, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(bytes.length));
    eat(len);
    eat(bytes);
  }
  return h.toString(16).padStart(16, '0');
}

const SENTENCES = [
  'Slept badly again, but I got up and went for the morning walk anyway.',
  'Work was a lot this week and I noticed the old urge on Thursday evening.',
  'I called my sister instead of sitting with it alone, and that helped more than I expected.',
  'Day 41 today. Not counting out loud much, but I am proud of it.',
  'The meeting on Tuesday was hard; I said the thing I had been avoiding saying.',
  'My sponsor reminded me that a bad day is not a bad life.',
  'I cooked a real dinner for the first time in weeks.',
  'Anxiety was loud this morning. Breathing exercise, then coffee, then it was manageable.',
  'Grateful for this group — reading your check-ins at night keeps me steady.',
  'I skipped the party on Saturday and did not feel like I was missing out, which is new.',
  'Still struggling with sleep. Trying no screens after ten.',
  'Had a craving at the grocery store and just walked out and around the block.',
  'My daughter noticed I seem calmer. That one landed.',
  'Therapy went well; we talked about the weekends being the hardest part.',
  'Honestly a flat week, nothing big, just getting through it one day at a time.',
];
const LINKS = ['https://www.aa.org/find-aa', 'https://www.samhsa.gov/find-help/national-helpline',
  'https://example.org/breathing-exercise?ref=group', 'https://smartrecovery.org/meetings/'];

/** 100–600 characters of check-in words; about one in four has line breaks, one in eight a link. */
function postText(min = 100, max = 600) {
  const target = min + Math.floor(rnd() * (max - min));
  const breaks = rnd() < 0.25;
  const link = rnd() < 0.125 ? pick(LINKS) : null;
  let text = '';
  while (text.length < target) {
    const sentence = pick(SENTENCES);
    if (text.length + sentence.length + 1 > max) break;
    text += (text ? (breaks && rnd() < 0.4 ? '\n\n' : ' ') : '') + sentence;
  }
  if (link) text += ` More here: ${link}`;
  return text.length >= min ? text : `${text} ${SENTENCES[0]}`.trim();
}

/** Everything the backend holds for the run: the group, its posts and reactions, the notice and the agreement. */
function makeDocs({ groupId, reader, others, facilitator, now }) {
  const members = [reader, ...others];
  const header = (id, type, at, audience = 'group') => ({ _id: id, type, schema: 1, created_at: iso(at), updated_at: iso(at), audience });
  const from = now - 182 * DAY; // six months of posts
  const firstSession = from + 18 * 3_600_000; // a Tuesday evening or so, weekly after
  const schedule = [];
  for (let week = 0; firstSession + week * 7 * DAY < now - 2 * 3_600_000; week++) {
    const starts = firstSession + week * 7 * DAY;
    schedule.push({ id: newId('session', starts), starts: iso(starts), minutes: 90, meeting_link: 'https://meet.example.org/tandem-evening' });
  }
  const soon = now + 2 * 3_600_000;
  schedule.push({ id: newId('session', soon), starts: iso(soon), minutes: 90, meeting_link: 'https://meet.example.org/tandem-evening' });
  const norms = ['What is shared here stays here.', 'Speak from your own experience: say “I”.',
    'Listen without fixing, judging or giving advice unless someone asks for it.',
    "Everyone gets a turn, and it's always okay to pass.", "If you're worried about someone's safety, tell the facilitator."];
  const name = 'Tuesday evening (bench)';
  const group = { ...header(`group:${groupId}`, 'group', from - DAY), author: facilitator, group_id: groupId, name,
    size_cap: 12, norms, schedule, members, facilitators: [facilitator], leader_overrides: [], alumni: false };
  const agreement = { ...header(`norms-agreement:${groupId}:${reader}`, 'norms-agreement', from), author: reader,
    group_id: groupId, agreed_at: iso(from), norms_hash: normsHash(norms) };
  const notice = { ...header(`group-membership:${groupId}`, 'group-membership', from - DAY, 'facilitator'), group_id: groupId, name };

  const posts = [];
  const tops = [];
  const sessionBefore = (at) => schedule.filter((s) => Date.parse(s.starts) <= at).at(-1)?.id;
  for (let i = 0; i < POSTS; i++) {
    const at = from + Math.floor(((i + rnd() * 0.9) / POSTS) * (now - 3_600_000 - from));
    const author = pick(members);
    const reply = tops.length > 0 && rnd() < REPLY_SHARE;
    const kind = reply ? 'reply' : rnd() < 0.6 ? 'check-in' : 'share';
    const post = { ...header(newId('post', at), 'post', at), author, group_id: groupId, kind };
    if (kind === 'check-in' && sessionBefore(at)) post.session_id = sessionBefore(at);
    if (reply) post.reply_to = tops[Math.max(0, tops.length - 1 - Math.floor(rnd() * 30))]._id; // one of the last 30
    Object.assign(post, { text: reply ? postText(40, 300) : postText(), at: iso(at), hidden: false });
    posts.push(post);
    if (!reply) tops.push(post);
  }
  const reactions = new Map();
  const kinds = ['celebrate', 'encourage', 'me-too', 'check-on-you'];
  while (reactions.size < REACTIONS) {
    // Half on the newest 200 posts (what people are reading now), half anywhere.
    const post = rnd() < 0.5 ? posts[posts.length - 1 - Math.floor(rnd() * Math.min(200, posts.length))] : pick(posts);
    const kind = pick(kinds);
    const author = pick(members);
    const id = `group-reaction:${kind}:${author}:${post._id}`;
    const at = Math.min(now, Date.parse(post.at) + Math.floor(rnd() * DAY));
    reactions.set(id, { ...header(id, 'group-reaction', at), author, group_id: groupId, post_id: post._id, kind });
  }
  return { group, agreement, notice, posts, reactions: [...reactions.values()] };
}

/** What the newest page must show: its posts with their replies (as group_feed.rs `threads` and `first_shown`). */
function expectedFirstPage(posts) {
  const byTime = (a, b) => a.at.localeCompare(b.at) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
  const tops = posts.filter((p) => p.kind !== 'reply').sort(byTime);
  const replies = new Map();
  for (const p of posts) if (p.kind === 'reply') replies.set(p.reply_to, (replies.get(p.reply_to) ?? 0) + 1);
  const page = tops.slice(-THREADS_PER_PAGE);
  return { threads: tops.length, articles: page.reduce((n, p) => n + 1 + (replies.get(p._id) ?? 0), 0) };
}

// ---- the backend ----

const ADMIN_HEADERS = {
  authorization: `Basic ${Buffer.from(`${DEFAULT_ADMIN.name}:${DEFAULT_ADMIN.password}`, 'utf8').toString('base64')}`,
  accept: 'application/json', 'content-type': 'application/json',
};

async function admin(url, method, path, body, what) {
  const res = await fetch(url + path, { method, headers: ADMIN_HEADERS, body: body && JSON.stringify(body) });
  const answer = await res.json().catch(() => null);
  if (!res.ok && res.status !== 412) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The group's database as the facilitator's app makes it (src/sync/facilitator.rs `ensure_shared_db`). */
async function createGroupDb(url, db, members) {
  await admin(url, 'PUT', `/${db}`, undefined, `create ${db}`);
  await admin(url, 'PUT', `/${db}/_security`, { admins: { names: [], roles: [] }, members: { names: members, roles: ['facilitator'] } },
    `set ${db}/_security`);
  await admin(url, 'PUT', `/${db}/_design/tandem`, { validate_doc_update: await validateDocUpdateSource() }, `save ${db}/_design/tandem`);
}

async function bulkLoad(url, db, docs) {
  for (let from = 0; from < docs.length; from += 1000) {
    const answer = await admin(url, 'POST', `/${db}/_bulk_docs`, { docs: docs.slice(from, from + 1000) }, `loading into ${db}`);
    const failed = Array.isArray(answer) ? answer.filter((r) => r.error) : [answer];
    if (failed.length) throw new Error(`loading into ${db}: ${JSON.stringify(failed[0])}`);
  }
}

// ---- in the page ----

/** Count of IndexedDB `store` in database `name` (page side; 0 while the app has not made it). */
const idbCount = ([name, store]) => new Promise((ok, fail) => {
  const open = indexedDB.open(name);
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(store)) { db.close(); return ok(0); }
    const request = db.transaction(store).objectStore(store).count();
    request.onsuccess = () => { db.close(); ok(request.result); };
    request.onerror = () => fail(request.error);
  };
});

/**
 * Page-side helpers, installed once: `benchOpen()` clicks "Group" and resolves at the paint after the first post
 * shows; `benchEarlier()` presses "Show earlier posts" and resolves at the paint after its posts show;
 * `benchScroll(ms, step)` scrolls by `step` px a frame and returns the frame intervals.
 */
function defineHelpers() {
  const posts = () => document.querySelector('ol[aria-label="Posts"]');
  const articles = () => posts()?.querySelectorAll('article').length ?? 0;
  // After the next paint: rAF runs before the frame's style, layout and paint; a message queued there runs after.
  const afterPaint = () => new Promise((ok) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => ok(performance.now());
    channel.port2.postMessage(null);
  }));
  const when = (test, timeout) => new Promise((ok, fail) => {
    if (test()) return ok();
    const observer = new MutationObserver(() => { if (test()) { observer.disconnect(); clearTimeout(timer); ok(); } });
    const timer = setTimeout(() => { observer.disconnect(); fail(new Error(`not within ${timeout} ms`)); }, timeout);
    observer.observe(document.body, { childList: true, subtree: true });
  });
  const facts = (t0, t1) => {
    const mark = performance.getEntriesByName('tandem:group-thread-drawn', 'mark')[0];
    return { ms: t1 - t0, markMs: mark ? mark.startTime - t0 : null, wasmBytes: mark?.detail?.wasmBytes ?? null,
      articles: articles(), elements: document.getElementsByTagName('*').length };
  };
  globalThis.benchOpen = async (timeout, wholeLabel) => {
    performance.clearMarks('tandem:group-thread-drawn');
    const link = [...document.querySelectorAll('nav[aria-label="Main"] a')].find((a) => a.textContent.trim() === 'Group');
    if (!link) throw new Error('no "Group" link in the bottom navigation');
    const t0 = performance.now();
    link.click();
    await when(() => posts()?.querySelector('article.post'), timeout);
    const drawn = facts(t0, await afterPaint());
    // The newest posts are drawn first; then the whole thread is read, and the button gives its count.
    await when(() => [...document.querySelectorAll('button')].some((b) => b.textContent === wholeLabel), timeout);
    return { ...drawn, wholeMs: performance.now() - t0 };
  };
  globalThis.benchEarlier = async (timeout) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.startsWith('Show earlier posts'));
    if (!button) return null;
    const before = articles();
    const label = button.textContent;
    const t0 = performance.now();
    button.click();
    await when(() => articles() > before, timeout);
    const t1 = await afterPaint();
    return { ms: t1 - t0, label, before, after: articles() };
  };
  globalThis.benchScroll = (duration, step) => new Promise((ok) => {
    const frames = [];
    let last = null;
    let distance = 0;
    let dir = 1;
    const tick = (t) => {
      if (last !== null) frames.push(t - last);
      last = t;
      if (frames.length && t - start >= duration) return ok({ frames, distance });
      const y = window.scrollY;
      window.scrollBy(0, dir * step);
      if (window.scrollY === y) dir = -dir; // the end of the page: come back up
      distance += Math.abs(window.scrollY - y);
      requestAnimationFrame(tick);
    };
    const start = performance.now();
    requestAnimationFrame(tick);
  });
}

// ---- the browser ----

async function signIn(page, app, backend, user) {
  await page.goto(`${app.url}/settings`);
  await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true), null, { timeout: 60_000 });
  await page.getByRole('textbox', { name: 'Server address', exact: true }).fill(backend.url);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(user.name);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function waitForDocs(page, expected) {
  const end = Date.now() + SYNC_TIMEOUT;
  let count = 0;
  while ((count = await page.evaluate(idbCount, ['tandem', 'docs'])) < expected && Date.now() < end) await page.waitForTimeout(500);
  return count;
}

/** Back to Today by its bottom-nav link, then a moment for the app to settle (tasks of the screen left). */
async function backToToday(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today', exact: true }).click();
  await page.waitForFunction(() => location.pathname === '/' && !document.querySelector('ol[aria-label="Posts"]'), null,
    { timeout: OPEN_TIMEOUT });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(400);
}

async function openRuns(page, label, wholeLabel) {
  const runs = [];
  for (let run = 1; run <= RUNS; run++) {
    await backToToday(page);
    const r = await page.evaluate(([t, whole]) => benchOpen(t, whole), [OPEN_TIMEOUT, wholeLabel])
      .catch((e) => { throw new Error(`${label} run ${run}: the thread did not appear: ${e.message}`); });
    console.log(`  ${label} run ${run}: drawn and painted ${ms(r.ms)} (tandem:group-thread-drawn at ` +
      `${r.markMs === null ? 'NOT MARKED' : ms(r.markMs)}), ${r.articles} posts drawn, ${r.elements} elements` +
      `, wasm memory ${r.wasmBytes === null ? 'unknown' : MB(r.wasmBytes)}; the whole thread read at ${ms(r.wholeMs)}`);
    runs.push(r);
  }
  return runs;
}

async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await metrics();
  await cdp.detach();
  return { heap: before.JSHeapUsedSize, heapAfterGc: after.JSHeapUsedSize, heapTotal: after.JSHeapTotalSize,
    nodes: after.Nodes, listeners: after.JSEventListeners };
}

/** Scroll the drawn page, press "Show earlier posts" EARLIER_PRESSES times, scroll again. */
async function scrolling(page, label) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const first = await page.evaluate(([d, s]) => benchScroll(d, s), [SCROLL_MS, 24]);
  const presses = [];
  for (let i = 0; i < EARLIER_PRESSES; i++) {
    const p = await page.evaluate((t) => benchEarlier(t), OPEN_TIMEOUT);
    if (!p) break;
    presses.push(p);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const second = await page.evaluate(([d, s]) => benchScroll(d, s), [SCROLL_MS, 24]);
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  const line = (name, r) => {
    const f = [...r.frames].sort((a, b) => a - b);
    return `  ${label} ${name}: ${f.length} frames over ${(r.distance / 1000).toFixed(1)}k px, frame p50 ${ms(percentile(f, 50))}` +
      ` | p95 ${ms(percentile(f, 95))} | max ${ms(f.at(-1))} | ${f.filter((x) => x > 50).length} over 50 ms | smooth ≈ p95 ≤ 16.7–33 ms`;
  };
  console.log(line('scroll, newest page', first));
  for (const p of presses) {
    console.log(`  ${label} "${p.label}": ${ms(p.ms)} to the paint, posts ${p.before} → ${p.after} | target ≤ ${TARGET_MS} ms`);
  }
  console.log(line(`scroll, ${presses.length + 1} pages`, second) + `; ${elements} elements`);
  return presses;
}

// ---- the run ----

const MB = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const sorted = (xs) => [...xs].sort((a, b) => a - b);

function summary(label, runs) {
  const t = sorted(runs.map((r) => r.ms));
  const m = sorted(runs.map((r) => r.markMs ?? NaN));
  console.log(`${label}: open → painted median ${ms(percentile(t, 50))} | p95 ${ms(percentile(t, 95))} [${t.map((x) => x.toFixed(0)).join(', ')}]` +
    ` | target ≤ ${TARGET_MS} ms; tandem:group-thread-drawn median ${ms(percentile(m, 50))}` +
    `; the whole thread read (all posts, for earlier pages) median ${ms(percentile(sorted(runs.map((r) => r.wholeMs)), 50))}`);
}

header(`group thread of ${POSTS} posts + ${REACTIONS} reactions: open the Group screen, scroll, memory` +
  ` (phone viewport, ${RUNS} runs, unthrottled and 4× CPU throttling)`);
const app = await startServer({ dir: DIST, port: 0 });
const backend = await startBackend({ port: 0, corsOrigins: [app.url] });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
let broken = false;
const fail = (why) => { broken = true; console.log(`BROKEN: ${why}`); };
try {
  const tag = randomUUID().slice(0, 8);
  const user = { name: `reader-${tag}`, password: `pw-${randomUUID()}` };
  const others = [`ana-${tag}`, `ben-${tag}`];
  await provisionUser(backend.url, DEFAULT_ADMIN, user.name, user.password);
  for (const name of others) await provisionUser(backend.url, DEFAULT_ADMIN, name, `pw-${randomUUID()}`);
  const groupId = `bench-${tag}`;
  const groupDb = `tandem-group-${groupId}`;
  const docs = makeDocs({ groupId, reader: user.name, others, facilitator: `fac-${tag}`, now: Date.now() });
  const loadStart = performance.now();
  await createGroupDb(backend.url, groupDb, [user.name, ...others]);
  await bulkLoad(backend.url, groupDb, [docs.group, docs.agreement, ...docs.posts, ...docs.reactions]);
  await bulkLoad(backend.url, careDbName(user.name), [docs.notice]);
  const want = expectedFirstPage(docs.posts);
  const expectedDocs = docs.posts.length + docs.reactions.length + 3; // + the group, the agreement, the notice
  const avg = docs.posts.reduce((n, p) => n + JSON.stringify(p).length, 0) / docs.posts.length;
  console.log(`backend ${backend.url}, app ${app.url} (${DIST}); loaded in ${ms(performance.now() - loadStart)}:` +
    ` ${docs.posts.length} posts (${want.threads} threads, avg ${avg.toFixed(0)} B JSON), ${docs.reactions.length} reactions,` +
    ` ${docs.group.schedule.length} sessions, into ${groupDb}`);

  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.addInitScript(defineHelpers);
  const syncStart = performance.now();
  await signIn(page, app, backend, user);
  const count = await waitForDocs(page, expectedDocs);
  console.log(`signed in and synced: IndexedDB holds ${count} documents (≥ ${expectedDocs} expected) after ${ms(performance.now() - syncStart)}`);
  if (count < expectedDocs) throw new Error(`IndexedDB holds ${count} documents, expected at least ${expectedDocs}: the group did not sync`);
  await page.goto(`${app.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Group', exact: true }).waitFor();

  const cdp = await context.newCDPSession(page);
  const results = {};
  for (const [label, rate] of [['unthrottled', 1], ['4× throttled', 4]]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    console.log(`${label}:`);
    const runs = await openRuns(page, label, `Show earlier posts (${want.threads - THREADS_PER_PAGE} more)`);
    // What the open screen shows must be the newest page of the thread, with the reader's posting state.
    const last = runs.at(-1);
    if (last.articles !== want.articles) fail(`${last.articles} posts drawn, expected ${want.articles} (the newest ${THREADS_PER_PAGE} threads with their replies)`);
    const more = await page.getByRole('button', { name: /^Show earlier posts/ }).textContent();
    if (more !== `Show earlier posts (${want.threads - THREADS_PER_PAGE} more)`) fail(`"${more}", expected ${want.threads - THREADS_PER_PAGE} more`);
    if (!(await page.getByText('Our norms (you agreed)').count())) fail('the norms are not shown as agreed (norms_hash?)');
    if (rate === 1) results.memory = { ...(await memory(page)), wasm: last.wasmBytes, elements: last.elements };
    results[label] = { runs, presses: await scrolling(page, label) };
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  console.log('summary:');
  summary('  unthrottled ', results.unthrottled.runs);
  summary('  4× throttled', results['4× throttled'].runs);
  for (const label of ['unthrottled', '4× throttled']) {
    const p = sorted(results[label].presses.map((x) => x.ms));
    if (p.length) console.log(`  ${label} "Show earlier posts" median ${ms(percentile(p, 50))} | max ${ms(p.at(-1))} | target ≤ ${TARGET_MS} ms`);
  }
  const m = results.memory;
  console.log(`  memory after opening: JS heap ${MB(m.heap)} (${MB(m.heapAfterGc)} after GC, ${MB(m.heapTotal)} allocated)` +
    ` + wasm memory ${m.wasm === null ? 'unknown' : MB(m.wasm)}; DOM ${m.elements} elements, ${m.nodes} nodes, ${m.listeners} listeners`);
  await context.close();
} catch (e) {
  broken = true;
  console.log(`BROKEN: ${e.message}`);
} finally {
  await browser.close();
  await backend.close();
  await app.close();
}
if (broken) process.exitCode = 1;
// express-pouchdb can keep a timer of an abandoned long-poll alive after closing: do not wait for it.
process.exit();
