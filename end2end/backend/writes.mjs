// Write rules installed on every database express-pouchdb opens (through its own dbWrapper hook), so they hold for
// every write path at once: PUT/POST/DELETE of a document, COPY, attachments, _bulk_docs, new_edits=false.
//
// 1. validate_doc_update, done the way CouchDB does it. express-pouchdb 4.2's own validation (pouchdb-validation)
//    overwrites each incoming document's `_revisions` with the stored winner's history before writing it, so with
//    any validate_doc_update present a replicated write (`_bulk_docs` with new_edits=false) is silently dropped or
//    stored with a truncated history. The server starts express-pouchdb without that part and uses this instead:
//    the document is never touched, oldDoc is the revision the write extends, results keep the request's order.
// 2. `_local/_security` is reserved. pouchdb-security keeps the security object in that local document, so without
//    this rule any member could rewrite a database's members (or make it public) with an ordinary document write.
import vm from 'node:vm';
import wrappers from 'pouchdb-wrappers';

const SECURITY_DOC = '_local/_security';
const VALIDATE_TIMEOUT_MS = 1000; // a design document's function must not hang the server

/** Installs the write rules on express-pouchdb's databases. `pouchApp` is the express-pouchdb app. */
export function installWriteRules(pouchApp) {
  pouchApp.dbWrapper.registerWrapper((name, db, next) => {
    // System databases keep their own validation: pouchdb-auth validates _users itself.
    wrappers.installWrapperMethods(db, name.startsWith('_') ? SYSTEM_DB_RULES : DB_RULES);
    return next();
  });
}

// Calls from HTTP routes carry the requester's userCtx; express-pouchdb's own internal calls (pouchdb-security
// writing the security object, pouchdb-auth) carry none and are trusted.
const fromRequest = (options) => Boolean(options && options.userCtx);

function reservedError(id) {
  return docError(id, 403, 'forbidden', `${SECURITY_DOC} is reserved: change a database's security with PUT /{db}/_security.`);
}

function docError(id, status, name, message) {
  return Object.assign(new Error(message), { status, name, message, error: true, id });
}

function guardLocal(original, args) {
  if (fromRequest(args.options) && args.doc && args.doc._id === SECURITY_DOC) {
    return Promise.reject(reservedError(SECURITY_DOC));
  }
  return original();
}

function guardBulkLocal(original, args) {
  if (fromRequest(args.options) && args.docs.some((doc) => doc && doc._id === SECURITY_DOC)) {
    return Promise.reject(reservedError(SECURITY_DOC));
  }
  return original();
}

const SYSTEM_DB_RULES = { put: guardLocal, remove: guardLocal, bulkDocs: guardBulkLocal };
const DB_RULES = { put: guardLocal, remove: guardLocal, bulkDocs: validatingBulkDocs };

async function validatingBulkDocs(original, args) {
  if (!fromRequest(args.options)) return original();
  const { base: db, options } = args;
  const replicated = options.new_edits === false;
  const validators = await validatorsOf(db);
  const docs = args.docs;
  const rejected = new Map(); // index in the request -> error
  await Promise.all(
    docs.map(async (doc, index) => {
      if (!doc || typeof doc !== 'object') return; // PouchDB answers malformed entries itself
      if (doc._id === SECURITY_DOC) return rejected.set(index, reservedError(SECURITY_DOC));
      if (typeof doc._id === 'string' && doc._id.startsWith('_local/')) return; // CouchDB never validates these
      if (!validators.length) return;
      const oldDoc = await previousRevision(db, doc, replicated);
      for (const validate of validators) {
        const error = validate(doc, oldDoc, options.userCtx, options.secObj || {});
        if (error) return rejected.set(index, error);
      }
    })
  );
  if (!rejected.size) return original();

  args.docs = docs.filter((_, index) => !rejected.has(index));
  const written = args.docs.length ? await original() : [];
  // new_edits=false answers only with errors; otherwise one result per document, in the request's order.
  if (replicated) return [...rejected.values(), ...written];
  let next = 0;
  return docs.map((_, index) => rejected.get(index) ?? written[next++]);
}

/** The revision a write builds on, as CouchDB passes it to validate_doc_update (null for a new document). */
async function previousRevision(db, doc, replicated) {
  if (typeof doc._id !== 'string') return null;
  const tryRev = (rev) => db.get(doc._id, { rev }).catch(() => null);
  if (!replicated) return doc._rev ? tryRev(doc._rev) : db.get(doc._id).catch(() => null);
  // A replicated revision carries its ancestry: the nearest ancestor stored here is what it extends.
  const history = doc._revisions;
  if (!history || !Array.isArray(history.ids)) return null;
  for (let i = 1; i < history.ids.length; i++) {
    const found = await tryRev(`${history.start - i}-${history.ids[i]}`);
    if (found) return found;
  }
  return null;
}

// Compiled validate_doc_update functions, per database, keyed by design document id and revision.
const compiled = new WeakMap();

async function validatorsOf(db) {
  const { rows } = await db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true });
  const cache = compiled.get(db) ?? new Map();
  compiled.set(db, cache);
  const validators = [];
  for (const { doc } of rows) {
    if (doc.validate_doc_update === undefined) continue;
    const key = `${doc._id}@${doc._rev}`;
    if (!cache.has(key)) cache.set(key, compile(doc));
    validators.push(cache.get(key));
  }
  return validators;
}

// Each function runs in its own context with CouchDB's helpers and no access to node: design documents in
// shared databases may be written from a browser by a database admin.
function compile(ddoc) {
  if (typeof ddoc.validate_doc_update !== 'string') {
    // CouchDB 3.4's Mango form: refused loudly rather than skipped, so nothing passes that CouchDB would stop.
    return (newDoc) => docError(newDoc._id, 500, 'compilation_error', `${ddoc._id}: only JavaScript validate_doc_update is supported here`);
  }
  const context = vm.createContext({ log() {}, isArray: Array.isArray, toJSON: JSON.stringify });
  try {
    vm.runInContext(
      `var __ddoc = JSON.parse(${JSON.stringify(JSON.stringify(ddoc))}); var __vdu = (${ddoc.validate_doc_update});`,
      context,
      { timeout: VALIDATE_TIMEOUT_MS }
    );
  } catch (err) {
    return (newDoc) => docError(newDoc._id, 500, 'compilation_error', `${ddoc._id}: validate_doc_update: ${err.message}`);
  }
  return (newDoc, oldDoc, userCtx, secObj) => {
    // Arguments cross into the context as JSON, so the function sees plain values of its own realm and cannot
    // change the document being written.
    context.__input = JSON.stringify([newDoc, oldDoc, userCtx, secObj]);
    try {
      vm.runInContext('__vdu.apply(__ddoc, JSON.parse(__input))', context, { timeout: VALIDATE_TIMEOUT_MS });
      return null;
    } catch (thrown) {
      const id = newDoc._id;
      if (thrown && typeof thrown === 'object' && 'forbidden' in thrown) {
        return docError(id, 403, 'forbidden', String(thrown.forbidden));
      }
      if (thrown && typeof thrown === 'object' && 'unauthorized' in thrown) {
        return docError(id, 401, 'unauthorized', String(thrown.unauthorized));
      }
      return docError(id, 500, 'render_error', `${ddoc._id}: validate_doc_update failed: ${thrown}`);
    }
  };
}
