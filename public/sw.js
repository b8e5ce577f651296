/* Tandem's service worker. Hand-written: no Workbox, no CDN, no third-party requests.
 *
 * The constants between the markers below are filled in at build time by scripts/precache.mjs (a Trunk
 * post_build hook, and again by scripts/build.sh) in the copy of this file in the build output: PRECACHE lists
 * every file of the participants' app ("/" for index.html) except this worker, ON_DEMAND the facilitators' app
 * ("/facilitator/" for facilitator/index.html, and the files only it uses), and VERSION is a hash of them all.
 * The values here are only the fallback used when this file is served unprocessed.
 *
 * Lifecycle
 * - install: put every file of this build into the cache "tandem-<VERSION>". No automatic skipWaiting: a new
 *   version waits until the person presses "Reload to update" (sw-register.js posts {type: "SKIP_WAITING"}).
 * - activate: delete older tandem-* caches, then take control of open pages.
 * - fetch: same-origin GET of a precached URL -> cache first (network if missing from the cache);
 *   of an ON_DEMAND URL -> cache first, and what the network gives is kept, so the facilitators' app opens
 *   offline once it has been opened online, and participants never download it;
 *   navigations below /facilitator/ -> its cached page "/facilitator/" (kept on first use the same way);
 *   other navigations (any path, e.g. a deep link to /mood) -> the cached app shell "/", network if not cached;
 *   anything else (cross-origin, non-GET, a future sync API) is not touched and goes to the network.
 */

// @precache-begin
const VERSION = 'dev';
const PRECACHE = ['/'];
const ON_DEMAND = [];
// @precache-end

const CACHE_PREFIX = 'tandem-';
const CACHE = CACHE_PREFIX + VERSION;
const SCOPE = new URL(self.registration.scope);
const SHELL = new URL('./', SCOPE).pathname;
const PRECACHED_PATHS = new Set(PRECACHE.map((u) => new URL(u, SCOPE).pathname));
const ON_DEMAND_PATHS = new Set(ON_DEMAND.map((u) => new URL(u, SCOPE).pathname));
// The pages of the other apps ("/facilitator/"), longest first: a navigation below one is rendered by it.
const OTHER_SHELLS = [...ON_DEMAND_PATHS].filter((p) => p.endsWith('/')).sort((a, b) => b.length - a.length);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // cache: 'reload' skips the HTTP cache so a new version never stores a stale copy of "/".
      cache.addAll(PRECACHE.map((u) => new Request(new URL(u, SCOPE), { cache: 'reload' })))
    )
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  }
});

/** The cached response for a path of this build, or the network's if it is missing from the cache. */
function cacheFirst(path, request) {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(path))
    .then((cached) => cached || fetch(request));
}

/** Like cacheFirst, but a file missing from the cache is fetched and kept (only a complete 200 answer). */
function cacheFirstKeeping(path, request) {
  return caches.open(CACHE).then((cache) =>
    cache.match(path).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.status === 200 && response.type === 'basic') {
            const copy = response.clone();
            // Kept under the path alone, as the precached files are; a failed put only means no offline copy.
            cache.put(path, copy).catch(() => {});
          }
          return response;
        })
    )
  );
}

/** The other app's page that renders a path ("/facilitator" and below -> "/facilitator/"), if any. */
function otherShellFor(pathname) {
  return OTHER_SHELLS.find((shell) => pathname.startsWith(shell) || pathname + '/' === shell);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;

  if (PRECACHED_PATHS.has(url.pathname)) {
    event.respondWith(cacheFirst(url.pathname, request));
    return;
  }
  if (ON_DEMAND_PATHS.has(url.pathname)) {
    event.respondWith(cacheFirstKeeping(url.pathname, request));
    return;
  }
  const otherShell = request.mode === 'navigate' ? otherShellFor(url.pathname) : undefined;
  if (otherShell) {
    // The network request is for the page itself, not the deep path, so what is kept is that page.
    event.respondWith(cacheFirstKeeping(otherShell, new Request(new URL(otherShell, SCOPE))));
    return;
  }
  if (request.mode === 'navigate' && url.pathname.startsWith(SCOPE.pathname)) {
    // Every in-app path (/mood, /help, a mistyped one) is rendered by the same index.html: client-side routing.
    event.respondWith(cacheFirst(SHELL, request));
    return;
  }
  // Anything else: not handled here, so the browser goes to the network as usual.
});
