// The web app manifest and its icons, and the service worker's generated lists: the participants' app precached,
// the facilitators' app (facilitator/index.html and the files only it uses) cached when first used.
import { test, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DIST } from './support.mjs';

/** Width and height from a PNG's IHDR chunk (throws if the bytes are not a PNG). */
function pngSize(buf) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(0, 8).equals(signature), 'PNG signature').toBe(true);
  expect(buf.toString('ascii', 12, 16), 'first chunk is IHDR').toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

test('the manifest describes an installable app with real icons', async ({ request }) => {
  const index = await request.get('/');
  expect(await index.text()).toMatch(/<link rel="manifest" href="\/manifest\.webmanifest"\s*\/?>/);

  const res = await request.get('/manifest.webmanifest');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = await res.json();
  expect(manifest).toMatchObject({
    name: 'Tandem',
    short_name: 'Tandem',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#2f6f62',
    background_color: '#f7f5f0',
  });
  expect(typeof manifest.description).toBe('string');
  expect(manifest.description.length).toBeGreaterThan(10);

  const seen = [];
  for (const icon of manifest.icons) {
    expect(icon.type).toBe('image/png');
    const img = await request.get(new URL(icon.src, 'http://127.0.0.1/').pathname);
    expect(img.status(), icon.src).toBe(200);
    expect(img.headers()['content-type']).toBe('image/png');
    const { width, height } = pngSize(await img.body());
    expect(`${width}x${height}`, `IHDR of ${icon.src}`).toBe(icon.sizes);
    for (const purpose of (icon.purpose ?? 'any').split(/\s+/)) seen.push(`${icon.sizes} ${purpose}`);
  }
  expect(seen).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
});

/** Every file of the build, as URL paths. */
function distFiles() {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push('/' + relative(DIST, join(d, e.name)).split(sep).join('/'));
    }
  };
  walk(DIST);
  return out;
}

/** A list the service worker's build step filled in (`const NAME = [ ... ];`). */
function swList(sw, name) {
  const list = sw.match(new RegExp(`^const ${name} = (\\[[^\\]]*\\]);$`, 'm'))?.[1];
  expect(list, `${name} filled in by scripts/precache.mjs`).toBeTruthy();
  return JSON.parse(list.replace(/,\s*\]$/, ']'));
}

/** The paths of this build an HTML page loads (its hashed js, wasm and css, and what it links to). */
function referencedBy(html) {
  return [...html.matchAll(/(?:href|src)="(\/[^"]+)"|['"](\/[^'"\s]+\.(?:js|wasm|css))['"]/g)].map((m) => m[1] ?? m[2]);
}

test('the service worker precaches the participants\' app and keeps the facilitators\' for when it is used', async ({
  request,
}) => {
  const res = await request.get('/sw.js');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/javascript/);
  expect(res.headers()['cache-control']).toBe('no-cache');
  const sw = await res.text();

  const version = sw.match(/^const VERSION = "([^"]*)";$/m)?.[1];
  expect(version, 'VERSION filled in by scripts/precache.mjs').toMatch(/^[0-9a-f]{16}$/);
  const precache = swList(sw, 'PRECACHE');
  const onDemand = swList(sw, 'ON_DEMAND');

  // Between them, the two lists name every file of the build but the worker, each once.
  const expected = distFiles()
    .filter((p) => p !== '/sw.js')
    .map((p) => (p === '/index.html' ? '/' : p === '/facilitator/index.html' ? '/facilitator/' : p))
    .sort();
  expect([...precache, ...onDemand].sort()).toEqual(expected);
  expect(precache).not.toContain('/sw.js');
  for (const must of ['/', '/sw-register.js', '/manifest.webmanifest', '/icons/icon-192.png']) {
    expect(precache).toContain(must);
  }

  // Everything index.html loads (the hashed js, wasm and css) is precached.
  const html = await (await request.get('/')).text();
  const referenced = referencedBy(html);
  expect(referenced.some((p) => p.endsWith('.wasm')), 'index.html references the wasm').toBe(true);
  for (const path of referenced) expect(precache, `${path} (referenced by index.html)`).toContain(path);

  // The facilitators' page, its wasm and js are not: participants never download them.
  expect(onDemand).toContain('/facilitator/');
  const facilitatorHtml = await (await request.get('/facilitator/')).text();
  const facilitatorFiles = referencedBy(facilitatorHtml);
  const ownWasm = [...new Set(facilitatorFiles.filter((p) => p.endsWith('.wasm')))];
  expect(ownWasm.length, 'facilitator/index.html references its wasm').toBe(1);
  expect(referenced, 'index.html does not load the facilitators\' wasm').not.toContain(ownWasm[0]);
  for (const path of facilitatorFiles) {
    expect(referenced.includes(path) ? precache : onDemand, `${path} (referenced by facilitator/index.html)`).toContain(path);
  }

  // And every listed URL is served; a deep link below /facilitator/ is the facilitators' page.
  for (const path of [...precache, ...onDemand]) expect((await request.get(path)).status(), path).toBe(200);
  expect(await (await request.get('/facilitator/groups')).text()).toBe(facilitatorHtml);
  expect(await (await request.get('/partner/change')).text()).toBe(html);
});
