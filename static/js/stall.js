/* The live tally at a stall, with or without signal.
 *
 * Progressive enhancement: without this script each + and - is a form the server adds at
 * once. With it, a tap changes the numbers on screen at once and goes into the phone's queue
 * (diary-queue.js, target "community"), which sends it when it can: a tap is never lost, and
 * its UUID means it is counted once. A stall started with no signal is made on the phone (the
 * start form already holds its UUID) and sent before its taps.
 *
 * The numbers shown are the newest totals heard from the server plus the taps still queued.
 * Only counts are kept on the phone: no names, nothing about anyone's health.
 */
(function () {
  "use strict";

  var Queue = window.DiaryQueue;
  if (!Queue || !window.indexedDB || !window.fetch || !Queue.getMeta) {
    return; // the forms post the normal way
  }

  var TARGET = "community";
  var POSTCODE = /^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$/i;
  var NOUNS = { gender: "genders", age_band: "ages", ethnicity_group: "ethnic groups", postcode_district: "postcode areas" };
  var SYNC_DELAY_MS = 400;
  var RETRY_MS = 15000;

  var shown = null; // {uuid, id, title, subtitle, base, asOf, finishUrl}
  var vocab = null;
  var syncTimer = null;

  /* Small helpers ----------------------------------------------------------------------- */

  function londonParts(moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(moment).forEach(function (part) { parts[part.type] = Number(part.value); });
    return parts;
  }

  // Today's London date at hh:mm, as a Date (the clocks may be on GMT or BST).
  function londonToday(hours, minutes) {
    var today = londonParts(new Date());
    var guess = Date.UTC(today.year, today.month - 1, today.day, hours, minutes);
    var seen = londonParts(new Date(guess));
    var asIfUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    return new Date(guess - (asIfUtc - guess));
  }

  function ownerId() {
    var id = document.body.dataset.personId;
    return id ? Promise.resolve(id) : Queue.personId().catch(function () { return null; });
  }

  function readJson(text) {
    try {
      return JSON.parse(text);
    } catch (error) {
      return null;
    }
  }

  function copyTotals(totals) {
    var copy = { counts: {}, breakdowns: {} };
    Object.keys((totals && totals.counts) || {}).forEach(function (key) { copy.counts[key] = totals.counts[key]; });
    Object.keys((totals && totals.breakdowns) || {}).forEach(function (dimension) {
      copy.breakdowns[dimension] = Object.assign({}, totals.breakdowns[dimension]);
    });
    copy.counts.reached = copy.counts.reached || 0;
    return copy;
  }

  function label(key) {
    var found = key;
    (vocab ? vocab.counters : []).forEach(function (pair) { if (pair[0] === key) { found = pair[1]; } });
    var parts = key.split(".");
    (vocab ? vocab.breakdowns : []).forEach(function (group) {
      if (group[0] === parts[0]) {
        group[2].forEach(function (pair) { if (pair[0] === parts[1]) { found = group[1] + ": " + pair[1]; } });
      }
    });
    return found;
  }

  // The totals with the deltas added, or {error} (the same rules as pwa/community/tally.py).
  function addCounts(totals, counts) {
    var next = copyTotals(totals);
    var keys = Object.keys(counts);
    for (var i = 0; i < keys.length; i += 1) {
      var key = keys[i];
      var value;
      if (key.indexOf(".") < 0) {
        next.counts[key] = (next.counts[key] || 0) + counts[key];
        value = next.counts[key];
      } else {
        var parts = key.split(".");
        var group = next.breakdowns[parts[0]] = next.breakdowns[parts[0]] || {};
        group[parts[1]] = (group[parts[1]] || 0) + counts[key];
        value = group[parts[1]];
      }
      if (value < 0) {
        return { error: label(key) + " cannot go below 0." };
      }
    }
    var reached = next.counts.reached;
    var problem = null;
    Object.keys(next.breakdowns).forEach(function (dimension) {
      var counted = 0;
      Object.keys(next.breakdowns[dimension]).forEach(function (choice) { counted += next.breakdowns[dimension][choice]; });
      if (counted > reached && !problem) {
        problem = "The " + (NOUNS[dimension] || dimension) + " add up to " + counted + ", but you reached " +
          (reached === 1 ? "1 person." : reached + " people.");
      }
    });
    return problem ? { error: problem } : { totals: next };
  }

  // A breakdown "+" counts one more person reached when that breakdown already covers everyone.
  function tapCounts(totals, key, delta) {
    var counts = {};
    if (key.indexOf(".") >= 0 && delta > 0) {
      var group = totals.breakdowns[key.split(".")[0]] || {};
      var counted = 0;
      Object.keys(group).forEach(function (choice) { counted += group[choice]; });
      if (counted >= totals.counts.reached) {
        counts.reached = delta;
      }
    }
    counts[key] = delta;
    return counts;
  }

  /* What is queued for the event on screen --------------------------------------------------- */

  function recordsFor(uuid) {
    return Queue.list(undefined, TARGET).then(function (records) {
      return records.filter(function (record) {
        return record.kind === "event" ? record.entry.uuid === uuid : record.entry.event_uuid === uuid;
      });
    });
  }

  // Newest totals the server told us about, from the page or from the last sync.
  function refreshBase() {
    if (!shown) {
      return Promise.resolve();
    }
    return Promise.all([
      Queue.getMeta("community-totals:" + shown.uuid),
      Queue.getMeta("community-url:" + shown.uuid),
    ]).then(function (found) {
      var heard = found[0];
      if (heard && heard.asOf && (!shown.asOf || heard.asOf > shown.asOf)) {
        shown.base = copyTotals(heard.totals);
        shown.asOf = heard.asOf;
      }
      if (found[1] && !shown.finishUrl) {
        shown.finishUrl = found[1].finishUrl;
        var finish = document.getElementById("stall-finish");
        if (finish && shown.finishUrl) {
          finish.href = shown.finishUrl;
          finish.hidden = false;
          var wait = document.getElementById("stall-finish-wait");
          if (wait) {
            wait.hidden = true;
          }
        }
      }
    }).catch(function () {});
  }

  function current(records) {
    var totals = copyTotals(shown.base);
    records.forEach(function (record) {
      if (record.kind !== "event" && record.status !== "rejected") {
        var added = addCounts(totals, record.entry.counts);
        totals = added.totals || totals;
      }
    });
    return totals;
  }

  function unsentText(count) {
    if (!count) {
      return "All sent";
    }
    return count === 1 ? "1 change not sent yet" : count + " changes not sent yet";
  }

  function rejectedItem(record) {
    var item = document.createElement("li");
    item.className = "list__item unsent-item unsent-item--rejected";
    var text = document.createElement("span");
    text.className = "unsent-item__problem";
    var reasons = Object.keys(record.errors || {}).map(function (name) { return String(record.errors[name]); }).join(" ");
    text.textContent = "Not counted: " + (record.label || "a change") + ". " + (reasons || "The server did not accept it.");
    item.appendChild(text);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button--small button--secondary";
    remove.dataset.stallRemove = record.uuid;
    remove.appendChild(document.createTextNode("Remove"));
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " " + (record.label || "this change");
    remove.appendChild(which);
    item.appendChild(remove);
    return item;
  }

  function render() {
    var root = document.getElementById("stall");
    if (!shown || !root) {
      return Promise.resolve();
    }
    return recordsFor(shown.uuid).then(function (records) {
      var totals = current(records);
      Array.prototype.forEach.call(root.querySelectorAll("[data-total]"), function (box) {
        var key = box.dataset.total;
        var parts = key.split(".");
        var value = parts.length === 1 ? totals.counts[key] || 0 : (totals.breakdowns[parts[0]] || {})[parts[1]] || 0;
        if (box.textContent !== String(value)) {
          box.textContent = String(value);
        }
      });
      var waiting = records.filter(function (record) { return record.status !== "rejected"; }).length;
      var line = document.getElementById("stall-unsent");
      var text = unsentText(waiting);
      if (line && line.textContent !== text) {
        line.textContent = text;
      }
      var refused = records.filter(function (record) { return record.status === "rejected"; });
      var list = document.getElementById("stall-rejected");
      if (list) {
        list.hidden = refused.length === 0;
        list.replaceChildren.apply(list, refused.map(rejectedItem));
      }
    }).catch(function () {});
  }

  function syncNow() {
    return Queue.sync().catch(function () { return null; }).then(refreshBase).then(render);
  }

  function syncSoon() {
    window.clearTimeout(syncTimer);
    syncTimer = window.setTimeout(syncNow, SYNC_DELAY_MS);
  }

  function say(text) {
    var box = document.getElementById("problem");
    if (!box) {
      return;
    }
    box.hidden = !text;
    box.textContent = "";
    if (text) {
      window.setTimeout(function () { box.textContent = text; }, 50);
    }
  }

  /* Tapping ----------------------------------------------------------------------------------- */

  function tap(key, delta) {
    if (!shown) {
      return;
    }
    var adding = Promise.all([recordsFor(shown.uuid), ownerId()]).then(function (found) {
      var counts = tapCounts(current(found[0]), key, delta);
      var checked = addCounts(current(found[0]), counts);
      if (checked.error) {
        say(checked.error);
        return null;
      }
      say("");
      var entry = { uuid: Queue.newUuid(), event_uuid: shown.uuid, counts: counts, recorded_at: new Date().toISOString() };
      var words = (delta > 0 ? "+1 " : "-1 ") + label(key);
      return Queue.add([{ kind: "tally", entry: entry, label: words }], found[1], TARGET);
    });
    adding.then(render).then(syncSoon).catch(function () {
      say("This phone could not keep that tap. Please try again.");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    if (form.hasAttribute("data-stall-tap") && shown) {
      event.preventDefault();
      event.stopPropagation(); // before htmx's boost
      tap(form.elements.counter.value, Number(form.elements.delta.value));
    } else if (form.hasAttribute("data-stall-start")) {
      event.preventDefault();
      event.stopPropagation();
      start(form);
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-stall-remove]") : null;
    if (target) {
      Queue.remove([target.dataset.stallRemove]).then(render).then(function () {
        var line = document.getElementById("stall-unsent");
        if (line) {
          line.focus();
        }
      });
    }
  });

  /* Drawing the tally with no signal -------------------------------------------------------- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function tapForm(key, delta, words) {
    var form = element("form", "stall-tap");
    form.method = "post";
    form.setAttribute("data-stall-tap", "");
    [["counter", key], ["delta", String(delta)]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    var button = element("button", "button stall-tap__button" + (delta < 0 ? " button--secondary" : ""));
    button.type = "submit";
    var sign = element("span", "", delta > 0 ? "+" : "−");
    sign.setAttribute("aria-hidden", "true");
    button.appendChild(sign);
    button.appendChild(element("span", "visually-hidden", (delta > 0 ? "Add one: " : "Take one off: ") + words));
    form.appendChild(button);
    return form;
  }

  function row(key, words, spoken, small) {
    var item = element("li", "stall-row" + (small ? " stall-row--small" : ""));
    item.appendChild(element("span", "stall-row__label", words));
    item.appendChild(tapForm(key, -1, spoken));
    var number = element("span", "stall-row__number", "0");
    number.dataset.total = key;
    item.appendChild(number);
    item.appendChild(tapForm(key, 1, spoken));
    return item;
  }

  // The same screen as templates/community/stall.html, for a stall this phone knows about.
  function drawTally(place, info) {
    var root = element("div", "stall");
    root.id = "stall";
    root.appendChild(element("h1", "", info.title));
    if (info.subtitle) {
      root.appendChild(element("p", "muted", info.subtitle));
    }
    var line = element("p", "stall__unsent", "All sent");
    line.id = "stall-unsent";
    line.setAttribute("role", "status");
    line.setAttribute("aria-live", "polite");
    line.tabIndex = -1;
    root.appendChild(line);
    var rejected = element("ul", "list");
    rejected.id = "stall-rejected";
    rejected.hidden = true;
    root.appendChild(rejected);
    var counts = element("ul", "stall__rows");
    counts.setAttribute("aria-label", "Counts");
    vocab.counters.forEach(function (pair) { counts.appendChild(row(pair[0], pair[1], pair[1], false)); });
    root.appendChild(counts);
    var who = element("section");
    who.setAttribute("aria-labelledby", "stall-who");
    var heading = element("h2", "", "Who did you reach?");
    heading.id = "stall-who";
    who.appendChild(heading);
    who.appendChild(element("p", "muted", "Tap + for each person. If you have already counted everyone you reached, a tap here counts one more person too."));
    vocab.breakdowns.forEach(function (group) {
      var title = element("h3", "", group[1]);
      title.id = "stall-" + group[0];
      who.appendChild(title);
      var rows = element("ul", "stall__rows");
      rows.setAttribute("aria-labelledby", title.id);
      group[2].forEach(function (pair) { rows.appendChild(row(group[0] + "." + pair[0], pair[1], group[1] + " " + pair[1], true)); });
      who.appendChild(rows);
    });
    root.appendChild(who);
    var finishLine = element("p");
    var finish = element("a", "button button--wide", "Finish");
    finish.id = "stall-finish";
    finish.href = info.finishUrl || "#";
    finish.hidden = !info.finishUrl;
    finishLine.appendChild(finish);
    root.appendChild(finishLine);
    var wait = element("p", "muted", "You can finish once this stall has been sent. Keep counting: it is kept on this phone.");
    wait.id = "stall-finish-wait";
    wait.hidden = Boolean(info.finishUrl);
    root.appendChild(wait);
    place.replaceChildren(root);
    place.hidden = false;
  }

  function show(info) {
    shown = { uuid: info.uuid, id: info.id || null, base: copyTotals(info.totals), asOf: info.asOf || "", finishUrl: info.finishUrl || "" };
    return refreshBase().then(render);
  }

  /* Starting a stall ------------------------------------------------------------------------ */

  function fieldValue(form, name) {
    var field = form.elements[name];
    return field ? String(field.value || "").trim() : "";
  }

  /** The planned end: today at that London time, or tomorrow when that time has passed (an
   * evening stall can run past midnight; the server allows at most 12 hours ahead, as here). */
  function plannedEnd(hour, minute) {
    var end = londonToday(hour, minute);
    return end <= new Date() ? new Date(end.getTime() + 24 * 3600 * 1000) : end;
  }

  function problemWith(form) {
    if (!fieldValue(form, "title")) {
      return ["title", "Give the event a short name, like \"Stall at the market\"."];
    }
    var postcode = fieldValue(form, "postcode");
    if (postcode && !POSTCODE.test(postcode)) {
      return ["postcode", "Type a UK postcode, like FE1 2AB, or leave it empty."];
    }
    var end = /^(\d\d):(\d\d)$/.exec(fieldValue(form, "end_time"));
    if (!end || plannedEnd(Number(end[1]), Number(end[2])) - new Date() > 12 * 3600 * 1000) {
      return ["end_time", "Type a time later than now for when you plan to finish, like 15:30."];
    }
    return null;
  }

  function startHere(form) {
    var problem = problemWith(form);
    if (problem) {
      say(problem[1]);
      var field = form.elements[problem[0]];
      if (field) {
        field.focus();
      }
      return;
    }
    var end = fieldValue(form, "end_time").split(":");
    var now = new Date();
    var entry = {
      uuid: fieldValue(form, "uuid") || Queue.newUuid(),
      event_type: fieldValue(form, "event_type") || "stall",
      title: fieldValue(form, "title"),
      venue: fieldValue(form, "venue"),
      postcode: fieldValue(form, "postcode"),
      starts_at: now.toISOString(),
      ends_at: plannedEnd(Number(end[0]), Number(end[1])).toISOString(),
    };
    var hhmm = function (moment) {
      var parts = londonParts(moment);
      return String(parts.hour).padStart(2, "0") + ":" + String(parts.minute).padStart(2, "0");
    };
    var info = {
      uuid: entry.uuid,
      title: entry.title,
      subtitle: (entry.venue ? entry.venue + ", " : "") + hhmm(now) + " to " + fieldValue(form, "end_time"),
      totals: { counts: { reached: 0 }, breakdowns: {} },
      asOf: "",
    };
    ownerId().then(function (owner) {
      return Queue.add([{ kind: "event", entry: entry, label: "New event: " + entry.title }], owner, TARGET);
    }).then(function () {
      return Queue.setMeta("community-event:" + entry.uuid, info);
    }).then(function () {
      say("");
      var startBox = document.getElementById("stall-start");
      if (startBox) {
        startBox.hidden = true;
      }
      history.replaceState(null, "", "/stall/new?event=" + encodeURIComponent(entry.uuid));
      drawTally(document.getElementById("stall-local"), info);
      document.getElementById("stall-unsent").focus();
      return show(info);
    }).then(syncSoon).catch(function () {
      HTMLFormElement.prototype.submit.call(form); // the phone cannot keep it: try the server
    });
  }

  function start(form) {
    // With signal the server starts it (and shows what to fix); with none, this phone does.
    Queue.session().then(function () {
      HTMLFormElement.prototype.submit.call(form);
    }, function (problem) {
      if (problem && problem.status) {
        HTMLFormElement.prototype.submit.call(form);
      } else {
        startHere(form);
      }
    });
  }

  /* Each page --------------------------------------------------------------------------------- */

  function rememberVocab() {
    var holder = document.querySelector("[data-stall-vocab]");
    var found = holder ? readJson(holder.dataset.stallVocab) : null;
    if (found) {
      vocab = found;
      return Queue.setMeta("community-vocab", found).catch(function () {});
    }
    return Queue.getMeta("community-vocab").then(function (kept) { vocab = kept; }).catch(function () {});
  }

  // The tally the server drew: remember it, so it can be drawn again with no signal.
  function fromServerPage(root) {
    var info = {
      uuid: root.dataset.eventUuid,
      id: root.dataset.eventId,
      title: root.dataset.eventTitle,
      subtitle: (root.querySelector(".muted") || {}).textContent || "",
      totals: readJson(root.dataset.totals) || { counts: {}, breakdowns: {} },
      asOf: root.dataset.asOf || "",
      finishUrl: (document.getElementById("stall-finish") || {}).href || "",
    };
    return Promise.all([
      Queue.setMeta("community-event:" + info.uuid, info),
      Queue.setMeta("community-event-id:" + info.id, info.uuid),
    ]).catch(function () {}).then(function () { return show(info); });
  }

  // The worker showed the offline page for a stall address: draw the tally this phone knows.
  function fromOfflinePage() {
    var byId = /^\/events\/(\d+)\/stall$/.exec(location.pathname);
    var byUuid = location.pathname === "/stall/new" ? new URLSearchParams(location.search).get("event") : null;
    if ((!byId && !byUuid) || !vocab) {
      return Promise.resolve();
    }
    var finding = byId ? Queue.getMeta("community-event-id:" + byId[1]) : Promise.resolve(byUuid);
    return finding.then(function (uuid) {
      return uuid ? Queue.getMeta("community-event:" + uuid) : null;
    }).then(function (info) {
      var main = document.getElementById("main");
      if (!info || !main) {
        return null;
      }
      Array.prototype.forEach.call(main.children, function (child) {
        if (child.id !== "problem") {
          child.hidden = true;
        }
      });
      var place = document.createElement("div");
      main.appendChild(place);
      drawTally(place, info);
      return show(info);
    });
  }

  function setUpPage() {
    shown = null;
    rememberVocab().then(function () {
      var root = document.getElementById("stall");
      if (root && root.dataset.eventUuid) {
        return fromServerPage(root);
      }
      var started = document.getElementById("stall-start");
      var asked = new URLSearchParams(location.search).get("event");
      if (started && asked) {
        // A stall started here with no signal, not sent yet: keep counting at it.
        return Queue.getMeta("community-event:" + asked).then(function (info) {
          if (info) {
            started.hidden = true;
            drawTally(document.getElementById("stall-local"), info);
            return show(info);
          }
          return null;
        });
      }
      return started ? null : fromOfflinePage();
    }).then(function () {
      return shown ? syncNow() : null;
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", setUpPage);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.target === document.body) {
      setUpPage();
    }
  });
  window.addEventListener("online", function () {
    if (shown) {
      syncNow();
    }
  });
  // The worker may send the queue too (Background Sync): look again now and then.
  window.setInterval(function () {
    if (shown && navigator.onLine) {
      syncNow();
    }
  }, RETRY_MS);
})();
