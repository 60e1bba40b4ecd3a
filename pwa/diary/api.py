"""The diary sync API (JSON): how phones send entries, including ones saved offline.

See docs/api.md. Each entry is answered on its own: created, duplicate (we already had it)
or rejected (with a reason per field). Nothing is half-saved: a rejected entry stores nothing.
"""

from flask import Blueprint, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from pwa import db
from pwa.clock import utcnow
from pwa.diary import store
from pwa.diary.rules import check_entry
from pwa.identity import current_actor
from pwa.policy import own_client_record, public, requires

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_BATCH = 200


@bp.get("/session")
@public
def session_state():
    """Who is logged in and a CSRF token, so the service worker can send the offline queue."""
    actor = current_actor()
    body = {"logged_in": current_user.is_authenticated, "csrf_token": generate_csrf()}
    if actor is not None:
        body.update(person_id=actor.person.id, role=actor.role.value if actor.role else None)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_batch(message: str, results: list | None = None):
    return jsonify({"error": message, "results": results or []}), 400


@bp.post("/diary/entries")
@requires("diary.own")
def add_entries():
    """Add a batch of entries to the logged-in client's own diary."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("entries"), list):
        return _bad_batch('Send JSON like {"entries": [...]}.')
    entries = payload["entries"]
    if not entries:
        return _bad_batch("The batch has no entries.")
    if len(entries) > MAX_BATCH:
        return _bad_batch(f"Send at most {MAX_BATCH} entries at a time.")
    actor = current_actor()
    record = own_client_record(actor)
    if record is None:  # a client role with no client record yet
        return jsonify({"error": "Only a client can add to their diary."}), 403

    now = utcnow()
    answers: list[dict | None] = [None] * len(entries)
    to_save, positions = [], []
    for position, raw in enumerate(entries):
        checked = check_entry(raw, now=now, allowed_fields={"client_id"})
        if isinstance(raw, dict) and raw.get("client_id") not in (None, record.id):
            checked.errors["client_id"] = "You can only add to your own diary."
        uuid = raw.get("uuid") if isinstance(raw, dict) and isinstance(raw.get("uuid"), str) else None
        if checked.ok:
            checked.values.pop("client_id", None)
            to_save.append(checked)
            positions.append(position)
        else:
            answers[position] = {"uuid": uuid, "status": "rejected", "errors": checked.errors}
    if to_save:
        for position, result in zip(
            positions, store.save_new_entries(db.session(), record, to_save, actor.person.id), strict=True
        ):
            answer = {"uuid": result.uuid, "status": result.status, "id": result.id}
            if result.status == "conflict":
                answer = {
                    "uuid": result.uuid,
                    "status": "rejected",
                    "errors": {"uuid": "A different entry was already saved with this ID."},
                }
            answers[position] = answer
    rejected = any(answer["status"] == "rejected" for answer in answers)
    # Entries that passed are saved even when others in the batch are rejected: one bad entry
    # must never hold back the rest of a phone's queue. Clients read "results" either way.
    return jsonify({"results": answers}), 400 if rejected else 200
