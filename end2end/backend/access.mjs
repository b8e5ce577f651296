// The layer in front of express-pouchdb: CORS for the app's origins, and CouchDB 3's access rules on every request.
//
// express-pouchdb 4.2 alone lets non-members and anonymous users read documents through _bulk_get and _find, crashes
// on an unauthenticated PUT /{db} or a non-member's continuous _changes, answers 401 where CouchDB says 403, and sends
// no CORS headers. So every request is checked here, before express-pouchdb sees it:
// - server admins may do anything;
// - anybody may use /, /_session and /_uuids; other server-level endpoints, creating or deleting a database
//   and the system databases (names starting with _) are for server admins only, except a user's own _users document;
// - a database's endpoints (documents, _local, _design, _all_docs, _changes, _bulk_get, _find, _revs_diff,
//   _bulk_docs, _security, ...) are for its members and admins. No members listed means public, as in CouchDB; a
//   database nobody gave a security object is admin-only, as CouchDB 3 creates databases.
// Finer rules inside a database (design documents and _security need a database admin, validate_doc_update) are
// express-pouchdb's and writes.mjs's.

const PUBLIC_ENDPOINTS = new Set(['/', '/_session', '/_uuids']);
// CouchDB's rule for database names, without '/': express-pouchdb strips it, which would alias another database.
const DB_NAME = /^[a-z][a-z0-9_$()+-]*$/;
// Response headers a page may read (CouchDB's default list); the CORS-safelisted ones need no mention.
const EXPOSED = 'Accept-Ranges, ETag, Location, Server, X-Couch-Request-ID, X-Couch-Update-NewRev, X-CouchDB-Body-Time';

/** CORS for the given origins: credentials allowed (the session cookie), preflights answered here. */
export function cors(origins) {
  const allowed = new Set(origins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (ok) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': EXPOSED,
      });
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (ok) {
        res.set({
          'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE, HEAD',
          'Access-Control-Allow-Headers': 'Content-Type, Accept, Authorization',
          'Access-Control-Max-Age': '600',
        });
      }
      return res.status(204).end(); // another origin's preflight gets no CORS headers: the browser refuses
    }
    next();
  };
}

/**
 * CouchDB 3's access rules. `lookup.session(req)` and `lookup.security(db)` ask express-pouchdb itself (over a
 * private socket) and resolve to {status, json}.
 */
export function accessControl(lookup) {
  return (req, res, next) => {
    check(lookup, req, res).then(
      (allowed) => allowed && next(),
      (err) => next(err)
    );
  };
}

async function check(lookup, req, res) {
  const session = await lookup.session(req);
  if (session.status !== 200) return send(res, session.status, session.json); // wrong name or password
  const user = session.json.userCtx;
  if (user.roles.includes('_admin')) return true;

  const pathname = req.url.split('?', 1)[0];
  if (PUBLIC_ENDPOINTS.has(pathname)) return true;
  const target = parseTarget(pathname);
  if (!target) return send(res, 400, { error: 'bad_request', reason: 'Malformed URL path.' });
  if (!target.db) return notServerAdmin(res);
  if (target.db === '_users' && user.name && target.rest === `org.couchdb.user:${user.name}` && isRead(req)) {
    return true; // one's own account document (CouchDB lets users read theirs)
  }
  if (target.db.startsWith('_')) return notServerAdmin(res);
  if (!DB_NAME.test(target.db)) {
    return send(res, 400, {
      error: 'illegal_database_name',
      reason: `Name: '${target.db}'. Only lowercase letters (a-z), digits (0-9) and _ $ ( ) + - are allowed, starting with a letter.`,
    });
  }
  if (target.rest === '' && (req.method === 'PUT' || req.method === 'DELETE')) return notServerAdmin(res);

  const security = await lookup.security(target.db);
  if (security.status !== 200) return send(res, security.status, security.json); // no such database
  if (isMember(user, security.json)) return true;
  return user.name
    ? send(res, 403, { error: 'forbidden', reason: 'You are not allowed to access this db.' })
    : send(res, 401, { error: 'unauthorized', reason: 'You are not authorized to access this db.' });
}

/** {db, rest} for /{db} and /{db}/{rest...} (both decoded; db '' for server-level paths), null when undecodable. */
function parseTarget(pathname) {
  const slash = pathname.indexOf('/', 1);
  const rawDb = slash === -1 ? pathname.slice(1) : pathname.slice(1, slash);
  const rawRest = slash === -1 ? '' : pathname.slice(slash + 1);
  try {
    return { db: decodeURIComponent(rawDb), rest: decodeURIComponent(rawRest) };
  } catch {
    return null;
  }
}

const isRead = (req) => req.method === 'GET' || req.method === 'HEAD';

const names = (section) => (section && Array.isArray(section.names) ? section.names : []);
const roles = (section) => (section && Array.isArray(section.roles) ? section.roles : []);
const isIn = (user, section) =>
  names(section).includes(user.name) || roles(section).some((role) => user.roles.includes(role));

function isMember(user, security) {
  if (!security.members && !security.admins) return false; // never given a security object: admin-only
  if (isIn(user, security.admins)) return true;
  const { members } = security;
  return (names(members).length === 0 && roles(members).length === 0) || isIn(user, members);
}

function notServerAdmin(res) {
  return send(res, 401, { error: 'unauthorized', reason: 'You are not a server admin.' });
}

function send(res, status, body) {
  res.status(status).type('application/json').send(`${JSON.stringify(body)}\n`);
  return false;
}
