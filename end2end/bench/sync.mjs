// First sync of 10,000 documents (~330 bytes of JSON each) from the local backend into IndexedDB, in headless
// Chromium, three ways in the same run, each in a fresh browser context (fresh IndexedDB), three rounds, medians:
//   tandem    the app: /settings, fill in the server, username and password, press "Sign in"; timed from the click to
//             the end of the runner's first pull (the app's `tandem:pull` measure, whose detail holds the revisions
//             received and the wasm memory size);
//   pouchdb   PouchDB 9's browser build, default settings (idb adapter): POST /_session, PouchDB.replicate(remote, local);
//   baseline  plain fetch of `_changes?include_docs=true&limit=500` pages, one IndexedDB readwrite transaction per page.
// All three sign in with POST /_session inside the timed span. Each run checks that IndexedDB then holds all 10,000
// documents. Prints the times, the ratios against their targets (PouchDB/Tandem ≥ 5, Tandem/baseline ≤ 1.3), memory
// after the sync (JS heap, wasm memory) and where the time of Tandem's median run went (the network requests it waited
// on, from Resource Timing).
// Usage: node end2end/bench/sync.mjs   (needs dist/ from scripts/build.sh, or TANDEM_DIST=<dir>; starts its own
//        backend and app server on free ports on 127.0.0.1). SYNC_BENCH_DOCS=<n> and SYNC_BENCH_RUNS=<n> change the size.
import { chromium } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.mjs';
import { startServer } from '../serve.mjs';
import { startBackend } from '../backend/server.mjs';
import { provisionUser } from '../backend/provision.mjs';
import { DEFAULT_ADMIN } from '../backend/defaults.mjs';
import { DIST, ROOT, header, ms, percentile } from './lib.mjs';

const DOCS = Number(process.env.SYNC_BENCH_DOCS ?? 10_000);
const RUNS = Number(process.env.SYNC_BENCH_RUNS ?? 3);
const DOC_BYTES = 330;
const POUCHDB_JS = `${ROOT}end2end/node_modules/pouchdb/dist/pouchdb.min.js`;
const TIMEOUT = 600_000;
const BLANK = '/bench-blank.html'; // a page on the app's origin that is not the app, for PouchDB and the baseline

const basic = ({ name, password }) => `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}`;

/** A mood entry shaped like the app's, padded (in its note) to DOC_BYTES of JSON. */
function moodDoc(i) {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 2_671_000);
  const iso = at.toISOString();
  const doc = {
    _id: `mood:${iso.replace(/[^0-9A-Za-z]/g, '')}:${i.toString(32).toUpperCase().padStart(16, 'Q')}`,
    type: 'mood',
    schema: 1,
    score: 1 + (i % 10),
    day: iso.slice(0, 10),
    tags: ['sleep', 'group', 'walk'].slice(0, 1 + (i % 3)),
    note: '',
    created_at: iso,
    updated_at: iso,
  };
  const words = 'Slept badly but the morning walk helped; group was hard today and I said so out loud. ';
  doc.note = words.repeat(4).slice(0, Math.max(0, DOC_BYTES - JSON.stringify(doc).length));
  return doc;
}

async function loadDocs(url, db) {
  const auth = { authorization: basic(DEFAULT_ADMIN), accept: 'application/json', 'content-type': 'application/json' };
  for (let from = 0; from < DOCS; from += 1000) {
    const docs = Array.from({ length: Math.min(1000, DOCS - from) }, (_, k) => moodDoc(from + k));
    const res = await fetch(`${url}/${db}/_bulk_docs`, { method: 'POST', headers: auth, body: JSON.stringify({ docs }) });
    const answer = await res.json();
    const failed = Array.isArray(answer) ? answer.filter((r) => r.error) : [answer];
    if (!res.ok || failed.length) throw new Error(`loading documents: HTTP ${res.status} ${JSON.stringify(failed[0])}`);
  }
}

// ---- in the page ----

/** Count of IndexedDB `store` in database `name` (page side). */
const idbCount = ([name, store]) => new Promise((ok, fail) => {
  const open = indexedDB.open(name);
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction(store).objectStore(store).count();
    request.onsuccess = () => { open.result.close(); ok(request.result); };
    request.onerror = () => fail(request.error);
  };
});

/** Network time by kind of request to the backend, from Resource Timing (page side). */
const networkByKind = ([backend, from, to]) => {
  const kinds = {};
  for (const e of performance.getEntriesByType('resource')) {
    if (!e.name.startsWith(backend) || e.startTime < from || e.responseEnd > to) continue;
    const path = new URL(e.name).pathname;
    const kind = path.includes('/_changes') ? '_changes' : path.includes('/_bulk_get') ? '_bulk_get'
      : path.includes('/_local/') ? '_local' : path.includes('/_revs_diff') ? '_revs_diff'
      : path.endsWith('/_session') ? '_session' : 'other';
    const k = (kinds[kind] ??= { n: 0, ms: 0 });
    k.n += 1;
    k.ms += e.responseEnd - e.startTime;
  }
  // Wall time with at least one request in flight (requests may overlap).
  const spans = performance.getEntriesByType('resource').filter((e) => e.name.startsWith(backend) && e.startTime >= from
    && e.responseEnd <= to).map((e) => [e.startTime, e.responseEnd]).sort((a, b) => a[0] - b[0]);
  let busy = 0, end = -Infinity;
  for (const [s, e] of spans) {
    if (e > end) { busy += e - Math.max(s, end); end = e; }
  }
  return { kinds, busy };
};

async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  const before = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  await cdp.send('HeapProfiler.collectGarbage');
  const after = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  await cdp.detach();
  return { heap: before, heapAfterGc: after };
}

// ---- the three contenders: each resolves to { ms, count, heap, heapAfterGc, ...extra } ----

async function runTandem(context, app, backend, user) {
  const page = await context.newPage();
  await page.goto(`${app.url}/settings`);
  // Start with the app settled: its service worker installed (precache done), the form ready.
  await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true), null, { timeout: 60_000 });
  await page.evaluate(() => performance.setResourceTimingBufferSize(100_000));
  await page.getByRole('textbox', { name: 'Server address', exact: true }).fill(backend.url);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(user.name);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.evaluate(() => document.addEventListener('click', () => performance.mark('bench:click'), { capture: true, once: true }));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForFunction(() => performance.getEntriesByName('tandem:pull', 'measure').length, null,
    { timeout: TIMEOUT, polling: 50 });
  const t = await page.evaluate(() => {
    const click = performance.getEntriesByName('bench:click', 'mark')[0].startTime;
    const pull = performance.getEntriesByName('tandem:pull', 'measure')[0];
    return { click, end: pull.startTime + pull.duration, pull: pull.duration, ...pull.detail };
  });
  const count = await page.evaluate(idbCount, ['tandem', 'docs']);
  const net = await page.evaluate(networkByKind, [backend.url, t.click, t.end]);
  const mem = await memory(page);
  await page.close();
  return { ms: t.end - t.click, pullMs: t.pull, received: t.received, wasm: t.wasmBytes, count, net, ...mem };
}

/** In the page: `benchSignIn(url, name, password)`, the cookie sign-in both JS contenders start with (timed). */
function defineSignIn() {
  globalThis.benchSignIn = async (url, name, password) => {
    const session = await fetch(`${url}/_session`, {
      method: 'POST', credentials: 'include',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ name, password }),
    });
    if (!session.ok) throw new Error(`POST /_session: HTTP ${session.status}`);
  };
}

async function runPouch(context, app, backend, user) {
  const page = await context.newPage();
  await page.addInitScript(defineSignIn);
  await page.goto(`${app.url}${BLANK}`);
  await page.addScriptTag({ path: POUCHDB_JS });
  await page.evaluate(() => performance.setResourceTimingBufferSize(100_000));
  const r = await page.evaluate(async ({ url, db, name, password }) => {
    const t0 = performance.now();
    await benchSignIn(url, name, password);
    const local = new PouchDB('bench-pouch');
    const remote = new PouchDB(`${url}/${db}`, { fetch: (u, opts) => PouchDB.fetch(u, { ...opts, credentials: 'include' }) });
    const info = await PouchDB.replicate(remote, local);
    const t1 = performance.now();
    const all = await local.allDocs();
    return { t0, t1, adapter: local.adapter, written: info.docs_written, count: all.rows.filter((row) => !row.id.startsWith('_design/')).length };
  }, { url: backend.url, db: user.db, name: user.name, password: user.password });
  const net = await page.evaluate(networkByKind, [backend.url, r.t0, r.t1]);
  const mem = await memory(page);
  await page.close();
  return { ms: r.t1 - r.t0, count: r.count, adapter: r.adapter, written: r.written, net, ...mem };
}

async function runBaseline(context, app, backend, user) {
  const page = await context.newPage();
  await page.addInitScript(defineSignIn);
  await page.goto(`${app.url}${BLANK}`);
  await page.evaluate(() => performance.setResourceTimingBufferSize(100_000));
  const r = await page.evaluate(async ({ url, db, name, password }) => {
    const t0 = performance.now();
    await benchSignIn(url, name, password);
    const idb = await new Promise((ok, fail) => {
      const open = indexedDB.open('bench-baseline', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('docs', { keyPath: '_id' });
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    let since = 0;
    for (;;) {
      const res = await fetch(`${url}/${db}/_changes?include_docs=true&limit=500&since=${encodeURIComponent(since)}`,
        { credentials: 'include', headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`_changes: HTTP ${res.status}`);
      const page = await res.json();
      await new Promise((ok, fail) => {
        const tx = idb.transaction('docs', 'readwrite');
        const docs = tx.objectStore('docs');
        for (const row of page.results) if (row.doc && !row.id.startsWith('_design/')) docs.put(row.doc);
        tx.oncomplete = ok;
        tx.onerror = tx.onabort = () => fail(tx.error);
      });
      since = typeof page.last_seq === 'string' ? page.last_seq : JSON.stringify(page.last_seq);
      if (page.results.length < 500) break;
    }
    const t1 = performance.now();
    idb.close();
    return { t0, t1 };
  }, { url: backend.url, db: user.db, name: user.name, password: user.password });
  const count = await page.evaluate(idbCount, ['bench-baseline', 'docs']);
  const net = await page.evaluate(networkByKind, [backend.url, r.t0, r.t1]);
  const mem = await memory(page);
  await page.close();
  return { ms: r.t1 - r.t0, count, net, ...mem };
}

// ---- the run ----

const MB = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);
const netLine = ({ kinds, busy }) => `network busy ${ms(busy)}: ` + Object.entries(kinds)
  .map(([kind, k]) => `${kind} ${k.n}× ${ms(k.ms)}`).join(', ');

header(`first sync of ${DOCS} documents (~${DOC_BYTES} B JSON) into IndexedDB: Tandem vs PouchDB 9 vs plain fetch` +
  ` (${RUNS} rounds, fresh browser contexts)`);
const app = await startServer({ dir: DIST, port: 0 });
app.setOverride(BLANK, '<!doctype html><meta charset="utf-8"><title>bench</title>', 'text/html; charset=utf-8');
const backend = await startBackend({ port: 0, corsOrigins: [app.url] });
// --enable-precise-memory-info: performance.memory unrounded, should anyone read it from the page.
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
try {
  const user = { name: `bench-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` };
  user.db = await provisionUser(backend.url, DEFAULT_ADMIN, user.name, user.password);
  const loadStart = performance.now();
  await loadDocs(backend.url, user.db);
  console.log(`backend ${backend.url}, app ${app.url} (${DIST}); ${DOCS} documents loaded into ${user.db}` +
    ` in ${ms(performance.now() - loadStart)}; e.g. ${JSON.stringify(moodDoc(0)).length} B: ${JSON.stringify(moodDoc(0))}`);

  const contenders = { tandem: runTandem, pouchdb: runPouch, baseline: runBaseline };
  const results = { tandem: [], pouchdb: [], baseline: [] };
  for (let round = 1; round <= RUNS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const context = await browser.newContext();
      let r;
      try {
        r = await run(context, app, backend, user);
      } finally {
        await context.close();
      }
      const ok = r.count === DOCS;
      if (!ok) process.exitCode = 1;
      const extra = name === 'tandem' ? ` (pull alone ${ms(r.pullMs)}, ${r.received} revisions received), wasm memory ${MB(r.wasm)},`
        : name === 'pouchdb' ? ` (adapter ${r.adapter}, ${r.written} docs written),` : ',';
      console.log(`round ${round} ${name.padEnd(8)} ${ms(r.ms)}${extra} JS heap ${MB(r.heap)} (${MB(r.heapAfterGc)} after GC),` +
        ` IndexedDB holds ${r.count}${ok ? '' : ` — expected ${DOCS}: NOT all synced`}`);
      console.log(`         ${netLine(r.net)}`);
      results[name].push(r);
    }
  }

  const m = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, median(rs.map((r) => r.ms))]));
  const all = (k) => results[k].map((r) => r.ms.toFixed(0)).join(', ');
  console.log(`median tandem ${ms(m.tandem)} [${all('tandem')}] | pouchdb ${ms(m.pouchdb)} [${all('pouchdb')}]` +
    ` | baseline ${ms(m.baseline)} [${all('baseline')}]`);
  console.log(`pouchdb/tandem ${(m.pouchdb / m.tandem).toFixed(2)}× | target ≥ 5×`);
  console.log(`tandem/baseline ${(m.tandem / m.baseline).toFixed(2)}× | target ≤ 1.3×`);
  const medianOf = (k, f) => median(results[k].map(f));
  console.log(`memory after the sync (medians): tandem JS heap ${MB(medianOf('tandem', (r) => r.heap))}` +
    ` (${MB(medianOf('tandem', (r) => r.heapAfterGc))} after GC) + wasm memory ${MB(medianOf('tandem', (r) => r.wasm))}` +
    ` | pouchdb JS heap ${MB(medianOf('pouchdb', (r) => r.heap))} (${MB(medianOf('pouchdb', (r) => r.heapAfterGc))} after GC)` +
    ` | baseline JS heap ${MB(medianOf('baseline', (r) => r.heap))} (${MB(medianOf('baseline', (r) => r.heapAfterGc))} after GC)`);
} finally {
  await browser.close();
  await backend.close();
  await app.close();
}
// express-pouchdb can keep a timer of an abandoned long-poll alive after closing: do not wait for it.
process.exit();
