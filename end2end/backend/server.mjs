#!/usr/bin/env node
// Tandem's local CouchDB-compatible sync server, for development and tests only: express-pouchdb over in-memory
// PouchDB (everything is gone when it stops), bound to 127.0.0.1, with access.mjs in front (CouchDB 3's access
// rules and CORS) and writes.mjs inside (validate_doc_update done right, the security object protected).
//
// CLI:     node end2end/backend/server.mjs --port <P|0> [--admin name:password] [--cors-origin <origin>]... [--demo]
//          When ready (admin set, demo accounts made) it prints one line to stdout, {"ready":"http://127.0.0.1:<port>"},
//          then logs only to stderr. SIGTERM or SIGINT stops it.
// Module:  import { startBackend } from './server.mjs';
//          const backend = await startBackend({ port: 0, admin, corsOrigins, demo });   // all optional
//          backend.url; await backend.close();
//
// The default admin admin:tandem-dev-admin and the demo accounts (--demo) are for development and tests only.
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-core';
import PouchAdapterHttp from 'pouchdb-adapter-http';
import PouchAdapterMemory from 'pouchdb-adapter-memory';
import PouchMapReduce from 'pouchdb-mapreduce';
import PouchReplication from 'pouchdb-replication';
import { createServer, request, Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { accessControl, cors } from './access.mjs';
import { installWriteRules } from './writes.mjs';
import { DEFAULT_ADMIN, DEFAULT_CORS_ORIGINS, DEMO_FACILITATOR, DEMO_USERS } from './defaults.mjs';
import { parseCredentials, provisionFacilitator, provisionUser } from './provision.mjs';

PouchDB.plugin(PouchAdapterMemory).plugin(PouchAdapterHttp).plugin(PouchMapReduce).plugin(PouchReplication);

// express-pouchdb parts left out: its validation (replaced by writes.mjs), and the parts that re-dispatch a request
// to another path inside express-pouchdb (rewrites, virtual hosts) or run design-document code per request
// (show, list, update), which the access layer could not see or the app does not use.
const EXCLUDED_PARTS = ['validation', 'routes/rewrite', 'routes/vhosts', 'routes/show', 'routes/list', 'routes/update'];

/**
 * Starts a backend. Resolves once it listens with the admin set (never in "admin party") and the demo accounts
 * made. Options: port (0 = free port), admin {name, password}, corsOrigins (replaces the defaults), demo.
 */
export async function startBackend({
  port = 0,
  admin = DEFAULT_ADMIN,
  corsOrigins = DEFAULT_CORS_ORIGINS,
  demo = false,
} = {}) {
  // express-pouchdb wants a log file and a place for its private socket; nothing is written into the repository.
  const dir = mkdtempSync(join(tmpdir(), 'tandem-backend-'));
  const servers = [];
  let closing = null;
  const close = () =>
    (closing ??= Promise.all(
      servers.map(
        (server) =>
          new Promise((done) => {
            server.close(done);
            server.closeAllConnections(); // long-polls and continuous feeds would keep it open
          })
      )
    ).then(() => rmSync(dir, { recursive: true, force: true })));

  try {
    const url = await serve({ dir, servers, port, admin, corsOrigins });
    if (demo) {
      for (const user of DEMO_USERS) await provisionUser(url, admin, user.name, user.password);
      await provisionFacilitator(url, admin, DEMO_FACILITATOR.name, DEMO_FACILITATOR.password);
    }
    return { url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function serve({ dir, servers, port, admin, corsOrigins }) {
  // A prefix of its own keeps this backend's in-memory databases apart from another one in the same process.
  const Pouch = PouchDB.defaults({ adapter: 'memory', prefix: `${dir}/` });
  const pouchApp = expressPouchDB(Pouch, {
    inMemoryConfig: true,
    logPath: join(dir, 'express-pouchdb.log'),
    overrideMode: { exclude: EXCLUDED_PARTS },
  });
  pouchApp.disable('x-powered-by');
  installWriteRules(pouchApp);

  // The access layer asks express-pouchdb who a request is and what a database's security is over a Unix socket
  // in the private temp dir, straight to express-pouchdb (not through the access layer, not reachable over TCP).
  const socketPath = join(dir, 'pouch.sock');
  servers.push(await listen(createServer(pouchApp), socketPath));
  const ask = innerClient(socketPath);

  const setAdmin = await ask('PUT', `/_config/admins/${encodeURIComponent(admin.name)}`, {}, JSON.stringify(admin.password));
  if (setAdmin.status !== 200) throw new Error(`setting the admin failed: ${JSON.stringify(setAdmin.json)}`);
  const adminAuth = { authorization: basic(admin) };
  await ask('PUT', '/_config/log/level', adminAuth, '"warning"'); // its request log would grow without end

  const app = express();
  app.disable('x-powered-by');
  app.use(cors(corsOrigins));
  app.use(
    accessControl({
      session: (req) => ask('GET', '/_session', pick(req.headers, ['cookie', 'authorization'])),
      security: (db) => ask('GET', `/${encodeURIComponent(db)}/_security`, adminAuth),
    })
  );
  app.use(pouchApp);
  app.use((err, req, res, next) => {
    console.error(`backend: ${req.method} ${req.url}: ${err.stack || err}`);
    if (res.headersSent) return res.destroy();
    res.status(500).type('application/json').send(`${JSON.stringify({ error: 'unknown_error', reason: String(err.message || err) })}\n`);
  });

  const outer = await listen(createServer(app), port, '127.0.0.1');
  servers.push(outer);
  return `http://127.0.0.1:${outer.address().port}`;
}

function listen(server, ...where) {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(...where, () => {
      server.off('error', fail);
      done(server);
    });
  });
}

function innerClient(socketPath) {
  const agent = new Agent({ keepAlive: true });
  return (method, path, headers = {}, body = undefined) =>
    new Promise((done, fail) => {
      const req = request({ socketPath, agent, method, path, headers: { accept: 'application/json', ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = { error: 'unknown_error', reason: text.trim() };
          }
          done({ status: res.statusCode, json });
        });
      });
      req.on('error', fail);
      if (body !== undefined) req.setHeader('content-type', 'application/json');
      req.end(body);
    });
}

const basic = ({ name, password }) => `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}`;
const pick = (headers, keys) => Object.fromEntries(keys.filter((key) => headers[key]).map((key) => [key, headers[key]]));

function parseArgs(argv) {
  const out = { port: undefined, admin: DEFAULT_ADMIN, corsOrigins: [...DEFAULT_CORS_ORIGINS], demo: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--admin') out.admin = parseCredentials(value());
    else if (flag === '--cors-origin') out.corsOrigins.push(value());
    else if (flag === '--demo') out.demo = true;
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!out.help && !(Number.isInteger(out.port) && out.port >= 0 && out.port <= 65535)) {
    throw new Error('--port <0-65535> is required (0 = a free port)');
  }
  return out;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  // express-pouchdb 4.2 has failures that surface outside any request handler (see access.mjs); the access layer
  // keeps the known ones away, and a development server logs the rest instead of dying.
  process.on('uncaughtException', (err) => console.error(`backend: uncaught: ${err.stack || err}`));
  process.on('unhandledRejection', (err) => console.error(`backend: unhandled rejection: ${err?.stack || err}`));
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log('usage: node end2end/backend/server.mjs --port <P|0> [--admin name:password] [--cors-origin <origin>]... [--demo]');
      process.exit(0);
    }
    const backend = await startBackend(args);
    console.log(JSON.stringify({ ready: backend.url }));
    console.error(`backend: ${backend.url} (admin ${args.admin.name}${args.demo ? ', demo accounts alex and sam, facilitator casey' : ''})`);
    const stop = () => backend.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(`backend: ${err.message}`);
    process.exit(1);
  }
}
