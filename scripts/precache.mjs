#!/usr/bin/env node
// Fills in the service worker's file lists and version from the files of the build.
//
// Runs as a Trunk post_build hook (see Trunk.toml): Trunk 0.21 has then written every asset and index.html into
// its staging directory and passes it as TRUNK_STAGING_DIR (and the public URL as TRUNK_PUBLIC_URL). Then
// scripts/build.sh runs it again over the whole build, the facilitators' app included. By hand:
//
//   node scripts/precache.mjs [DIR]      # DIR defaults to $TRUNK_STAGING_DIR, else dist
//
// It rewrites DIR/sw.js between the "// @precache-begin" and "// @precache-end" markers:
//   const VERSION = '<first 16 hex digits of a SHA-256 over every listed file's path and contents + sw.js>';
//   const PRECACHE = ['/', '/tandem-<hash>.js', '/tandem-<hash>_bg.wasm', ..., '/sw-register.js'];
//   const ON_DEMAND = ['/facilitator/', '/facilitator-<hash>.js', '/facilitator-<hash>_bg.wasm', ...];
// index.html is listed as the public URL ("/"), another app's page X/index.html as "/X/"; sw.js itself is not
// listed (the browser fetches it itself). ON_DEMAND is every other app's page and the files it uses that
// index.html does not: the worker caches them when first used, so participants' phones never download the
// facilitators' app. Everything else is in PRECACHE.
// Fails (non-zero exit, so the build fails) if sw.js or the markers are missing, so a build never ships a
// worker with a stale or empty list.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const dir = resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist');
let publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
if (!publicUrl.endsWith('/')) publicUrl += '/';

const SW = 'sw.js';
const INDEX = 'index.html';
const BEGIN = '// @precache-begin';
const END = '// @precache-end';

function fail(message) {
  console.error(`precache: ${message}`);
  process.exit(1);
}

/** Every file under root, as paths relative to root with forward slashes, sorted. */
function listFiles(root) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

let files;
try {
  files = listFiles(dir);
} catch (err) {
  fail(`cannot read ${dir}: ${err.message}`);
}
if (!files.includes(SW)) fail(`${join(dir, SW)} not found (is public/sw.js copied by index.html?)`);
if (!files.includes(INDEX)) fail(`${join(dir, INDEX)} not found`);

const swPath = join(dir, SW);
const swSource = readFileSync(swPath, 'utf8');
const begin = swSource.indexOf(BEGIN);
const end = swSource.indexOf(END);
if (begin < 0 || end < begin) fail(`${swPath} lacks the "${BEGIN}" … "${END}" markers`);

// Skip dotfiles (editor or OS litter) and source maps: the app never requests them.
const precached = files.filter(
  (f) => f !== SW && !f.split('/').some((part) => part.startsWith('.')) && !f.endsWith('.map')
);

/** The paths of this build that an HTML page names (its css, js, wasm, icons). */
const namedBy = (page) =>
  new Set([...readFileSync(join(dir, page), 'utf8').matchAll(/["'](\/[^"'\s]+)["']/g)].map((m) => m[1]));
const urlOf = (file) =>
  file === INDEX
    ? publicUrl
    : file.endsWith(`/${INDEX}`)
      ? publicUrl + file.slice(0, -INDEX.length)
      : publicUrl + file.split('/').map(encodeURIComponent).join('/');

const otherPages = precached.filter((f) => f !== INDEX && f.endsWith(`/${INDEX}`));
const shared = namedBy(INDEX);
const onDemandUrls = new Set(otherPages.map(urlOf));
for (const page of otherPages) {
  for (const path of namedBy(page)) if (!shared.has(path)) onDemandUrls.add(path);
}

const hash = createHash('sha256');
const urls = [];
const onDemand = [];
for (const file of precached) {
  const url = urlOf(file);
  (onDemandUrls.has(url) ? onDemand : urls).push(url);
  hash.update(url).update('\0').update(readFileSync(join(dir, file))).update('\0');
}
// The worker's own code counts too, so a change to its logic alone also gives a new cache name.
hash.update(swSource.slice(0, begin)).update(swSource.slice(end));
const version = hash.digest('hex').slice(0, 16);

// "/" first, then the rest in sorted order: stable output for the same build.
urls.sort((a, b) => (a === publicUrl ? -1 : b === publicUrl ? 1 : a < b ? -1 : a > b ? 1 : 0));
onDemand.sort();
const listed = (list) => `[\n${list.map((u) => `  ${JSON.stringify(u)},`).join('\n')}\n]`;

const block =
  `${BEGIN}\n` +
  `const VERSION = ${JSON.stringify(version)};\n` +
  `const PRECACHE = ${listed(urls)};\n` +
  `const ON_DEMAND = ${listed(onDemand)};\n`;
writeFileSync(swPath, swSource.slice(0, begin) + block + swSource.slice(end));

console.log(`precache: ${swPath}: version ${version}, ${urls.length} files, ${onDemand.length} on demand`);
