/* Health Trainer service worker.
 *
 * Served at /sw.js by the Flask app, which fills in the version and the shell URLs.
 * Rules (STYLE.md): precache the shell; network-first for pages with the offline page as
 * fallback; never store pages or fragments, because they can hold health data.
 */
const VERSION = "__VERSION__";
const SHELL_URLS = ["__SHELL_URLS__"];
const OFFLINE_URL = "__OFFLINE_URL__";
const SHELL_CACHE = "shell-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      // Fetch without cookies: the shell must never hold anything personal.
      .then((cache) => cache.addAll(SHELL_URLS.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function isShellAsset(url) {
  return url.origin === self.location.origin && SHELL_URLS.includes(url.pathname + url.search);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // writes always go to the network
  }
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    // Network first; nothing is cached, so a page with health data never lands on the phone.
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE }))
    );
    return;
  }
  if (isShellAsset(url)) {
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE }).then((cached) => cached || fetch(request))
    );
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "clear-caches") {
    // After logout: drop every cache but the shell. The offline queue lives in IndexedDB
    // and is never touched here.
    event.waitUntil(
      caches.keys().then((names) => Promise.all(
        names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))
      ))
    );
  }
  if (event.data && event.data.type === "version" && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION });
  }
});
