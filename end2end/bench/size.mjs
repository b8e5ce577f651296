// Size benchmark: raw and brotli (quality 11) bytes of every file in dist/, and the wasm + js totals: the
// participants' app (what their phones download: the service worker's PRECACHE) against the 150 KB budget, the
// facilitators' app (ON_DEMAND, fetched when a facilitator first opens it) and the sw.js both use.
// Usage: node end2end/bench/size.mjs [dir]   (default: dist/; build it with bash scripts/build.sh)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { DIST, header } from './lib.mjs';

const BUDGET = 150_000; // bytes, brotli, wasm + js (KB = 1000 bytes here)
const dir = process.argv[2] ?? DIST;
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const bytes = (n) => `${n.toLocaleString('en-US')} B`;

const files = (d) => readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  throw new Error(`${dir} does not exist: run bash scripts/build.sh first`);
}

header('size');
const rows = files(dir).sort().map((path) => {
  const data = readFileSync(path);
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
  return { name: relative(dir, path), raw: data.length, br };
});
for (const r of rows) console.log(`  ${r.name.padEnd(44)} ${bytes(r.raw).padStart(11)} raw ${bytes(r.br).padStart(11)} brotli`);

const code = rows.filter((r) => /\.(wasm|js)$/.test(r.name));
if (code.length === 0) throw new Error(`no .wasm or .js files in ${dir}`);

// Which app each file belongs to, from the service worker's lists (scripts/precache.mjs).
const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
const list = (name) => {
  const text = sw.match(new RegExp(`^const ${name} = (\\[[^\\]]*\\]);$`, 'm'))?.[1];
  if (!text) throw new Error(`${dir}/sw.js has no ${name} list: build with bash scripts/build.sh`);
  return new Set(JSON.parse(text.replace(/,\s*\]$/, ']')));
};
const precache = list('PRECACHE');
const onDemand = list('ON_DEMAND');
const url = (r) => `/${r.name}`;
const total = (label, files) => {
  const raw = files.reduce((s, r) => s + r.raw, 0);
  const br = files.reduce((s, r) => s + r.br, 0);
  console.log(`${label} (${files.map((r) => r.name).join(', ')}): ${kb(raw)} raw, ${kb(br)} brotli (${br} bytes)`);
  return br;
};
const stray = code.filter((r) => r.name !== 'sw.js' && !precache.has(url(r)) && !onDemand.has(url(r)));
if (stray.length > 0) throw new Error(`in neither list of sw.js: ${stray.map((r) => r.name).join(', ')}`);
const worker = code.filter((r) => r.name === 'sw.js');
const participants = total('participants\' app, wasm + js', [...worker, ...code.filter((r) => precache.has(url(r)))]);
// The facilitators' app: its own files and the shared ones its page loads (sw-register.js).
const facilitatorPage = readFileSync(join(dir, 'facilitator', 'index.html'), 'utf8');
const namedByFacilitator = (r) => facilitatorPage.includes(`"${url(r)}"`) || facilitatorPage.includes(`'${url(r)}'`);
total('facilitators\' app, wasm + js', [...worker, ...code.filter((r) => onDemand.has(url(r)) || namedByFacilitator(r))]);
total('whole build, wasm + js', code);
console.log(`participants' app: ${kb(participants)} brotli | budget ${kb(BUDGET)} brotli: ` +
  `${participants <= BUDGET ? 'within' : 'OVER'} by ${kb(Math.abs(BUDGET - participants))}`);
