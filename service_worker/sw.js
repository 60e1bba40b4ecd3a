/* Health Trainer service worker.
 *
 * Served at /sw.js by the Flask app, which fills in the version and the shell URLs.
 * Rules (STYLE.md): precache the shell; network-first for pages with the offline page as
 * fallback; never store pages or fragments, because they can hold health data.
 * Diary entries saved with no signal wait in IndexedDB (diary-queue.js); the worker sends them
 * on Background Sync and whenever it starts, as the pages do on load and when back online.
 * Reminders arrive as Web Push messages: the worker shows them, opens the right page when one
 * is tapped, and renews the phone's subscription when the push service replaces it.
 */
const VERSION = "__VERSION__";
const SHELL_URLS = ["__SHELL_URLS__"];
const OFFLINE_URL = "__OFFLINE_URL__";
const DIARY_QUEUE_URL = "__DIARY_QUEUE_URL__";
const PUSH_RENEW_URL = "__PUSH_RENEW_URL__";
const PUSH_KEY = "__PUSH_KEY__"; // the service's public VAPID key; "" when push is not set up
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
    // After logout: drop every cache but the shell, and stop reminders on this phone. The
    // offline queue lives in IndexedDB and is never touched here.
    event.waitUntil(Promise.all([
      caches.keys().then((names) => Promise.all(
        names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))
      )),
      forgetPushOnThisPhone(),
    ]));
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

/* Reminders (Web Push) -------------------------------------------------------------------- */

const APP_NAME = "Health Trainer";
const PUSH_DB = "health-trainer-push"; // this phone's subscription, kept by reminders.js too
const PUSH_STORE = "subscription";

// Only paths of this app: a payload can never send someone to another site.
function samePath(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/";
  } catch (error) {
    return "/";
  }
}

function appIcon() {
  return SHELL_URLS.find((url) => url.includes("icons/icon-192.png"));
}

function readPayload(event) {
  try {
    const payload = event.data ? event.data.json() : null;
    if (payload && typeof payload.title === "string" && typeof payload.body === "string") {
      return payload;
    }
  } catch (error) {
    // Not JSON: show the plain reminder below.
  }
  return null;
}

self.addEventListener("push", (event) => {
  // Payloads never hold health data or names: what shows on the lock screen is safe to see.
  const payload = readPayload(event) || { title: APP_NAME, body: "You have a new reminder", url: "/" };
  const options = { body: payload.body, icon: appIcon(), data: { url: samePath(payload.url) } };
  if (payload.tag) {
    options.tag = String(payload.tag); // a resend replaces the copy already shown
  }
  event.waitUntil(self.registration.showNotification(payload.title || APP_NAME, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  // Someone logged out is sent to the login page, which brings them back here afterwards.
  const target = new URL(samePath(data.url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (!open) {
        return self.clients.openWindow(target);
      }
      return open.focus()
        .then((focused) => (focused || open).navigate(target))
        .catch(() => self.clients.openWindow(target)); // a page the worker does not control
    })
  );
});

function pushStore(mode, action) {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(PUSH_DB, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(PUSH_STORE);
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const database = opening.result;
      const transaction = database.transaction(PUSH_STORE, mode);
      const request = action(transaction.objectStore(PUSH_STORE));
      transaction.oncomplete = () => { database.close(); resolve(request.result); };
      transaction.onerror = () => { database.close(); reject(transaction.error); };
    };
  });
}

function toBase64Url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  bytes.forEach((byte) => { text += String.fromCharCode(byte); });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// The push service replaced this phone's subscription (or dropped it): subscribe again with the
// same key and tell the server, proving it is the same phone with the old endpoint and secret.
function renewSubscription(oldSubscription, newSubscription) {
  return pushStore("readonly", (store) => store.get("this-phone")).catch(() => null).then((stored) => {
    const oldJson = oldSubscription ? oldSubscription.toJSON() : null;
    const old = oldJson ? { endpoint: oldJson.endpoint, auth: oldJson.keys && oldJson.keys.auth } : stored;
    if (!old || !old.endpoint || !old.auth) {
      return null; // nothing to prove who we are: the person turns reminders on again
    }
    const oldKey = oldSubscription && oldSubscription.options && oldSubscription.options.applicationServerKey;
    const key = (oldKey && toBase64Url(oldKey)) || (stored && stored.key) || PUSH_KEY;
    const fresh = newSubscription
      ? Promise.resolve(newSubscription)
      : self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    return fresh.then((subscription) => {
      const json = subscription.toJSON();
      return fetch(PUSH_RENEW_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ old_endpoint: old.endpoint, old_auth: old.auth, subscription: json }),
      }).then((response) => {
        if (!response.ok) {
          return null;
        }
        const copy = { endpoint: json.endpoint, auth: json.keys.auth, key: key };
        return pushStore("readwrite", (store) => store.put(copy, "this-phone"));
      });
    });
  });
}

// After logout nobody's reminders may reach this phone (it may be shared): unsubscribe here, so
// the next push to the old subscription is answered "gone" and the server removes it.
function forgetPushOnThisPhone() {
  return self.registration.pushManager.getSubscription()
    .then((subscription) => subscription && subscription.unsubscribe())
    .then(() => pushStore("readwrite", (store) => store.delete("this-phone")))
    .catch(() => null);
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(renewSubscription(event.oldSubscription, event.newSubscription).catch(() => null));
});
