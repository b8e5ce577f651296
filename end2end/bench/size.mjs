// Size benchmark: raw and brotli (quality 11) bytes of every file in dist/, and the wasm + js total against the
// 150 KB budget. Usage: node end2end/bench/size.mjs [dir]   (default: dist/; build it with trunk build --release)
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
  throw new Error(`${dir} does not exist: run trunk build --release first`);
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
const raw = code.reduce((s, r) => s + r.raw, 0);
const br = code.reduce((s, r) => s + r.br, 0);
console.log(`wasm + js (${code.map((r) => r.name).join(', ')}): ${kb(raw)} raw, ${kb(br)} brotli (${br} bytes)` +
  ` | budget ${kb(BUDGET)} brotli: ${br <= BUDGET ? 'within' : 'OVER'} by ${kb(Math.abs(BUDGET - br))}`);
