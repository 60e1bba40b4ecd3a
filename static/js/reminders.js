/* "This phone" on the reminders page: turn Web Push reminders on or off for this phone.
 *
 * Progressive enhancement: without JavaScript the page says reminders need it, and the choices
 * form and the "Remove" buttons still work. Subscribing happens only when the person presses
 * "Turn on reminders" (browsers require that, and it is only fair). The subscription is sent to
 * the server and a copy of its endpoint and secret is kept on the phone, so the service worker
 * can prove it is the same phone when the push service renews it (pushsubscriptionchange).
 */
(function () {
  "use strict";

  var PUSH_DB = "health-trainer-push"; // shared with the service worker
  var PUSH_STORE = "subscription";
  var WAIT_MS = 20000;
  var SAY = {
    working: "Please wait...",
    on: "Reminders are on for this phone.",
    off: "Reminders are off for this phone.",
    denied: "Notifications are blocked for this app. To allow them, open your phone's Settings, " +
      "find Health Trainer or your web browser, tap Notifications and turn them on. " +
      "Then come back and press \"Turn on reminders\" again.",
    dismissed: "You did not allow notifications, so nothing has changed. Press the button again when you are ready.",
    failed: "Sorry, reminders could not be turned on. Check you have signal and try again.",
    offFailed: "Sorry, reminders could not be turned off. Check you have signal and try again.",
  };

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function isAppleMobile() {
    // iPads say "Macintosh" but have a touch screen.
    return /iPhone|iPad|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function installed() {
    return navigator.standalone === true ||
      Boolean(window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var index = 0; index < raw.length; index += 1) {
      bytes[index] = raw.charCodeAt(index);
    }
    return bytes;
  }

  function toBase64Url(buffer) {
    var text = "";
    new Uint8Array(buffer).forEach(function (byte) { text += String.fromCharCode(byte); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function sha256Hex(text) {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) {
      return Promise.resolve("");
    }
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      }).join("");
    });
  }

  // The copy the service worker reads on pushsubscriptionchange.
  function pushStore(mode, action) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        resolve(null);
        return;
      }
      var opening = indexedDB.open(PUSH_DB, 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore(PUSH_STORE); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var database = opening.result;
        var transaction = database.transaction(PUSH_STORE, mode);
        action(transaction.objectStore(PUSH_STORE));
        transaction.oncomplete = function () { database.close(); resolve(null); };
        transaction.onerror = function () { database.close(); reject(transaction.error); };
      };
    });
  }

  function postJson(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok || !answer.ok) {
          throw new Error(answer.error || "The server answered " + response.status);
        }
        return answer;
      });
    });
  }

  function withTimeout(promise) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("No service worker")); }, WAIT_MS);
      promise.then(function (value) { clearTimeout(timer); resolve(value); }, function (error) {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  function currentSubscription() {
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  // A subscription made with an old key of the service cannot be used: make a new one.
  function subscribe(registration, key) {
    var manager = registration.pushManager;
    return manager.getSubscription().then(function (existing) {
      var existingKey = existing && existing.options && existing.options.applicationServerKey;
      if (existing && (!existingKey || toBase64Url(existingKey) === key)) {
        return existing;
      }
      var cleared = existing ? existing.unsubscribe() : Promise.resolve(true);
      return cleared.then(function () {
        return manager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      });
    });
  }

  function wire(panel) {
    var onButton = panel && panel.querySelector("[data-push-action='on']");
    if (!onButton || panel.dataset.pushWired) {
      return; // not on this page, already wired, or the service has no key
    }
    panel.dataset.pushWired = "true";
    var offButton = panel.querySelector("[data-push-action='off']");
    var status = panel.querySelector("#push-status");
    var key = panel.dataset.pushKey;
    var token = panel.dataset.csrf;

    function part(name) { return panel.querySelector("[data-push-part='" + name + "']"); }
    function say(text) { status.textContent = text; }

    part("no-js").hidden = true;
    if (isAppleMobile() && !installed()) {
      part("ios").hidden = false;
      return;
    }
    if (!supported()) {
      part("unsupported").hidden = false;
      return;
    }

    // Mark "This phone" in the list; true when the server knows this phone's subscription.
    function markThisPhone(subscription) {
      var hashing = subscription ? sha256Hex(subscription.endpoint) : Promise.resolve("");
      return hashing.then(function (hash) {
        var known = false;
        document.querySelectorAll("#my-phones [data-endpoint-hash]").forEach(function (item) {
          var mine = Boolean(hash) && item.dataset.endpointHash === hash;
          var tag = item.querySelector("[data-this-phone]");
          if (tag) {
            tag.hidden = !mine;
          }
          known = known || mine;
        });
        return known;
      });
    }

    function showState(on) {
      onButton.hidden = on;
      offButton.hidden = !on;
    }

    // Redraw "My phones" from the server, so the list matches what was just done.
    function refreshList() {
      return fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("my-phones");
          var shown = document.getElementById("my-phones");
          if (fresh && shown) {
            shown.innerHTML = fresh.innerHTML;
          }
          return currentSubscription();
        })
        .then(markThisPhone)
        .catch(function () { return null; });
    }

    function turnOn() {
      onButton.disabled = true;
      say(SAY.working);
      Promise.resolve(Notification.requestPermission()).then(function (permission) {
        if (permission === "denied") {
          say(SAY.denied);
          return null;
        }
        if (permission !== "granted") {
          say(SAY.dismissed);
          return null;
        }
        return withTimeout(navigator.serviceWorker.ready)
          .then(function (registration) { return subscribe(registration, key); })
          .then(function (subscription) {
            var json = subscription.toJSON();
            return postJson(panel.dataset.addUrl, token, json).then(function () {
              var copy = { endpoint: json.endpoint, auth: json.keys.auth, key: key };
              return pushStore("readwrite", function (store) { store.put(copy, "this-phone"); })
                .catch(function () { return null; });
            });
          })
          .then(function () {
            say(SAY.on);
            showState(true);
            return refreshList();
          })
          .catch(function () { say(SAY.failed); });
      }).finally(function () { onButton.disabled = false; });
    }

    function turnOff() {
      offButton.disabled = true;
      say(SAY.working);
      currentSubscription().then(function (subscription) {
        if (!subscription) {
          return null;
        }
        // Tell the server first: if that fails, the phone stays subscribed and says so.
        return postJson(panel.dataset.forgetUrl, token, { endpoint: subscription.endpoint }).then(function () {
          return subscription.unsubscribe();
        });
      }).then(function () {
        return pushStore("readwrite", function (store) { store.delete("this-phone"); }).catch(function () {
          return null;
        });
      }).then(function () {
        say(SAY.off);
        showState(false);
        return refreshList();
      }).catch(function () {
        say(SAY.offFailed);
      }).finally(function () { offButton.disabled = false; });
    }

    onButton.addEventListener("click", turnOn);
    offButton.addEventListener("click", turnOff);
    currentSubscription().then(function (subscription) {
      return markThisPhone(subscription);
    }).then(function (known) {
      showState(known);
      if (!known && Notification.permission === "denied") {
        say(SAY.denied);
      }
    }).catch(function () { showState(false); });
  }

  function wireAll() { wire(document.getElementById("this-phone")); }

  // This script sits in the page's content, so hx-boost runs it again on each visit: wire the
  // new panel each time, and listen for htmx only once.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
  if (!window.healthTrainerReminders) {
    window.healthTrainerReminders = true;
    document.addEventListener("htmx:load", wireAll);
  }
})();
