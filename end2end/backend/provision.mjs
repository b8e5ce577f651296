#!/usr/bin/env node
// Creates Tandem accounts on a CouchDB-compatible server through CouchDB's own HTTP API only, so it works the same
// against the local backend (server.mjs) and a real CouchDB 3. Idempotent: running it again resets the password
// and leaves everything else as it was.
//
// CLI:     node end2end/backend/provision.mjs --url http://127.0.0.1:47183 --admin admin:tandem-dev-admin \
//            --user alex:alex-demo-pass [--user sam:sam-demo-pass ...]
//            [--facilitator casey:casey-demo-pass]
// Module:  import { provisionUser, provisionFacilitator, userDbName, careDbName, parseCredentials } from './provision.mjs';
//          await provisionUser(url, { name: 'admin', password: '...' }, 'alex', 'alex-demo-pass');
//
// For each user: the _users document org.couchdb.user:<name> (type user, no roles); the private database named as
// CouchDB's per-user databases are (userdb- + hex of the UTF-8 name) with only that user as member and no database
// admins; and _design/tandem holding src/sync/validate_doc_update.js (people write only as themselves); and the
// care database tandem-care-<hex> shared with the role "facilitator" (see careDbName). A facilitator
// (--facilitator) is a server admin with a private database.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const VALIDATE_PATH = resolve(here, '..', '..', 'src', 'sync', 'validate_doc_update.js');
const DESIGN_ID = '_design/tandem';

/** CouchDB's per-user database name ([couch_peruser]): "userdb-" + lowercase hex of the UTF-8 user name. */
export function userDbName(name) {
  return `userdb-${Buffer.from(name, 'utf8').toString('hex')}`;
}

/** "name:password" -> {name, password}; the password may contain ':' (a CouchDB user name may not). */
export function parseCredentials(text) {
  const colon = text.indexOf(':');
  if (colon < 1) throw new Error(`expected name:password, got "${text}"`);
  return { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The validate_doc_update source shared with the app. */
export function validateDocUpdateSource() {
  return readFile(VALIDATE_PATH, 'utf8');
}

/**
 * Creates or refreshes one account. `admin` is {name, password} of a server admin. Resolves to the user's
 * database name.
 */
export async function provisionUser(url, admin, name, password) {
  if (!name || name.startsWith('_') || name.includes(':')) throw new Error(`invalid CouchDB user name "${name}"`);
  const call = client(url, admin);

  await call('PUT', '/_users', undefined, [201, 202, 412], 'create _users'); // a fresh CouchDB 3 may lack it

  const userPath = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
  const existing = await call('GET', userPath, undefined, [200, 404], 'read user');
  const user = { _id: `org.couchdb.user:${name}`, name, type: 'user', roles: [], password };
  if (existing.status === 200) user._rev = existing.json._rev;
  await call('PUT', userPath, user, [201, 202], `save user ${name}`);

  const db = userDbName(name);
  await call('PUT', `/${db}`, undefined, [201, 202, 412], `create ${db}`);
  const security = { admins: { names: [], roles: [] }, members: { names: [name], roles: [] } };
  await call('PUT', `/${db}/_security`, security, [200], `set ${db}/_security`);

  await installValidate(call, db);
  // The care database: what the person shares with facilitators only (the partner questionnaire,
  // re-pair requests) and where the facilitator's app leaves their pairing. The app also creates it
  // from the facilitator's roster, so a real CouchDB needs no script for it.
  const care = careDbName(name);
  await call('PUT', `/${care}`, undefined, [201, 202, 412], `create ${care}`);
  const careSecurity = { admins: { names: [], roles: [] }, members: { names: [name], roles: ['facilitator'] } };
  await call('PUT', `/${care}/_security`, careSecurity, [200], `set ${care}/_security`);
  await installValidate(call, care);
  return db;
}

/** A participant's care database: "tandem-care-" + lowercase hex of the UTF-8 user name. */
export function careDbName(name) {
  return `tandem-care-${Buffer.from(name, 'utf8').toString('hex')}`;
}

async function installValidate(call, db) {
  const source = await validateDocUpdateSource();
  const design = await call('GET', `/${db}/${DESIGN_ID}`, undefined, [200, 404], `read ${db}/${DESIGN_ID}`);
  if (design.status !== 200 || design.json.validate_doc_update !== source) {
    const doc = { ...(design.status === 200 ? design.json : { _id: DESIGN_ID }), validate_doc_update: source };
    await call('PUT', `/${db}/${DESIGN_ID}`, doc, [201, 202], `save ${db}/${DESIGN_ID}`);
  }
}

/**
 * A facilitator: a server admin (on CouchDB 3 and here, the account that may create pair and group databases),
 * with a private database of their own. Idempotent.
 */
export async function provisionFacilitator(url, admin, name, password) {
  if (!name || name.startsWith('_') || name.includes(':')) throw new Error(`invalid CouchDB user name "${name}"`);
  const call = client(url, admin);
  const path = `/_config/admins/${encodeURIComponent(name)}`;
  // CouchDB 3 keeps its configuration per node; the local backend (express-pouchdb) at /_config.
  const node = await call('PUT', `/_node/_local${path}`, password, [200, 404, 400], `make ${name} an admin`);
  if (node.status !== 200) await call('PUT', path, password, [200], `make ${name} an admin`);
  const db = userDbName(name);
  await call('PUT', `/${db}`, undefined, [201, 202, 412], `create ${db}`);
  await call('PUT', `/${db}/_security`, { admins: { names: [], roles: [] }, members: { names: [name], roles: [] } }, [200], `set ${db}/_security`);
  await installValidate(call, db);
  return db;
}

function client(url, admin) {
  const base = url.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${admin.name}:${admin.password}`, 'utf8').toString('base64')}`;
  return async (method, path, body, okStatuses, what) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization, accept: 'application/json', ...(body && { 'content-type': 'application/json' }) },
      body: body && JSON.stringify(body),
    });
    const text = await res.text();
    if (!okStatuses.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${text.trim()}`);
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

function parseArgs(argv) {
  const out = { users: [], facilitators: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--url') out.url = value();
    else if (flag === '--admin') out.admin = parseCredentials(value());
    else if (flag === '--user') out.users.push(parseCredentials(value()));
    else if (flag === '--facilitator') out.facilitators.push(parseCredentials(value()));
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!out.help && (!out.url || !out.admin || !(out.users.length + out.facilitators.length))) throw new Error('--url, --admin and --user or --facilitator are required');
  return out;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log('usage: node end2end/backend/provision.mjs --url <server> --admin name:password [--user name:password ...] [--facilitator name:password ...]');
      process.exit(0);
    }
    for (const { name, password } of args.users) {
      console.log(`${name}: ${await provisionUser(args.url, args.admin, name, password)}`);
    }
    for (const { name, password } of args.facilitators) {
      console.log(`${name} (facilitator): ${await provisionFacilitator(args.url, args.admin, name, password)}`);
    }
  } catch (err) {
    console.error(`provision: ${err.message}`);
    process.exit(1);
  }
}
