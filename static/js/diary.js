/* Diary forms that keep working with no signal.
 *
 * Progressive enhancement: without this script every diary form posts to the server as usual.
 * With it, a diary form's entries go into the phone's queue first (diary-queue.js), so nothing
 * is lost, and are then sent through the sync API. Sent: go on to the form's data-return page.
 * Refused by the server: post the form the normal way, so the server shows its messages next
 * to the fields. No signal or logged out: the entries wait on the phone, listed in #unsent.
 */
(function () {
  "use strict";

  var Queue = window.DiaryQueue;
  if (!Queue || !window.indexedDB || !window.fetch) {
    return; // forms post the normal way
  }

  var MULTI_FIELDS = { food_groups: true, mood_words: true };
  var NOT_ENTRY_FIELDS = { csrf_token: true };
  // Short names for the list of unsent entries, when the form cannot tell (see pwa/diary/vocab.py).
  var MEALS = { breakfast: "Breakfast", lunch: "Lunch", dinner: "Dinner", snack: "Snack", drink: "Drink" };
  var ACTIVITIES = {
    walking: "Walking", cycling: "Cycling", swimming: "Swimming", gym: "Gym", dancing: "Dancing",
    gardening: "Gardening", housework: "Housework", sport: "Sport", "class": "Exercise class", other: "Other",
  };
  var MOODS = { 1: "Very low", 2: "Low", 3: "OK", 4: "Good", 5: "Very good" };
  var TOBACCO = { cigarettes: "Cigarettes", vapes: "Vapes", other: "Other tobacco" };
  var MESSAGES = {
    offline: "Saved on this phone. It will be sent when you are online.",
    "logged-out": "Saved on this phone. It will be sent when you log in again.",
    other: "Saved on this phone. It will be sent later.",
    earlierDay: "Type the time for an earlier day, like 08:30.",
    saved: "Saved.",
  };
  var HINTS = {
    offline: "No signal right now: they will be sent when you are online.",
    "logged-out": "Log in again to send them.",
    "not-client": "They can only be sent when you are logged in as a client.",
    error: "They could not be sent just now. They will be tried again.",
  };
  var SAVED_KEY = "diary-saved";
  var SLOW_SEND_MS = 10000;
  var saving = typeof WeakSet === "function" ? new WeakSet() : null;
  var lastState = null;

  // The London day (YYYY-MM-DD) of a moment: diary days start at London midnight.
  function londonDay(moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  function londonToday() {
    return londonDay(new Date());
  }

  function pagePersonId() {
    return document.body.dataset.personId || null;
  }

  // Whose entries this page adds and lists: the logged-in person, else the last one seen here.
  function ownerId() {
    var id = pagePersonId();
    return id ? Promise.resolve(id) : Queue.personId().catch(function () { return null; });
  }

  /* Reading forms ------------------------------------------------------------------------- */

  function visibleText(element) {
    var copy = element.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("[aria-hidden='true']"), function (hidden) { hidden.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // The label of the chosen option of a field: a checked radio's tile, or a select's option.
  function chosenLabel(form, name) {
    var select = form.querySelector("select[name='" + name + "']");
    if (select && select.selectedIndex >= 0) {
      return visibleText(select.options[select.selectedIndex]);
    }
    var input = form.querySelector("input[name='" + name + "']:checked");
    var label = input && input.closest("label");
    if (!label) {
      return "";
    }
    var text = label.querySelector(".tile__label");
    return visibleText(text || label);
  }

  function describe(entry, form) {
    function pick(name, names) {
      return (form && chosenLabel(form, name)) || names[entry[name]] || "";
    }
    switch (entry.kind) {
      case "food": {
        var food = pick("meal", MEALS) || "Food";
        if (entry.description) {
          food += ": " + entry.description;
        }
        return entry.portions ? food + " (" + entry.portions + " fruit and veg)" : food;
      }
      case "activity":
        return (pick("activity", ACTIVITIES) || "Activity") + ", " + entry.minutes + " minutes";
      case "alcohol": {
        if (entry.marker === "drink_free") {
          return "Drink-free day";
        }
        var drink = entry.drink === "other" ? entry.volume_ml + " ml drink at " + entry.abv + "%" : pick("drink", {}) || "Drink";
        return (Number(entry.quantity) > 1 ? entry.quantity + " × " : "") + drink;
      }
      case "smoking":
        if (entry.marker === "smoke_free") {
          return "Smoke-free day";
        }
        return entry.cigarettes + " " + (pick("tobacco", TOBACCO) || "cigarettes").toLowerCase();
      case "mood":
        return "Mood " + (pick("mood", MOODS) || String(entry.mood || "")).toLowerCase();
      case "weight":
        return "Weight " + entry.weight_kg + " kg";
      default:
        return "Diary entry";
    }
  }

  // "Now" is the moment it was saved on the phone, not when it reaches the server, and it must
  // be the same on every replay. Returns a problem to show, or null.
  function fixTime(entry) {
    if (entry.occurred_at || entry.time) {
      return null;
    }
    if (entry.day && entry.day !== londonToday()) {
      return MESSAGES.earlierDay;
    }
    delete entry.day;
    delete entry.time;
    entry.occurred_at = new Date().toISOString();
    return null;
  }

  function actionPath(form) {
    return new URL(form.getAttribute("action") || "", window.location.href).pathname;
  }

  // The form as queue items ({entry, label}), plus a problem to show; null if it cannot be read.
  function readForm(form) {
    var path = actionPath(form);
    var items = [];
    var problem = null;
    if (/\/diary\/add-many$/.test(path)) {
      var hidden = form.querySelectorAll("input[name='entry']");
      var button = form.querySelector("button");
      for (var index = 0; index < hidden.length; index += 1) {
        var entry;
        try {
          entry = JSON.parse(hidden[index].value);
        } catch (error) {
          return null;
        }
        if (!entry || typeof entry !== "object") {
          return null;
        }
        entry.uuid = entry.uuid || Queue.newUuid();
        problem = problem || fixTime(entry);
        items.push({ entry: entry, label: hidden.length === 1 && button ? visibleText(button) : describe(entry) });
      }
      return items.length ? { items: items, problem: problem } : null;
    }
    var match = /\/diary\/add\/([a-z]+)$/.exec(path);
    if (!match) {
      return null;
    }
    var fields = { kind: match[1] };
    new FormData(form).forEach(function (value, name) {
      if (NOT_ENTRY_FIELDS[name] || typeof value !== "string") {
        return;
      }
      if (MULTI_FIELDS[name]) {
        (fields[name] = fields[name] || []).push(value);
      } else if (value.trim() !== "") {
        fields[name] = value;
      }
    });
    fields.uuid = fields.uuid || Queue.newUuid();
    var label = describe(fields, form);
    return { items: [{ entry: fields, label: label }], problem: fixTime(fields) };
  }

  // New UUIDs, so the next save from this form is a new entry.
  function freshen(form) {
    var uuid = form.querySelector("input[name='uuid']");
    if (uuid) {
      uuid.value = Queue.newUuid();
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name='entry']"), function (input) {
      try {
        var entry = JSON.parse(input.value);
        entry.uuid = Queue.newUuid();
        input.value = JSON.stringify(entry);
      } catch (error) {
        // Leave it: the server will say it is not an entry.
      }
    });
  }

  // Entries without a UUID (the offline page's one-tap buttons) get one, once.
  function giveUuids(form) {
    var uuid = form.querySelector("input[name='uuid']");
    if (uuid) {
      uuid.value = Queue.newUuid(); // made on the phone, as STYLE.md asks
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name='entry']"), function (input) {
      try {
        var entry = JSON.parse(input.value);
        if (entry && typeof entry === "object" && !entry.uuid) {
          entry.uuid = Queue.newUuid();
          input.value = JSON.stringify(entry);
        }
      } catch (error) {
        // Leave it to the server.
      }
    });
  }

  /* Messages ---------------------------------------------------------------------------- */

  function showStatus(text, kind) {
    var box = document.getElementById("diary-status");
    if (!box) {
      return;
    }
    box.classList.remove("message--success", "message--error");
    if (kind) {
      box.classList.add("message--" + kind);
    }
    box.hidden = false;
    // Change the words after the box is shown, so screen readers announce them.
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text; }, 50);
  }

  function setBusy(form, busy) {
    if (saving) {
      if (busy) {
        saving.add(form);
      } else {
        saving.delete(form);
      }
    }
    Array.prototype.forEach.call(form.querySelectorAll("button[type='submit'], button:not([type])"), function (button) {
      button.disabled = busy;
    });
  }

  /* Saving ------------------------------------------------------------------------------ */

  // Post the form as if there were no script: the server saves it or shows what to fix.
  function postNormally(form) {
    var post = function () { HTMLFormElement.prototype.submit.call(form); };
    if (form.querySelector("input[name='csrf_token']")) {
      post();
      return;
    }
    // The offline page is cached without a login, so it carries no token: fetch one now.
    Queue.session().then(function (state) {
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = state.csrf_token;
      form.appendChild(token);
    }).catch(function () {}).then(post);
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync && registration.sync.register("diary-sync");
    }).catch(function () {
      // No Background Sync (Safari, Firefox): page load and the online event send instead.
    });
  }

  function afterSync(form, uuids, outcome) {
    return Queue.list().then(function (records) {
      var found = {};
      records.forEach(function (record) { found[record.uuid] = record; });
      var rejected = uuids.filter(function (uuid) { return found[uuid] && found[uuid].status === "rejected"; });
      var waiting = uuids.filter(function (uuid) { return found[uuid] && found[uuid].status !== "rejected"; });
      if (rejected.length) {
        // The form is still on screen: let the server show what to fix, next to the fields.
        return Queue.remove(rejected).then(function () { postNormally(form); });
      }
      if (!waiting.length) {
        try {
          window.sessionStorage.setItem(SAVED_KEY, MESSAGES.saved);
        } catch (error) {
          // No session storage: the new entry in the list says enough.
        }
        window.location.assign(form.dataset.return || "/today");
        return null;
      }
      showStatus(MESSAGES[outcome.state] || MESSAGES.other, null);
      form.reset();
      freshen(form);
      setBusy(form, false);
      return render();
    });
  }

  function save(form) {
    var read = readForm(form);
    if (!read) {
      postNormally(form);
      return;
    }
    if (read.problem) {
      if (navigator.onLine) {
        postNormally(form); // the server shows the message next to the field
        return;
      }
      showStatus(read.problem, "error");
      var details = form.querySelector("details");
      if (details) {
        details.open = true;
      }
      var time = form.querySelector("input[name='time']");
      if (time) {
        time.focus();
      }
      return;
    }
    setBusy(form, true);
    ownerId().then(function (owner) {
      return Queue.add(read.items, owner);
    }).then(function (uuids) {
      askForBackgroundSync();
      lastState = null;
      var syncing = Queue.sync().catch(function () { return { state: "error" }; });
      // Poor signal can make a send hang: after a while, treat it as no signal. The send
      // goes on, and the list is redrawn when it ends.
      var slow = new Promise(function (resolve) {
        window.setTimeout(function () { resolve({ state: "offline", slow: true }); }, SLOW_SEND_MS);
      });
      syncing.then(function (outcome) {
        lastState = outcome.state;
        return render();
      });
      return Promise.race([syncing, slow]).then(function (outcome) {
        lastState = outcome.state;
        return afterSync(form, uuids, outcome);
      });
    }).catch(function () {
      // The phone would not store it (private browsing, storage full): post it the normal way.
      setBusy(form, false);
      postNormally(form);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-diary-form")) {
      return;
    }
    // Before htmx's boost handler on the form: this script sends diary forms itself.
    event.preventDefault();
    event.stopPropagation();
    if (saving && saving.has(form)) {
      return; // a second tap while the first is being saved
    }
    save(form);
  }, true);

  /* The list of unsent entries ------------------------------------------------------------ */

  function whenText(entry) {
    var moment = entry.occurred_at ? new Date(entry.occurred_at) : null;
    var today = londonToday();
    if (moment && !isNaN(moment)) {
      var day = londonDay(moment);
      var options = { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", hour12: false };
      if (day !== today) {
        options.weekday = "short";
        options.day = "numeric";
        options.month = "short";
      }
      return new Intl.DateTimeFormat("en-GB", options).format(moment);
    }
    if (entry.day && entry.day !== today) {
      return entry.day + (entry.time ? " " + entry.time : "");
    }
    return entry.time || "";
  }

  function problemText(errors) {
    var messages = [];
    Object.keys(errors || {}).forEach(function (name) { messages.push(String(errors[name])); });
    return messages.join(" ") || "The server did not accept it.";
  }

  function listItem(record) {
    var item = document.createElement("li");
    item.className = "list__item unsent-item";
    var text = document.createElement("span");
    var label = record.label || describe(record.entry);
    var when = whenText(record.entry);
    text.textContent = (when ? when + " " : "") + label;
    item.appendChild(text);
    if (record.status === "rejected") {
      item.classList.add("unsent-item--rejected");
      var problem = document.createElement("span");
      problem.className = "unsent-item__problem";
      problem.textContent = "Not saved: " + problemText(record.errors);
      item.appendChild(problem);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button--small button--secondary";
      remove.dataset.removeUuid = record.uuid;
      remove.appendChild(document.createTextNode("Remove"));
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = " " + label;
      remove.appendChild(which);
      item.appendChild(remove);
    }
    return item;
  }

  function summaryText(records) {
    var refused = records.filter(function (record) { return record.status === "rejected"; }).length;
    var waiting = records.length - refused;
    var parts = [];
    if (waiting) {
      parts.push(waiting === 1 ? "1 entry saved on this phone, not sent yet." : waiting + " entries saved on this phone, not sent yet.");
      if (HINTS[lastState]) {
        parts.push(HINTS[lastState]);
      }
    }
    if (refused) {
      parts.push(refused === 1 ? "1 entry was not accepted: see below." : refused + " entries were not accepted: see below.");
    }
    return parts.join(" ");
  }

  function loginNoteText(count) {
    return count === 1
      ? "1 diary entry is saved on this phone. Log in to send it."
      : count + " diary entries are saved on this phone. Log in to send them.";
  }

  function render() {
    var section = document.getElementById("unsent");
    var badge = document.getElementById("unsent-badge");
    var loginNote = document.getElementById("unsent-login");
    if (!section && !badge && !loginNote) {
      return Promise.resolve();
    }
    return Promise.all([Queue.list(), ownerId()]).then(function (found) {
      var all = found[0];
      var owner = found[1];
      var mine = all.filter(function (record) { return record.owner === null || record.owner === owner; });
      if (loginNote) {
        loginNote.hidden = all.length === 0;
        loginNote.textContent = all.length ? loginNoteText(all.length) : "";
      }
      if (badge) {
        badge.hidden = mine.length === 0;
        var number = badge.querySelector("#unsent-badge-count");
        if (number) {
          number.textContent = String(mine.length);
        }
      }
      if (section) {
        section.hidden = mine.length === 0;
        var summary = document.getElementById("unsent-summary");
        var text = mine.length ? summaryText(mine) : "";
        if (summary && summary.textContent !== text) {
          summary.textContent = text;
        }
        var list = document.getElementById("unsent-list");
        if (list) {
          list.replaceChildren.apply(list, mine.map(listItem));
        }
        var send = document.getElementById("unsent-send");
        if (send) {
          send.hidden = !mine.some(function (record) { return record.status !== "rejected"; });
        }
      }
    }).catch(function () {
      // The phone's store cannot be read: nothing to show.
    });
  }

  function syncAndRender() {
    return Queue.sync().then(function (outcome) {
      if (outcome.state !== "empty") {
        lastState = outcome.state;
      }
    }).catch(function () {
      lastState = "error";
    }).then(render);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var remove = target && target.closest("[data-remove-uuid]");
    if (remove) {
      Queue.remove([remove.dataset.removeUuid]).then(render).then(function () {
        // Focus stays in the list if anything is left in it, else goes back to the page.
        var section = document.getElementById("unsent");
        var next = document.querySelector("#unsent-list [data-remove-uuid], #unsent-send:not([hidden])");
        var summary = section && !section.hidden ? document.getElementById("unsent-summary") : null;
        (next || summary || document.getElementById("main")).focus();
      });
      return;
    }
    var send = target && target.closest("#unsent-send");
    if (send) {
      send.disabled = true;
      syncAndRender().then(function () { send.disabled = false; });
    }
  });

  function showSavedMessage() {
    var message = null;
    try {
      message = window.sessionStorage.getItem(SAVED_KEY);
      window.sessionStorage.removeItem(SAVED_KEY);
    } catch (error) {
      return;
    }
    if (message) {
      showStatus(message, "success");
    }
  }

  // Each page, including ones htmx swaps in: new UUIDs, remember who is logged in, show the
  // queue, and send what waits.
  function setUpPage() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-diary-form]"), giveUuids);
    var offlineForms = document.getElementById("offline-diary");
    if (offlineForms) {
      offlineForms.hidden = false;
    }
    var person = pagePersonId();
    (person ? Queue.setPersonId(person).catch(function () {}) : Promise.resolve())
      .then(render)
      .then(syncAndRender);
  }

  document.addEventListener("DOMContentLoaded", function () {
    showSavedMessage();
    setUpPage();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.target === document.body) {
      setUpPage();
    }
  });
  window.addEventListener("online", syncAndRender);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      // Back to a page left after saving: its forms may still be marked busy.
      Array.prototype.forEach.call(document.querySelectorAll("form[data-diary-form]"), function (form) {
        setBusy(form, false);
        freshen(form);
      });
      render();
    }
  });
  if ("serviceWorker" in navigator) {
    // The worker sent the queue (Background Sync, or on start): show what is left.
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "diary-queue-changed") {
        render();
      }
    });
  }
})();
