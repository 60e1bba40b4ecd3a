/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Register the service worker, so the app can be installed and opens offline.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
        document.documentElement.dataset.swRegistered = "true";
      }).catch(function () {
        document.documentElement.dataset.swRegistered = "failed";
      });
    });
  }

  // After logout, drop cached copies of anything (the offline queue is kept: it is not a cache).
  function clearCachesAfterLogout() {
    if (document.body.dataset.clearCaches !== "true" || !("caches" in window)) {
      return;
    }
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("shell-") !== 0;
      }).map(function (name) { return caches.delete(name); }));
    });
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear-caches" });
    }
  }

  // "Install this app": use the browser's own prompt where it offers one.
  var deferredPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferredPrompt = event;
    var button = document.getElementById("install-button");
    if (button) {
      button.hidden = false;
    }
  });

  function setUpInstallButton() {
    var button = document.getElementById("install-button");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      if (!deferredPrompt) {
        return;
      }
      deferredPrompt.prompt();
      deferredPrompt.userChoice.finally(function () {
        deferredPrompt = null;
        button.hidden = true;
      });
    });
  }

  // When an htmx request fails, say so instead of doing nothing.
  function showProblem(message) {
    var box = document.getElementById("problem");
    if (!box) {
      return;
    }
    box.textContent = message;
    box.hidden = false;
    box.focus();
  }

  function wasBoosted(detail) {
    return Boolean(detail.boosted || (detail.requestConfig && detail.requestConfig.boosted));
  }

  function loadInFull(detail) {
    // A boosted page that failed or could not be sent: load it as a normal page, so the
    // friendly error page (or, offline, the service worker's offline page) shows.
    window.location.assign(detail.pathInfo.finalRequestPath || detail.pathInfo.requestPath);
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (wasBoosted(event.detail)) {
      loadInFull(event.detail);
    } else {
      showProblem("Sorry, that did not work. Please try again.");
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (wasBoosted(event.detail) && event.detail.requestConfig.verb === "get") {
      loadInFull(event.detail);
    } else {
      showProblem("You seem to be offline. Nothing was sent. Try again when you have signal.");
    }
  });

  // A boosted page swaps only the body's content, so copy the new body's data attributes and
  // hx-headers too: the logged-in person (diary.js), the CSRF header, the clear-caches flag.
  function copyBodyAttributes(responseText) {
    var tag = /<body\b[^>]*>/i.exec(responseText || "");
    if (!tag) {
      return;
    }
    var fresh = new DOMParser().parseFromString(tag[0] + "</body>", "text/html").body;
    var body = document.body;
    function copied(name) { return name.indexOf("data-") === 0 || name === "hx-headers"; }
    Array.prototype.slice.call(body.attributes).forEach(function (attribute) {
      if (copied(attribute.name) && !fresh.hasAttribute(attribute.name)) {
        body.removeAttribute(attribute.name);
      }
    });
    Array.prototype.forEach.call(fresh.attributes, function (attribute) {
      if (copied(attribute.name)) {
        body.setAttribute(attribute.name, attribute.value);
      }
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === document.body && event.detail.xhr) {
      copyBodyAttributes(event.detail.xhr.responseText);
      clearCachesAfterLogout();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    clearCachesAfterLogout();
    setUpInstallButton();
  });
})();
