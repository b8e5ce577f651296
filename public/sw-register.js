/* Registers Tandem's service worker and offers updates; never reloads the page on its own.
 *
 * When a new version has installed and is waiting (and this page is already controlled by an older one), a small
 * banner outside the Leptos app root says "A new version of Tandem is ready." with a "Reload to update" button.
 * Only that button swaps versions: it asks the waiting worker to skipWaiting and reloads once when it takes
 * control. People may be mid-typing; their drafts are saved on every keystroke, but the moment is their choice.
 * Styles: style/update.css. Never throws and logs nothing on a normal load.
 */
(function () {
  'use strict';

  var BANNER_ID = 'tandem-update';
  var CHECK_EVERY_MS = 60 * 60 * 1000; // look for a new version at most hourly when the app comes back to view

  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  var sw = navigator.serviceWorker;

  var userAskedToUpdate = false;
  var reloading = false;
  var waitingWorker = null;
  var lastCheck = Date.now();

  // The first install also fires controllerchange (clients.claim); only reload when the person asked for it.
  sw.addEventListener('controllerchange', function () {
    if (!userAskedToUpdate || reloading) return;
    reloading = true;
    window.location.reload();
  });

  function hideBanner() {
    var old = document.getElementById(BANNER_ID);
    if (old && old.parentNode) old.parentNode.removeChild(old);
  }

  function showBanner(worker) {
    waitingWorker = worker;
    worker.addEventListener('statechange', function () {
      // Replaced by an even newer version before the person chose: that one will offer itself instead.
      if (worker.state === 'redundant' && waitingWorker === worker && !userAskedToUpdate) hideBanner();
    });
    if (document.getElementById(BANNER_ID)) return;

    var banner = document.createElement('section');
    banner.id = BANNER_ID;
    banner.className = 'tandem-update';
    banner.setAttribute('aria-label', 'App update');

    var message = document.createElement('p');
    message.className = 'tandem-update__message';
    message.setAttribute('role', 'status');

    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'tandem-update__button';
    button.textContent = 'Reload to update';
    button.addEventListener('click', function () {
      if (!waitingWorker) return;
      userAskedToUpdate = true;
      button.disabled = true;
      button.textContent = 'Updating…';
      if (waitingWorker.state === 'activated') {
        // Another Tandem tab already switched to the new version: this page only needs to reload.
        reloading = true;
        window.location.reload();
        return;
      }
      try {
        waitingWorker.postMessage({ type: 'SKIP_WAITING' });
      } catch (e) {
        // The worker went away (e.g. replaced by an even newer one); the next one will offer itself again.
        userAskedToUpdate = false;
        hideBanner();
      }
    });

    banner.appendChild(message);
    banner.appendChild(button);
    // A sibling of the app's root in <body>: Leptos never re-renders or removes it.
    document.body.appendChild(banner);
    // Fill the live region after it is in the document so screen readers announce it; don't move focus.
    window.setTimeout(function () {
      message.textContent = 'A new version of Tandem is ready.';
    }, 50);
  }

  function watchInstalling(worker) {
    if (!worker) return;
    worker.addEventListener('statechange', function () {
      // "installed" with an existing controller = an update waiting for its turn.
      if (worker.state === 'installed' && sw.controller) showBanner(worker);
    });
  }

  function checkForUpdate(registration) {
    lastCheck = Date.now();
    // Offline or server unreachable: the promise rejects; nothing to tell the person.
    registration.update().catch(function () {});
  }

  function register() {
    sw.register('/sw.js', { scope: '/' })
      .then(function (registration) {
        if (registration.waiting && sw.controller) showBanner(registration.waiting);
        watchInstalling(registration.installing);
        registration.addEventListener('updatefound', function () {
          watchInstalling(registration.installing);
        });
        // An installed app can stay open for days: look again when it comes back to the foreground.
        document.addEventListener('visibilitychange', function () {
          if (document.visibilityState === 'visible' && Date.now() - lastCheck > CHECK_EVERY_MS) {
            checkForUpdate(registration);
          }
        });
      })
      .catch(function () {
        // No service worker (private mode, blocked storage, server hiccup): the app still works online.
      });
  }

  try {
    // Register after the page has loaded so the worker's downloads don't compete with the app's own.
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
  } catch (e) {
    // Never break the page over an optional feature.
  }
})();
