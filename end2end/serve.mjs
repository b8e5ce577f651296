#!/usr/bin/env node
// A tiny dependency-free static server for Tandem's build output (dist/), bound to 127.0.0.1 only.
//
// CLI:     node end2end/serve.mjs --port 47181 --dir dist [--no-store]   (port 0 = a random free port)
// Module:  import { startServer } from './serve.mjs';
//          const server = await startServer({ dir: 'dist', port: 0 });
//          server.url                       // 'http://127.0.0.1:<port>'
//          server.setOverride('/sw.js', body, 'text/javascript')   // serve other bytes for one path (tests)
//          server.clearOverride('/sw.js')
//          server.requests                  // paths requested so far, in order
//          await server.close()             // stops listening and drops open connections
//          startServer({ dir, port, noStore: true })   // Cache-Control: no-store on everything, so an offline
//                                           // test proves the service worker (not the HTTP cache) serves the app
//
// - Correct MIME types (application/wasm for streaming compilation, application/manifest+json, …).
// - SPA fallback: a GET for a path without a file extension that is not a file serves the index.html of the
//   nearest folder above it that has one (deep links: /mood -> index.html, /facilitator/groups ->
//   facilitator/index.html, the facilitators' app); a missing path with an extension is a 404.
// - Cache-Control: no-cache for index.html and sw.js (and the other unhashed files); the content-hashed files
//   Trunk emits are immutable.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
};

// Trunk's filehash suffix: name-<16 hex>.ext or name-<16 hex>_bg.wasm.
const HASHED = /-[0-9a-f]{16}(?:_bg)?\.[a-z0-9]+$/;

function cacheControl(pathname) {
  return HASHED.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Starts the server. Resolves when it is listening.
 * @param {{dir?: string, port?: number, host?: string, noStore?: boolean, quiet?: boolean}} options
 */
export async function startServer({
  dir = 'dist',
  port = 0,
  host = '127.0.0.1',
  noStore = false,
  quiet = true,
} = {}) {
  const root = resolve(dir);
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat || !rootStat.isDirectory()) {
    throw new Error(`serve: ${root} is not a directory (run \`bash scripts/build.sh\` first)`);
  }
  const overrides = new Map();
  const requests = [];

  async function fileFor(pathname) {
    const full = resolve(join(root, pathname));
    if (full !== root && !full.startsWith(root + sep)) return null; // path traversal
    const s = await stat(full).catch(() => null);
    if (s && s.isFile()) return full;
    if (s && s.isDirectory()) {
      const index = join(full, 'index.html');
      const si = await stat(index).catch(() => null);
      if (si && si.isFile()) return index;
    }
    return null;
  }

  async function handle(req, res) {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request\n');
      return;
    }
    requests.push(pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed\n');
      return;
    }

    const headers = { 'X-Content-Type-Options': 'nosniff' };
    let body;
    let served = pathname;
    const override = overrides.get(pathname);
    if (override) {
      body = override.body;
      headers['Content-Type'] = override.type;
      headers['Cache-Control'] = noStore ? 'no-store' : 'no-cache';
    } else {
      let file = await fileFor(pathname);
      // SPA fallback for deep links: the nearest app page above the path.
      for (let dir = pathname; !file && extname(pathname) === '' && dir !== ''; ) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        served = `${dir}/index.html`;
        file = await fileFor(served);
      }
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : 'Not found\n');
        return;
      }
      body = await readFile(file);
      if (file.endsWith(sep + 'index.html')) served = file.slice(root.length).split(sep).join('/');
      headers['Content-Type'] = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
      headers['Cache-Control'] = noStore ? 'no-store' : cacheControl(served);
    }
    headers['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
      if (!quiet) console.error(err);
    });
  });

  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  const url = `http://${host}:${address.port}`;

  let closing = null;
  return {
    url,
    port: address.port,
    requests,
    setOverride(path, body, type = MIME[extname(path).toLowerCase()] ?? 'application/octet-stream') {
      overrides.set(path, { body: Buffer.isBuffer(body) ? body : Buffer.from(String(body)), type });
    },
    clearOverride(path) {
      overrides.delete(path);
    },
    close() {
      closing ??= new Promise((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections(); // keep-alive sockets would otherwise keep the "offline" app online
      });
      return closing;
    },
  };
}

function parseArgs(argv) {
  const out = { port: 47181, dir: 'dist', noStore: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port' || flag === '-p') out.port = Number(value());
    else if (flag === '--dir' || flag === '-d') out.dir = value();
    else if (flag === '--no-store') out.noStore = true;
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`serve: unknown argument ${arg}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('serve: bad --port');
  return out;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log('usage: node end2end/serve.mjs [--port 47181] [--dir dist] [--no-store]');
      process.exit(0);
    }
    const server = await startServer({ dir: args.dir, port: args.port, noStore: args.noStore, quiet: false });
    console.log(`serving ${resolve(args.dir)} at ${server.url}/`);
    const stop = () => server.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
