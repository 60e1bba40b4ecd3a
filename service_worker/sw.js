/* Health Trainer service worker.
 *
 * Served at /sw.js by the Flask app, which fills in the version and the shell URLs.
 * Rules (STYLE.md): precache the shell; network-first for pages with the offline page as
 * fallback; never store pages or fragments, because they can hold health data.
 * Diary entries saved with no signal wait in IndexedDB (diary-queue.js); the worker sends them
 * on Background Sync and whenever it starts, as the pages do on load and when back online.
 */
const VERSION = "__VERSION__";
const SHELL_URLS = ["__SHELL_URLS__"];
const OFFLINE_URL = "__OFFLINE_URL__";
const DIARY_QUEUE_URL = "__DIARY_QUEUE_URL__";
const SHELL_CACHE = "shell-" + VERSION;

// The offline diary queue (self.DiaryQueue), shared with the pages.
importScripts(DIARY_QUEUE_URL);

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
  // Not waited for: sending must never hold up the new worker.
  sendDiaryQueue().catch(() => null);
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

// Send the diary queue, then tell open pages so they redraw their list of unsent entries.
function sendDiaryQueue() {
  return self.DiaryQueue.sync().then((outcome) => {
    if (outcome.state === "empty") {
      return outcome;
    }
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((pages) => {
      pages.forEach((page) => page.postMessage({ type: "diary-queue-changed", state: outcome.state }));
      return outcome;
    });
  });
}

self.addEventListener("sync", (event) => {
  if (event.tag === "diary-sync") {
    // Failing the sync when the network let us down makes the browser try again later.
    event.waitUntil(sendDiaryQueue().then((outcome) => {
      if ((outcome.state === "offline" || outcome.state === "error") && outcome.waiting > 0) {
        throw new Error("Diary entries are still waiting to be sent.");
      }
    }));
  }
});

// The worker starts often (a page load, a sync); Safari and Firefox have no Background Sync,
// so each start is a chance to send. With an empty queue this is one IndexedDB read.
sendDiaryQueue().catch(() => null); // the queue keeps everything; the next trigger tries again
