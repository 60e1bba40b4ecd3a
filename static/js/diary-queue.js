/* The offline diary queue: entries kept on this phone (IndexedDB) until the server has them.
 *
 * A classic script for pages and for the service worker (importScripts); it sets
 * self.DiaryQueue. This is the only personal data the app keeps on the phone (STYLE.md), so:
 * - an entry leaves the queue only when the server answers "created" or "duplicate";
 * - a rejected entry stays, marked with the server's reasons, until the person removes it;
 * - logging out never empties it: entries wait for their owner's next login.
 * Each entry carries a UUID made on the phone, so sending it twice stores it once.
 *
 * Items carry a target: "diary" (the default, and every record made before targets) goes to
 * the diary API; "community" (events started and taps made at a stall, see stall.js) goes to
 * the community sync API, events before tallies, under the same rules. list(), count() and
 * the outcome of sync() are about the diary unless a target is named, so diary pages see
 * only diary entries.
 */
(function (scope) {
  "use strict";

  var DB_NAME = "health-trainer";
  var DB_VERSION = 1;
  var QUEUE = "queue";
  var META = "meta";
  var BATCH_SIZE = 100;
  var SESSION_URL = "/api/v1/session";
  var ENTRIES_URL = "/api/v1/diary/entries";
  var COMMUNITY_URL = "/api/v1/community/sync";
  var DIARY = "diary";
  var COMMUNITY = "community";
  var STAFF_ROLES = ["champion", "trainee", "trainer", "manager"];
  var LOCK_NAME = "diary-sync";
  var TIMEOUT_MS = 20000;

  var opening = null;

  function openDatabase() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = scope.indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains(QUEUE)) {
            db.createObjectStore(QUEUE, { keyPath: "uuid" }).createIndex("owner", "owner");
          }
          if (!db.objectStoreNames.contains(META)) {
            db.createObjectStore(META, { keyPath: "key" });
          }
        };
        request.onsuccess = function () {
          var db = request.result;
          // Another tab or a new worker wants a newer version: step aside.
          db.onversionchange = function () { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = function () { opening = null; reject(request.error); };
        request.onblocked = function () { opening = null; reject(new Error("The diary store is busy.")); };
      });
    }
    return opening;
  }

  // Run work(stores) in one transaction; resolves with its result once the transaction commits.
  function transact(names, mode, work) {
    return openDatabase().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("The diary store could not be changed.")); };
        result = work(stores);
      });
    });
  }

  function requestValue(request) {
    var box = {};
    request.onsuccess = function () { box.value = request.result; };
    return box;
  }

  function newUuid() {
    if (scope.crypto && typeof scope.crypto.randomUUID === "function") {
      return scope.crypto.randomUUID();
    }
    // Pages served over plain http (not localhost) have no randomUUID: build a version 4 UUID.
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function sameOwner(record, ownerId) {
    return ownerId === undefined || String(record.owner) === String(ownerId);
  }

  function targetOf(record) {
    return record.target || DIARY;
  }

  /** Keep entries on the phone. items: [{entry, label, kind}] or plain entries. Returns their
   * UUIDs. An entry whose UUID is already queued is left as it was (a second tap is not a new
   * entry). target: "diary" (default) or "community" (items of kind "event" or "tally"). */
  function add(items, ownerId, target) {
    var now = new Date().toISOString();
    return transact([QUEUE], "readwrite", function (stores) {
      return items.map(function (item) {
        var entry = item.entry || item;
        var record = {
          uuid: entry.uuid,
          owner: ownerId === undefined || ownerId === null || ownerId === "" ? null : String(ownerId),
          entry: entry,
          label: item.label || "",
          target: target || DIARY,
          kind: item.kind || null,
          queuedAt: now,
          status: "waiting",
          errors: null,
        };
        stores[QUEUE].add(record).onerror = function (event) {
          event.preventDefault(); // already queued: keep the first one, and the transaction
          event.stopPropagation();
        };
        return entry.uuid;
      });
    });
  }

  /** Queued records of a target (the diary by default), oldest first; only one owner's when
   * ownerId is given. */
  function list(ownerId, target) {
    var wanted = target || DIARY;
    return transact([QUEUE], "readonly", function (stores) {
      return requestValue(stores[QUEUE].getAll());
    }).then(function (box) {
      return (box.value || []).filter(function (record) {
        return sameOwner(record, ownerId) && targetOf(record) === wanted;
      })
        .sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0; });
    });
  }

  function count(ownerId, target) {
    return list(ownerId, target).then(function (records) { return records.length; });
  }

  function remove(uuids) {
    return transact([QUEUE], "readwrite", function (stores) {
      uuids.forEach(function (uuid) { stores[QUEUE].delete(uuid); });
    });
  }

  function update(uuid, change) {
    return transact([QUEUE], "readwrite", function (stores) {
      var request = stores[QUEUE].get(uuid);
      request.onsuccess = function () {
        if (request.result) {
          stores[QUEUE].put(Object.assign(request.result, change));
        }
      };
    });
  }

  /** The server refused this entry: keep it, with the reasons, for the person to see. */
  function markRejected(uuid, errors) {
    return update(uuid, { status: "rejected", errors: errors || { entry: "The server did not accept this entry." } });
  }

  function getMeta(key) {
    return transact([META], "readonly", function (stores) {
      return requestValue(stores[META].get(key));
    }).then(function (box) { return box.value ? box.value.value : null; });
  }

  function setMeta(key, value) {
    return transact([META], "readwrite", function (stores) {
      stores[META].put({ key: key, value: value });
    });
  }

  /** The last person seen logged in on this phone (owner of entries added while logged out). */
  function personId() { return getMeta("personId"); }
  function setPersonId(id) { return setMeta("personId", String(id)); }

  function fetchJson(url, options) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var settings = Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {});
    settings.headers = Object.assign({ Accept: "application/json" }, settings.headers || {});
    if (controller) {
      settings.signal = controller.signal;
    }
    return scope.fetch(url, settings).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).finally(function () { clearTimeout(timer); });
  }

  /** Who is logged in, and the CSRF token to send with. Rejects when there is no network. */
  function session() {
    return fetchJson(SESSION_URL).then(function (answer) {
      if (answer.status !== 200 || !answer.body) {
        var problem = new Error("No session answer (" + answer.status + ").");
        problem.status = answer.status;
        throw problem;
      }
      return answer.body;
    });
  }

  /* Sending ------------------------------------------------------------------------------ */

  function entriesOf(records) {
    return records.map(function (record) { return record.entry; });
  }

  function isEvent(record) {
    return record.kind === "event";
  }

  function isTally(record) {
    return !isEvent(record);
  }

  // Events before the tallies that count at them (a stable split keeps the tap order).
  function eventsFirst(records) {
    return records.filter(isEvent).concat(records.filter(isTally));
  }

  // Remember what the server says an event now holds, so a stall screen opened later (even
  // with no signal) starts from the newest totals it has heard of.
  function keepTotals(result, asOf) {
    if (result && result.event_uuid && result.totals) {
      return setMeta("community-totals:" + result.event_uuid, { totals: result.totals, asOf: asOf || "" });
    }
    if (result && result.url && result.uuid) {
      return setMeta("community-url:" + result.uuid, { url: result.url, finishUrl: result.finish_url || "" });
    }
    return Promise.resolve();
  }

  /* How each target is sent. mayUse(role): who may send it (else the state is `refused`);
   * order(records): the order to send in; payload(batch): the JSON body; answers(body, batch):
   * the results in the order of the batch, or null when the answer does not fit it;
   * kept(result, body): what to remember of a stored item. A diary queue holding only
   * rejected entries still asks the server who is logged in (and claims them); a community
   * queue like that is "empty". */
  var SENDING = {};
  SENDING[DIARY] = {
    url: ENTRIES_URL,
    refused: "not-client",
    mayUse: function (role) { return role === "client"; },
    rejectedOnlyIsEmpty: false,
    order: function (records) { return records; },
    payload: function (batch) { return { entries: entriesOf(batch) }; },
    answers: function (body, batch) {
      var results = body && Array.isArray(body.results) ? body.results : null;
      return results && results.length === batch.length ? results : null;
    },
    kept: null,
  };
  SENDING[COMMUNITY] = {
    url: COMMUNITY_URL,
    refused: "not-staff",
    mayUse: function (role) { return STAFF_ROLES.indexOf(role) >= 0; },
    rejectedOnlyIsEmpty: true,
    order: eventsFirst,
    payload: function (batch) {
      return { events: entriesOf(batch.filter(isEvent)), tallies: entriesOf(batch.filter(isTally)) };
    },
    answers: function (body, batch) {
      var events = batch.filter(isEvent).length;
      if (!body || !Array.isArray(body.events) || !Array.isArray(body.tallies) ||
          body.events.length !== events || body.tallies.length !== batch.length - events) {
        return null;
      }
      return body.events.concat(body.tallies);
    },
    kept: function (result, body) { return keepTotals(result, body.as_of); },
  };

  // Send one batch; returns the state to stop with, or null to go on.
  function sendBatch(sending, records, token, outcome) {
    var batch = sending.order(records); // answers come in the order sent
    return fetchJson(sending.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(sending.payload(batch)),
    }).then(function (answer) {
      if (answer.status === 401) {
        return "logged-out";
      }
      if (answer.status === 403) {
        return sending.refused;
      }
      var results = answer.status === 200 || answer.status === 400 ? sending.answers(answer.body, batch) : null;
      if (!results) {
        return "error"; // a malformed batch, a stale token or a server fault: keep all, try later
      }
      var done = [];
      var work = [];
      results.forEach(function (result, position) {
        var uuid = batch[position].uuid;
        outcome.results[uuid] = result;
        if (result && (result.status === "created" || result.status === "duplicate")) {
          done.push(uuid);
          outcome.sent += 1;
          if (sending.kept) {
            work.push(sending.kept(result, answer.body));
          }
        } else {
          work.push(markRejected(uuid, result && result.errors));
          outcome.rejected += 1;
        }
      });
      return Promise.all(work).then(function () { return remove(done); }).then(function () { return null; });
    }, function () {
      return "offline";
    });
  }

  function notRejected(record) {
    return record.status !== "rejected";
  }

  // Send the queued items of one target for the logged-in person, a batch at a time.
  function syncTarget(target) {
    var sending = SENDING[target];
    var outcome = { state: "empty", sent: 0, rejected: 0, waiting: 0, results: {} };
    return list(undefined, target).then(function (records) {
      if (!(sending.rejectedOnlyIsEmpty ? records.some(notRejected) : records.length)) {
        return outcome;
      }
      return session().then(function (state) {
        if (!state.logged_in) {
          outcome.state = "logged-out";
          return outcome;
        }
        if (!sending.mayUse(state.role)) {
          outcome.state = sending.refused;
          return outcome;
        }
        var me = String(state.person_id);
        // Items made before anyone ever logged in on this phone go to the first person who does.
        var claims = records.filter(function (record) { return record.owner === null; }).map(function (record) {
          record.owner = me;
          return update(record.uuid, { owner: me });
        });
        var mine = sending.order(records.filter(function (record) {
          return record.owner === me && notRejected(record);
        }));
        return Promise.all(claims.concat([setPersonId(me)])).then(function () {
          var batches = [];
          for (var start = 0; start < mine.length; start += BATCH_SIZE) {
            batches.push(mine.slice(start, start + BATCH_SIZE));
          }
          outcome.state = "done";
          return batches.reduce(function (previous, batch) {
            return previous.then(function (stop) {
              return stop || sendBatch(sending, batch, state.csrf_token, outcome);
            });
          }, Promise.resolve(null)).then(function (stop) {
            outcome.state = stop || outcome.state;
            return outcome;
          });
        });
      }, function (problem) {
        outcome.state = problem && problem.status ? "error" : "offline";
        return outcome;
      });
    }).then(function (result) {
      return list(undefined, target).then(function (left) {
        result.waiting = left.filter(notRejected).length;
        return result;
      });
    });
  }

  // The diary first, as before; its outcome is the answer, with the community's beside it.
  function syncNow() {
    return syncTarget(DIARY).then(function (outcome) {
      return syncTarget(COMMUNITY).catch(function () {
        return { state: "error", sent: 0, rejected: 0, waiting: 0, results: {} };
      }).then(function (community) {
        outcome.community = community;
        return outcome;
      });
    });
  }

  var running = Promise.resolve();

  /** Send what is queued for the logged-in client. One sync at a time across pages and the
   * worker (Web Locks); where there are none, one at a time in this page or worker, and the
   * server's UUID check makes any overlap harmless.
   * Resolves with {state, sent, rejected, waiting, results, community}; state is "empty",
   * "done", "offline", "logged-out", "not-client" or "error". community is the same for the
   * community items, with "not-staff" in place of "not-client". */
  function sync() {
    var locks = scope.navigator && scope.navigator.locks;
    if (locks && typeof locks.request === "function") {
      return locks.request(LOCK_NAME, syncNow);
    }
    running = running.catch(function () {}).then(syncNow);
    return running;
  }

  scope.DiaryQueue = {
    add: add,
    list: list,
    count: count,
    remove: remove,
    markRejected: markRejected,
    personId: personId,
    setPersonId: setPersonId,
    session: session,
    sync: sync,
    newUuid: newUuid,
    getMeta: getMeta,
    setMeta: setMeta,
  };
})(self);
