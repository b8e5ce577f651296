// The local sync backend keeps each person's data to themselves, as CouchDB 3 does: these checks are what make the
// sync journeys' privacy claims mean something. API requests only (no page). Each test makes its own users.
import { expect } from '@playwright/test';
import { ADMIN, BACKEND_URL, freshUser, test } from './backend.mjs';
import { provisionUser, userDbName } from '../backend/provision.mjs';

// Every way into a database a replicating client (or a curious one) uses. `timeout` keeps a feed that wrongly
// opened from hanging the test.
const READS = {
  'GET /db': (c, db) => c.get(`/${db}`),
  _all_docs: (c, db) => c.get(`/${db}/_all_docs?include_docs=true`),
  _changes: (c, db) => c.get(`/${db}/_changes?style=all_docs&include_docs=true`),
  'longpoll _changes': (c, db) => c.get(`/${db}/_changes?feed=longpoll&since=0`, { timeout: 5_000 }),
  'continuous _changes': (c, db) => c.get(`/${db}/_changes?feed=continuous&since=0`, { timeout: 5_000 }),
  _bulk_get: (c, db) => c.post(`/${db}/_bulk_get?revs=true`, { data: { docs: [{ id: 'note' }] } }),
  _find: (c, db) => c.post(`/${db}/_find`, { data: { selector: {} } }),
  _revs_diff: (c, db) => c.post(`/${db}/_revs_diff`, { data: { note: ['1-abc'] } }),
  'a document': (c, db) => c.get(`/${db}/note`),
  'a _local document': (c, db) => c.get(`/${db}/_local/checkpoint`),
  'the design document': (c, db) => c.get(`/${db}/_design/tandem`),
  _security: (c, db) => c.get(`/${db}/_security`),
  _bulk_docs: (c, db) => c.post(`/${db}/_bulk_docs`, { data: { docs: [{ _id: 'note', text: 'overwritten' }] } }),
};

/** A user whose database holds one document they wrote and one replication checkpoint. */
async function ownerWithData(as) {
  const owner = await freshUser('owner');
  const api = await as(owner);
  expect((await api.put(`/${owner.db}/note`, { data: { author: owner.name, text: 'private' } })).status()).toBe(201);
  expect((await api.put(`/${owner.db}/_local/checkpoint`, { data: { last_seq: 1 } })).status()).toBe(201);
  return { owner, api };
}

test('another signed-in user gets 403 forbidden on every endpoint of a user database', async ({ as }) => {
  const { owner, api } = await ownerWithData(as);
  const other = await as(await freshUser('other'));
  for (const [name, read] of Object.entries(READS)) {
    const res = await read(other, owner.db);
    expect(res.status(), name).toBe(403);
    expect(await res.json(), name).toEqual({ error: 'forbidden', reason: expect.any(String) });
  }
  // Nothing leaked or changed: the owner still sees their own note.
  expect((await (await api.get(`/${owner.db}/note`)).json()).text).toBe('private');
});

test('anonymous requests get 401 unauthorized, and the server stays up', async ({ as }) => {
  const { owner, api } = await ownerWithData(as);
  const anonymous = await as(null);
  for (const [name, read] of Object.entries(READS)) {
    const res = await read(anonymous, owner.db);
    expect(res.status(), name).toBe(401);
    expect(await res.json(), name).toEqual({ error: 'unauthorized', reason: expect.any(String) });
  }
  expect((await anonymous.get('/')).status()).toBe(200);
  expect((await api.get(`/${owner.db}/note`)).status()).toBe(200);
});

test('only server admins create or delete databases; a new database is admin-only', async ({ as }) => {
  const user = await freshUser('user');
  const anonymous = await as(null);
  const signedIn = await as(user);
  const admin = await as(ADMIN);
  const name = `newdb-${Date.now()}`;

  // express-pouchdb alone crashes on an unauthenticated PUT /{db}: the server must still answer afterwards.
  expect((await anonymous.put(`/${name}`)).status()).toBe(401);
  expect((await anonymous.get('/')).status()).toBe(200);
  expect(await (await signedIn.put(`/${name}`)).json()).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
  expect((await signedIn.delete(`/${user.db}`)).status()).toBe(401);
  expect((await signedIn.get(`/${user.db}`)).status()).toBe(200);

  expect((await admin.put(`/${name}`)).status()).toBe(201);
  expect((await signedIn.get(`/${name}`)).status()).toBe(403); // no security object yet: admin-only, as in CouchDB 3
  expect((await admin.delete(`/${name}`)).status()).toBe(200);
});

test('a write must name its writer as author, replicated writes included', async ({ as }) => {
  const user = await freshUser('writer');
  const api = await as(user);
  const db = user.db;

  const claimed = await api.put(`/${db}/claimed`, { data: { author: 'someone-else' } });
  expect(claimed.status()).toBe(403);
  expect((await claimed.json()).error).toBe('forbidden');
  expect((await api.put(`/${db}/mine`, { data: { author: user.name } })).status()).toBe(201);
  const mixed = await api.post(`/${db}/_bulk_docs`, {
    data: { docs: [{ _id: 'a', author: user.name }, { _id: 'b', author: 'someone-else' }, { _id: 'c' }] },
  });
  expect((await mixed.json()).map((result) => [result.id, result.error ?? 'ok'])).toEqual([
    ['a', 'ok'],
    ['b', 'forbidden'],
    ['c', 'ok'],
  ]);

  // What the replicator sends: new_edits=false with the revision history.
  const replicated = (author) => ({
    new_edits: false,
    docs: [{ _id: 'replicated', _rev: '2-b2', _revisions: { start: 2, ids: ['b2', 'a1'] }, author }],
  });
  const refused = await api.post(`/${db}/_bulk_docs`, { data: replicated('someone-else') });
  expect(await refused.json()).toEqual([{ id: 'replicated', error: 'forbidden', reason: expect.any(String) }]);
  expect((await api.get(`/${db}/replicated`)).status()).toBe(404);

  expect(await (await api.post(`/${db}/_bulk_docs`, { data: replicated(user.name) })).json()).toEqual([]);
  const stored = await (await api.get(`/${db}/replicated?revs=true`)).json();
  expect(stored._revisions).toEqual({ start: 2, ids: ['b2', 'a1'] }); // the whole history, not just the leaf

  // A document someone else wrote (here put in by the server admin, who may do anything) stays theirs.
  const admin = await as(ADMIN);
  const theirs = await (await admin.put(`/${db}/theirs`, { data: { author: 'someone-else' } })).json();
  expect((await api.put(`/${db}/theirs`, { data: { _rev: theirs.rev, author: user.name } })).status()).toBe(403);
  expect((await api.delete(`/${db}/theirs?rev=${theirs.rev}`)).status()).toBe(403);
  const mine = await (await api.get(`/${db}/mine`)).json();
  expect((await api.delete(`/${db}/mine?rev=${mine._rev}`)).status()).toBe(200);

  // A database admin may do anything, as a server admin may.
  const shared = `shared-${Date.now()}`;
  expect((await admin.put(`/${shared}`)).status()).toBe(201);
  const security = { admins: { names: [user.name], roles: [] }, members: { names: [], roles: [] } };
  expect((await admin.put(`/${shared}/_security`, { data: security })).status()).toBe(200);
  const design = await (await api.get(`/${db}/_design/tandem`)).json();
  const rule = { validate_doc_update: design.validate_doc_update };
  expect((await admin.put(`/${shared}/_design/tandem`, { data: rule })).status()).toBe(201);
  expect((await api.put(`/${shared}/moderated`, { data: { author: 'someone-else' } })).status()).toBe(201);
  expect((await admin.delete(`/${shared}`)).status()).toBe(200);
});

test('the owner can do a full replication round trip', async ({ as }) => {
  const user = await freshUser('replicator');
  const api = await as(user);
  const db = user.db;
  const doc = (rev, ids, text) => ({ _id: 'entry', _rev: rev, _revisions: { start: Number(rev[0]), ids }, author: user.name, text });

  // Push: which revisions are missing, send them with their history, then save a checkpoint.
  let diff = await api.post(`/${db}/_revs_diff`, { data: { entry: ['2-bb', '1-aa'] } });
  expect((await diff.json()).entry.missing.sort()).toEqual(['1-aa', '2-bb']);
  const push = await api.post(`/${db}/_bulk_docs`, { data: { new_edits: false, docs: [doc('2-bb', ['bb', 'aa'], 'two')] } });
  expect(push.status()).toBe(201);
  // (Only leaves are asked about, as the replicator does: express-pouchdb also calls a bodiless ancestor missing.)
  diff = await api.post(`/${db}/_revs_diff`, { data: { entry: ['2-bb'] } });
  expect(await diff.json()).toEqual({});
  expect((await api.put(`/${db}/_local/push-checkpoint`, { data: { last_seq: 'opaque' } })).status()).toBe(201);

  // A concurrent edit from another device: CouchDB keeps both branches.
  await api.post(`/${db}/_bulk_docs`, { data: { new_edits: false, docs: [doc('2-cc', ['cc', 'aa'], 'other')] } });

  // Pull: the changes feed lists every leaf, _bulk_get returns the revisions with their history.
  const changes = await (await api.get(`/${db}/_changes?style=all_docs&since=0`)).json();
  const entry = changes.results.find((row) => row.id === 'entry');
  expect(entry.changes.map((change) => change.rev).sort()).toEqual(['2-bb', '2-cc']);
  expect(changes).toHaveProperty('last_seq');
  const bulk = await api.post(`/${db}/_bulk_get?revs=true`, {
    data: { docs: [{ id: 'entry', rev: '2-bb' }, { id: 'entry', rev: '2-cc' }] },
  });
  const fetched = (await bulk.json()).results.flatMap((result) => result.docs.map((d) => d.ok));
  expect(fetched.map((d) => d._revisions.ids).sort()).toEqual([['bb', 'aa'], ['cc', 'aa']]);

  // The checkpoint reads back and can be moved on with its _rev.
  const checkpoint = await (await api.get(`/${db}/_local/push-checkpoint`)).json();
  expect(checkpoint.last_seq).toBe('opaque');
  const moved = await api.put(`/${db}/_local/push-checkpoint`, { data: { _rev: checkpoint._rev, last_seq: 'later' } });
  expect(moved.status()).toBe(201);
});

test('members cannot change who may read a database', async ({ as }) => {
  const user = await freshUser('member');
  const api = await as(user);
  const stranger = await as(await freshUser('stranger'));
  const open = { members: { names: [], roles: [] } };

  expect((await api.put(`/${user.db}/_security`, { data: open })).status()).toBe(401);
  expect((await api.put(`/${user.db}/_design/tandem`, { data: { validate_doc_update: 'function () {}' } })).status()).toBe(401);
  // express-pouchdb keeps the security object in _local/_security: every way of writing it directly is refused.
  const local = `/${user.db}/_local/_security`;
  const { _rev } = await (await api.get(local)).json();
  expect((await api.put(local, { data: { _rev, security: open } })).status()).toBe(403);
  expect((await api.delete(`${local}?rev=${_rev}`)).status()).toBe(403);
  await api.put(`/${user.db}/open`, { data: { security: open } });
  expect((await api.fetch(`/${user.db}/open`, { method: 'COPY', headers: { Destination: `_local/_security?rev=${_rev}` } })).status()).toBe(403);
  const bulk = await api.post(`/${user.db}/_bulk_docs`, { data: { docs: [{ _id: '_local/_security', _rev, security: open }] } });
  expect((await bulk.json())[0].error).toBe('forbidden');
  expect((await stranger.get(`/${user.db}`)).status()).toBe(403);
});

test('server-level endpoints and other accounts are for server admins', async ({ as }) => {
  const user = await freshUser('curious');
  const other = await freshUser('other');
  const api = await as(user);
  expect((await api.get('/_all_dbs')).status()).toBe(401);
  expect((await api.get(`/_users/org.couchdb.user:${other.name}`)).status()).toBe(401);
  expect((await api.get('/_users/_all_docs')).status()).toBe(401);
  expect((await api.get(`/_users/org.couchdb.user:${user.name}`)).status()).toBe(200); // one's own account, read-only:
  const account = await (await api.get(`/_users/org.couchdb.user:${user.name}`)).json();
  const promoted = await api.put(`/_users/org.couchdb.user:${user.name}`, { data: { ...account, roles: ['_admin'] } });
  expect(promoted.status()).toBe(401);
});

// Not privacy: the express-pouchdb answers that differ from CouchDB 3 (backend/README.md), pinned so that a client
// written for CouchDB is known to cope with them here too.
test('the differences from CouchDB 3 a client must cope with', async ({ as }) => {
  const user = await freshUser('client');
  const api = await as(user);
  const db = user.db;
  for (const id of ['n1', 'n2', 'n3']) await api.put(`/${db}/${id}`, { data: { author: user.name } });

  const all = await (await api.get(`/${db}/_changes`)).json();
  expect(typeof all.last_seq).toBe('number'); // CouchDB: an opaque string
  expect(all).not.toHaveProperty('pending');
  // `since` is the seq's raw text in the URL; JSON-quoted it is misread.
  const since = all.results.find((row) => row.id === 'n1').seq;
  const after = await (await api.get(`/${db}/_changes?since=${since}`)).json();
  expect(after.results.map((row) => row.id)).toEqual(['n2', 'n3']);
  const quoted = await (await api.get(`/${db}/_changes?since=${encodeURIComponent(JSON.stringify(String(since)))}`)).json();
  expect(quoted.results.map((row) => row.id)).toContain('n1');

  // A long-poll ignores `timeout`: it ends only when a change comes, so a client must abort its own.
  let settled = false;
  const poll = api.get(`/${db}/_changes?feed=longpoll&since=${all.last_seq}&timeout=200`).finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(settled).toBe(false);
  await api.put(`/${db}/n4`, { data: { author: user.name } });
  expect((await (await poll).json()).results.map((row) => row.id)).toEqual(['n4']);

  // _bulk_get: {missing} for an unknown revision, {} for an unknown document (CouchDB: {error: {...}} for both).
  const bulk = await api.post(`/${db}/_bulk_get?revs=true`, { data: { docs: [{ id: 'n1', rev: '9-x' }, { id: 'nope' }] } });
  const byId = Object.fromEntries((await bulk.json()).results.map((result) => [result.id, result.docs]));
  expect(byId).toEqual({ n1: [{ missing: '9-x' }], nope: [{}] });

  // JSON only when asked for, as CouchDB does.
  expect((await api.get(`/${db}`, { headers: { Accept: '*/*' } })).headers()['content-type']).toMatch(/^text\/plain/);
  expect((await api.get(`/${db}`, { headers: { Accept: 'application/json' } })).headers()['content-type']).toMatch(/^application\/json/);
});

test("a design document's validate function can neither hang the server nor reach node", async ({ as }) => {
  const user = await freshUser('sandbox');
  const admin = await as(ADMIN);
  const api = await as(user);
  const nodeCheck =
    "function () { if (typeof process !== 'undefined' || typeof require !== 'undefined') throw({forbidden: 'node is reachable'}); }";
  expect((await admin.put(`/${user.db}/_design/sandbox`, { data: { validate_doc_update: nodeCheck } })).status()).toBe(201);
  expect((await api.put(`/${user.db}/allowed`, { data: { author: user.name } })).status()).toBe(201);

  const loop = 'function () { while (true) {} }';
  expect((await admin.put(`/${user.db}/_design/loop`, { data: { validate_doc_update: loop } })).status()).toBe(201);
  const stuck = await api.put(`/${user.db}/stuck`, { data: { author: user.name } });
  expect(stuck.status()).toBe(500);
  expect((await stuck.json()).error).toBe('render_error');
  expect((await api.get('/')).status()).toBe(200);

  // The Mango form is not supported: refused loudly, never skipped.
  const other = await freshUser('mango');
  const mango = { validate_doc_update: { newDoc: { author: { $exists: true } } }, language: 'query' };
  expect((await admin.put(`/${other.db}/_design/mango`, { data: mango })).status()).toBe(201);
  const refused = await (await as(other)).put(`/${other.db}/doc`, { data: { author: other.name } });
  expect([refused.status(), (await refused.json()).error]).toEqual([500, 'compilation_error']);
});

test('CORS: the app origin gets credentialed CORS, other origins get none', async ({ as }) => {
  const anonymous = await as(null);
  const preflight = (origin) =>
    anonymous.fetch('/some-db/_bulk_docs', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });

  const allowed = await preflight('http://127.0.0.1:47181');
  expect(allowed.status()).toBe(204);
  const headers = allowed.headers();
  expect(headers['access-control-allow-origin']).toBe('http://127.0.0.1:47181');
  expect(headers['access-control-allow-credentials']).toBe('true');
  expect(headers['access-control-allow-methods']).toBe('GET, PUT, POST, DELETE, HEAD');
  expect(headers['access-control-allow-headers']).toBe('Content-Type, Accept, Authorization');
  expect(headers.vary).toContain('Origin');

  const refused = (await preflight('http://evil.example')).headers();
  expect(Object.keys(refused).filter((name) => name.startsWith('access-control-'))).toEqual([]);

  // Error answers carry CORS too, or the app could not read why it was refused.
  const denied = await anonymous.get('/_all_dbs', { headers: { Origin: 'http://127.0.0.1:47181' } });
  expect(denied.status()).toBe(401);
  expect(denied.headers()['access-control-allow-origin']).toBe('http://127.0.0.1:47181');
  expect(denied.headers()['access-control-expose-headers']).toContain('ETag');
});

test('a session cookie from POST /_session works in place of the password', async ({ as }) => {
  const user = await freshUser('cookie');
  const browserLike = await as(null); // keeps the cookie in its jar
  const login = await browserLike.post('/_session', { data: { name: user.name, password: user.password } });
  expect(login.status()).toBe(200);
  expect(await login.json()).toEqual({ ok: true, name: user.name, roles: [] });
  expect(login.headers()['set-cookie']).toMatch(/^AuthSession=[^;]+;.*HttpOnly/i);

  expect((await browserLike.get(`/${user.db}`)).status()).toBe(200);
  const session = await (await browserLike.get('/_session')).json();
  expect(session.userCtx).toEqual({ name: user.name, roles: [] });

  expect((await browserLike.post('/_session', { data: { name: user.name, password: 'wrong' } })).status()).toBe(401);
  expect((await browserLike.delete('/_session')).status()).toBe(200);
  expect((await browserLike.get(`/${user.db}`)).status()).toBe(401);
});

test('provisioning is idempotent and names databases as CouchDB does', async ({ as }) => {
  expect(userDbName('alex')).toBe('userdb-616c6578');
  expect(userDbName('zoë')).toBe('userdb-7a6fc3ab');
  const user = await freshUser('again');
  expect(await provisionUser(BACKEND_URL, ADMIN, user.name, user.password)).toBe(user.db);
  const api = await as(user);
  expect((await api.get(`/${user.db}`)).status()).toBe(200);
  expect(await (await api.get(`/${user.db}/_security`)).json()).toEqual({
    admins: { names: [], roles: [] },
    members: { names: [user.name], roles: [] },
  });
  const design = await (await api.get(`/${user.db}/_design/tandem`)).json();
  expect(design.validate_doc_update).toMatch(/^function \(newDoc, oldDoc, userCtx, secObj\)/);
  expect(design._rev).toMatch(/^1-/); // unchanged source: not rewritten
});
