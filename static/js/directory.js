/* Directory search: the "Near me" button. Progressive enhancement only: without this file (or
   without a browser that can tell where the phone is) the postcode box does the same job.
   The position goes only into this search's own form, rounded to about 100 metres. */
(function () {
  "use strict";

  var DECIMALS = 3; // about 100 metres: enough to find the nearest groups, no more

  function formOf(element) {
    return element.closest("[data-directory-search]");
  }

  function say(form, message) {
    var box = form.querySelector("[data-near-me-message]");
    if (box) {
      box.textContent = message;
    }
  }

  function useMyPosition(button) {
    var form = formOf(button);
    if (!form || !navigator.geolocation) {
      return;
    }
    button.disabled = true;
    say(form, "Finding where you are…");
    navigator.geolocation.getCurrentPosition(function (position) {
      var postcode = form.querySelector("[data-near-me-postcode]");
      form.querySelector("[data-near-me-lat]").value = position.coords.latitude.toFixed(DECIMALS);
      form.querySelector("[data-near-me-long]").value = position.coords.longitude.toFixed(DECIMALS);
      if (postcode) {
        postcode.value = ""; // a postcode would win over the position
      }
      // A plain submit (not htmx): the whole page reloads and says "near you".
      form.submit();
    }, function () {
      button.disabled = false;
      say(form, "We could not find where you are. That is fine: type your postcode instead.");
      var postcode = form.querySelector("[data-near-me-postcode]");
      if (postcode) {
        postcode.focus();
      }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  }

  function setUp(root) {
    if (!("geolocation" in navigator)) {
      return;
    }
    var boxes = (root || document).querySelectorAll("[data-near-me-box]");
    Array.prototype.forEach.call(boxes, function (box) {
      box.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-near-me]");
    if (button) {
      event.preventDefault();
      useMyPosition(button);
    }
  });

  // Typing a postcode means "search near this postcode": forget the position.
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-near-me-postcode]")) {
      return;
    }
    var form = formOf(event.target);
    if (form) {
      form.querySelector("[data-near-me-lat]").value = "";
      form.querySelector("[data-near-me-long]").value = "";
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // Pages reached through hx-boost, and a search swapped back in with a field error.
  document.addEventListener("htmx:load", function (event) { setUp(event.detail && event.detail.elt); });
})();
