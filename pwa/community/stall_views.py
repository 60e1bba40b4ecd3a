"""The live tally at the stall: big + and - buttons that work offline through the queue.

Without JavaScript each button is a small form: the server adds the tap and sends the page
back (post, redirect, get). With stall.js the taps go into the phone's queue (diary-queue.js,
target "community") and reach the sync API below, which answers each item on its own.
"""

import json
import uuid as uuid_module
from datetime import datetime, time, timedelta

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models import Event, TallyChange
from pwa import db
from pwa.clock import LONDON, to_london, utcnow
from pwa.community import tally
from pwa.community.vocab import BREAKDOWNS, COUNTERS, EVENT_TYPES
from pwa.identity import current_actor
from pwa.policy import event_for_staff, may_see_event, requires
from pwa.rendering import render

bp = Blueprint("stall", __name__)

MAX_BATCH = 200
# The breakdowns the stall counts with one tap (postcode areas are typed on the review form).
QUICK_BREAKDOWNS = ("gender", "age_band", "ethnicity_group")
NOT_FOUND = "We could not find this event. It may have been started on another phone that has not sent it yet."


# --- Template globals -------------------------------------------------------------------------


@bp.app_template_global()
def stall_vocab() -> str:
    """The counters and quick breakdowns as JSON, so stall.js can draw the tally with no signal."""
    return json.dumps(
        {
            "counters": list(COUNTERS.items()),
            "breakdowns": [
                [dimension, BREAKDOWNS[dimension][0], list(BREAKDOWNS[dimension][1].items())]
                for dimension in QUICK_BREAKDOWNS
            ],
        }
    )


@bp.app_template_global()
def stall_note(event: Event) -> str:
    """ "5 tally changes received, the last at 14:05." for the event page ("" when none)."""
    found, last = (
        db.session()
        .exec(select(func.count(), func.max(TallyChange.received_at)).where(TallyChange.event_id == event.id))
        .one()
    )
    if not found:
        return ""
    changes = "1 tally change" if found == 1 else f"{found} tally changes"
    if last.tzinfo is None:  # SQLite hands datetimes back without their zone
        last = last.replace(tzinfo=utcnow().tzinfo)
    return f"{changes} received from the stall, the last at {to_london(last):%-H:%M on %-d %B}."


# --- Start a stall ------------------------------------------------------------------------------


LONGEST_START = timedelta(hours=12)


def _default_end(now: datetime) -> str:
    """Two hours from now, on the next quarter hour, as HH:MM London time."""
    later = to_london(now) + timedelta(hours=2)
    later += timedelta(minutes=(15 - later.minute % 15) % 15)
    return later.strftime("%H:%M")


def check_start(form, *, now: datetime):
    """The start form: type, title, venue, postcode and the planned end time (today, London)."""
    checked = tally.check_details(form, now=now)
    raw_uuid = form.get("uuid", "")
    try:
        checked.values["uuid"] = str(uuid_module.UUID(raw_uuid))
    except ValueError:
        checked.values["uuid"] = str(uuid_module.uuid4())  # no script, no UUID: make one now
    end_text = (form.get("end_time") or "").strip()
    try:
        end = time.fromisoformat(end_text) if len(end_text) == 5 else None
    except ValueError:
        end = None
    if end is None:
        checked.errors["end_time"] = "Type the time you plan to finish, like 15:30."
        return checked
    ends_at = datetime.combine(to_london(now).date(), end, tzinfo=LONDON).astimezone(now.tzinfo)
    if ends_at <= now:
        # An evening stall can run past midnight: a time earlier than now is tomorrow's, but only
        # within the next half day (10:00 typed at 14:00 is a slip, not a 20-hour stall).
        ends_at = datetime.combine(to_london(now).date() + timedelta(days=1), end, tzinfo=LONDON)
        ends_at = ends_at.astimezone(now.tzinfo)
    if ends_at - now > LONGEST_START:
        checked.errors["end_time"] = "The end time must be later than now, like " + _default_end(now) + "."
    else:
        checked.values.update(starts_at=now, ends_at=ends_at)
    return checked


def _visible_by_uuid(event_uuid: str) -> Event | None:
    event = db.session().exec(select(Event).where(Event.uuid == event_uuid)).first()
    actor = current_actor()
    if event is not None and event.service_id == actor.service_id and may_see_event(actor, event):
        return event
    return None


def _create_event(values: dict) -> tuple[Event, bool]:
    """Store a new event for the actor (who runs it). Returns the event and True when created;
    an event already stored with this UUID (a double submit or a replay) is returned as it is."""
    session = db.session()
    existing = session.exec(select(Event).where(Event.uuid == values["uuid"])).first()
    if existing is not None:
        return existing, False
    actor = current_actor()
    event = Event(service_id=actor.service_id, created_by_id=actor.person.id, **values)
    tally.place_event(session, event)
    session.add(event)
    try:
        session.flush()
        tally.join_event(session, event, actor.person.id, tally.planned_hours(event.starts_at, event.ends_at))
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = session.exec(select(Event).where(Event.uuid == values["uuid"])).first()
        if existing is None:
            raise
        return existing, False
    return event, True


def _start_page(values: dict, errors: dict, status: int = 200):
    return render("community/stall_start.html", values=values, errors=errors, event_types=EVENT_TYPES), status


@bp.route("/stall/new", methods=["GET", "POST"])
@requires("events.log")
def start():
    """Start a stall now, then count at it."""
    now = utcnow()
    if request.method == "GET":
        # stall.js sends people here after an offline start: once it has arrived, go to it.
        arrived = _visible_by_uuid(request.args.get("event", ""))
        if arrived is not None:
            return redirect(url_for("stall.tally", event_id=arrived.id))
        values = {"uuid": str(uuid_module.uuid4()), "event_type": "stall", "end_time": _default_end(now)}
        return _start_page(values, {})
    checked = check_start(request.form, now=now)
    if not checked.ok:
        return _start_page(request.form.to_dict(), checked.errors, 422)
    event, created = _create_event(checked.values)
    if not created and _visible_by_uuid(event.uuid) is None:
        # Only a replay of this person's own form lands here; anything else is a fresh start.
        return _start_page({**request.form.to_dict(), "uuid": str(uuid_module.uuid4())}, {}, 409)
    if created:
        flash("Your stall has started. Tap + for each person you talk to.", "success")
    return redirect(url_for("stall.tally", event_id=event.id))


# --- The tally screen ---------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/stall", endpoint="tally")
@requires("events.log")
def tally_screen(event_id: int):
    """The phone screen with big + and - buttons, the totals and what is not sent yet."""
    event = event_for_staff(event_id)
    breakdowns = [(dimension, *BREAKDOWNS[dimension]) for dimension in QUICK_BREAKDOWNS]
    return render(
        "community/stall.html",
        event=event,
        totals=tally.totals_of(event),
        counters=COUNTERS,
        breakdowns=breakdowns,
        as_of=utcnow().isoformat(),
        new_uuid=lambda: str(uuid_module.uuid4()),
    )


@bp.post("/events/<int:event_id>/stall")
@requires("events.log")
def tap(event_id: int):
    """One tap with JavaScript off: add it (once, by its UUID) and show the screen again."""
    event = event_for_staff(event_id)
    back = redirect(url_for("stall.tally", event_id=event.id))
    key, change_uuid = request.form.get("counter", ""), request.form.get("uuid", "")
    try:
        delta = int(request.form.get("delta", ""))
        change_uuid = str(uuid_module.UUID(change_uuid))
    except ValueError:
        flash("That tap was not understood. Please try again.", "error")
        return back
    if delta not in (1, -1) or not tally.check_counts({key: delta}).ok:
        flash("That tap was not understood. Please try again.", "error")
        return back
    counts = tally.tap_counts(tally.totals_of(event), key, delta)
    applied = tally.apply_tally(
        db.session(), event, uuid=change_uuid, counts=counts, person_id=current_actor().person.id, recorded_at=utcnow()
    )
    if applied.status == "rejected":
        flash(applied.error, "error")
    return back


# --- The sync API ----------------------------------------------------------------------------


def _bad_batch(message: str):
    return jsonify({"error": message, "events": [], "tallies": []}), 400


def _event_answer(event: Event, status: str) -> dict:
    answer = {"uuid": event.uuid, "status": status}
    if _visible_by_uuid(event.uuid) is not None:
        answer.update(
            id=event.id,
            url=url_for("stall.tally", event_id=event.id),
            finish_url=url_for("events.edit", event_id=event.id),
        )
    return answer


def _sync_event(raw, now: datetime) -> dict:
    checked = tally.check_event(raw, now=now)
    event_uuid = checked.values.get("uuid")
    if event_uuid:
        existing = db.session().exec(select(Event).where(Event.uuid == event_uuid)).first()
        if existing is not None:
            return _event_answer(existing, "duplicate")
    if not checked.ok:
        raw_uuid = raw.get("uuid") if isinstance(raw, dict) and isinstance(raw.get("uuid"), str) else None
        return {"uuid": raw_uuid, "status": "rejected", "errors": checked.errors}
    event, created = _create_event(checked.values)
    return _event_answer(event, "created" if created else "duplicate")


def _sync_tally(raw, now: datetime) -> dict:
    checked = tally.check_tally(raw, now=now)
    change_uuid = checked.values.get("uuid")
    if change_uuid and db.session().get(TallyChange, change_uuid) is not None:
        return {"uuid": change_uuid, "status": "duplicate"}
    raw_uuid = raw.get("uuid") if isinstance(raw, dict) and isinstance(raw.get("uuid"), str) else None
    if not checked.ok:
        return {"uuid": raw_uuid, "status": "rejected", "errors": checked.errors}
    actor = current_actor()
    event = db.session().exec(select(Event).where(Event.uuid == checked.values["event_uuid"])).first()
    if event is None or event.service_id != actor.service_id:
        return {"uuid": raw_uuid, "status": "rejected", "errors": {"event_uuid": NOT_FOUND}}
    if not may_see_event(actor, event):
        message = "You are not down as running this event. Ask the person who started it to add you."
        return {"uuid": raw_uuid, "status": "rejected", "errors": {"event_uuid": message}}
    applied = tally.apply_tally(
        db.session(),
        event,
        uuid=change_uuid,
        counts=checked.values["counts"],
        person_id=actor.person.id,
        recorded_at=checked.values["recorded_at"],
    )
    if applied.status == "rejected":
        return {"uuid": change_uuid, "status": "rejected", "errors": {"counts": applied.error}}
    db.session().refresh(event)
    return {"uuid": change_uuid, "status": applied.status, "event_uuid": event.uuid, "totals": tally.totals_of(event)}


@bp.post("/api/v1/community/sync")
@requires("events.log")
def sync():
    """Events started and taps made on a phone (maybe offline). Events first, then tallies."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_batch('Send JSON like {"events": [...], "tallies": [...]}.')
    events, tallies = payload.get("events", []), payload.get("tallies", [])
    if not isinstance(events, list) or not isinstance(tallies, list):
        return _bad_batch('"events" and "tallies" must be lists.')
    if not events and not tallies:
        return _bad_batch("The batch is empty.")
    if len(events) + len(tallies) > MAX_BATCH:
        return _bad_batch(f"Send at most {MAX_BATCH} items at a time.")
    now = utcnow()
    answers = {
        "events": [_sync_event(raw, now) for raw in events],
        "tallies": [_sync_tally(raw, now) for raw in tallies],
        "as_of": utcnow().isoformat(),
    }
    rejected = any(answer["status"] == "rejected" for answer in answers["events"] + answers["tallies"])
    # Accepted items are stored even when others are rejected: one bad tap never holds back the rest.
    return jsonify(answers), 400 if rejected else 200
