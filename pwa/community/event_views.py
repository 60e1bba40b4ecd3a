"""Logging community events and outreach, and reviewing them on a bigger screen.

Champions see the events they logged or helped run; trainers, trainees and managers see all
of their service's events (pwa.policy). The edit form is also where a stall's tallied counts
are finished and checked after the day.
"""

import uuid
from datetime import UTC, date, datetime, time

from flask import Blueprint, flash, redirect, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models import Event, EventWorker
from pwa import db
from pwa.caseload import vocab as caseload_vocab
from pwa.clock import LONDON, london_today, to_london, utcnow
from pwa.community import event_rules as rules
from pwa.community import event_store as store
from pwa.community import vocab
from pwa.identity import current_actor
from pwa.policy import event_for_staff, requires, visible_events
from pwa.rendering import render
from pwa.roles import CASELOAD_ROLES, Role

bp = Blueprint("events", __name__)


@bp.app_template_global()
def heard_at_event(client) -> Event | None:
    """The event a client heard about us at, when it is one of their service's events."""
    if client.heard_at_event_id is None:
        return None
    event = db.session().get(Event, client.heard_at_event_id)
    return event if event is not None and event.service_id == client.service_id else None


UPCOMING_SHOWN = 50
RECENT_SHOWN = 100


# --- The list ----------------------------------------------------------------------------------


def _month_bounds(text: str | None) -> tuple[datetime, datetime] | None:
    """The UTC start and end of a London month typed as 2025-03, or None."""
    try:
        first = date.fromisoformat(f"{(text or '').strip()}-01")
    except ValueError:
        return None
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(following, time.min, tzinfo=LONDON).astimezone(UTC)
    return start, end


@bp.get("/events")
@requires("events.log")
def index():
    """Events the actor may see: coming up first, then the most recent."""
    actor = current_actor()
    champion = actor.role == Role.CHAMPION
    show = request.args.get("show")
    if champion or show not in ("mine", "all"):
        show = "all" if actor.role == Role.MANAGER and not champion else "mine"
    query = visible_events(actor)
    if show == "mine" and not champion:
        helped = select(EventWorker.event_id).where(EventWorker.person_id == actor.person.id)
        query = query.where((Event.created_by_id == actor.person.id) | Event.id.in_(helped))
    event_type = request.args.get("type") or ""
    if event_type in vocab.EVENT_TYPES:
        query = query.where(Event.event_type == event_type)
    else:
        event_type = ""
    month = (request.args.get("month") or "").strip()
    bounds = _month_bounds(month)
    if bounds:
        query = query.where(Event.starts_at >= bounds[0], Event.starts_at < bounds[1])
    session, now = db.session(), utcnow()
    upcoming = session.exec(
        query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id).limit(UPCOMING_SHOWN)
    ).all()
    recent = session.exec(
        query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc()).limit(RECENT_SHOWN)
    ).all()
    return render(
        "community/events.html",
        upcoming=upcoming,
        recent=recent,
        show=show,
        champion=champion,
        event_type=event_type,
        month=month,
        bad_month=bool(month) and bounds is None,
        vocab=vocab,
        recent_shown=RECENT_SHOWN,
    )


# --- The form ----------------------------------------------------------------------------------


def _values_of(event: Event) -> dict:
    """What the form shows for a saved event."""
    starts, ends = to_london(event.starts_at), to_london(event.ends_at)
    values = {
        "uuid": event.uuid,
        "event_type": event.event_type,
        "title": event.title,
        "date": starts.date().isoformat(),
        "starts_at": starts.strftime("%H:%M"),
        "ends_at": ends.strftime("%H:%M"),
        "venue": event.venue,
        "postcode": event.postcode,
        "partners": [str(partner_id) for partner_id in event.partner_ids],
        "topics": list(event.topics),
        "notes": event.notes,
    }
    values.update({name: str(getattr(event, name)) for name in vocab.COUNTERS})
    for dimension, counts in (event.breakdowns or {}).items():
        if dimension in rules.CHOICE_BREAKDOWNS:
            values.update({f"breakdown-{dimension}-{code}": str(count) for code, count in counts.items()})
    return values


def _district_rows_of(event: Event) -> list[dict]:
    counts = (event.breakdowns or {}).get("postcode_district", {})
    return [{"code": code, "count": str(count)} for code, count in counts.items()] or [{}]


def _worker_rows_of(event: Event) -> list[dict]:
    rows = db.session().exec(select(EventWorker).where(EventWorker.event_id == event.id)).all()
    return [{"person_id": str(row.person_id), "hours": f"{row.hours:g}"} for row in rows] or [{}]


def _form_values(form) -> dict:
    values = form.to_dict()
    values["partners"] = form.getlist("partners")
    values["topics"] = form.getlist("topics")
    return values


def _choices(event: Event | None) -> tuple[list, list]:
    """(partners, people) that may be chosen; an event keeps the ones it already has."""
    session, service_id = db.session(), current_actor().service_id
    kept_workers = []
    if event is not None:
        kept_workers = session.exec(select(EventWorker.person_id).where(EventWorker.event_id == event.id)).all()
    partners = store.partner_choices(session, service_id, keep=event.partner_ids if event else ())
    people = store.staff_choices(session, service_id, keep=kept_workers)
    return partners, people


def _form_page(event, values, workers, districts, errors, *, status=200):
    """The event form. Row boxes are named worker-<row>-<field> and district-<row>-<field>."""
    values = dict(values)
    for kind, rows in (("worker", workers), ("district", districts)):
        for index, row in enumerate(rows):
            values.update({f"{kind}-{index}-{name}": value for name, value in row.items()})
    partners, people = _choices(event)
    return render(
        "community/event_form.html",
        event=event,
        values=values,
        errors=errors,
        worker_count=len(workers),
        district_count=len(districts),
        partners=partners,
        partner_options=[(str(partner_id), name, None) for partner_id, name in partners],
        people=people,
        vocab=vocab,
        choice_breakdowns=rules.CHOICE_BREAKDOWNS,
    ), status


def _with_another_row(form) -> tuple[list[dict], list[dict]] | None:
    """The rows typed so far plus a blank one, when an "Add another" button was pressed."""
    workers, districts = rules.rows_from_form(form, "worker"), rules.rows_from_form(form, "district")
    if "add_worker" in form:
        return [*workers, {}][: rules.MAX_ROWS], districts
    if "add_district" in form:
        return workers, [*districts, {}][: rules.MAX_ROWS]
    return None


def _check(form, event: Event | None):
    partners, people = _choices(event)
    return rules.check_event(
        form,
        today=london_today(),
        partner_ids={partner_id for partner_id, _ in partners},
        staff_ids={person_id for person_id, _ in people},
    )


def _saved(checked, event: Event) -> Event:
    values = dict(checked.values)
    workers = values.pop("workers")
    return store.save_event(db.session(), event, values, workers)


@bp.route("/events/new", methods=["GET", "POST"])
@requires("events.log")
def new():
    """Log an event: a stall, a talk, a health walk..."""
    actor, session = current_actor(), db.session()
    if request.method == "GET":
        values = {"uuid": str(uuid.uuid4()), "date": london_today().isoformat()}
        return _form_page(None, values, [{"person_id": str(actor.person.id)}, {}], [{}], {})
    form = request.form
    event_uuid = rules.check_uuid(form.get("uuid"))
    existing = store.event_by_uuid(session, event_uuid)
    if existing is not None and existing.service_id == actor.service_id:
        flash("This event was already saved.", "success")  # the form was sent twice
        return redirect(url_for("events.show", event_id=existing.id))
    if existing is not None:
        event_uuid = str(uuid.uuid4())
    values = {**_form_values(form), "uuid": event_uuid}
    if rows := _with_another_row(form):
        return _form_page(None, values, *rows, {})
    checked = _check(form, None)
    if not checked.ok:
        workers, districts = rules.rows_from_form(form, "worker"), rules.rows_from_form(form, "district")
        return _form_page(None, values, workers or [{}], districts or [{}], checked.errors, status=422)
    event = Event(uuid=event_uuid, service_id=actor.service_id, created_by_id=actor.person.id)
    try:
        _saved(checked, event)
    except IntegrityError:
        # The same form arrived twice at once: the other request saved it.
        existing = store.event_by_uuid(session, event_uuid)
        if existing is None or existing.service_id != actor.service_id:
            raise
        return redirect(url_for("events.show", event_id=existing.id))
    flash(f"{event.title} is saved.", "success")
    return redirect(url_for("events.show", event_id=event.id))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires("events.log")
def edit(event_id: int):
    """Change an event, or finish one logged at the stall: counts, breakdowns, who ran it."""
    event = event_for_staff(event_id)
    if request.method == "GET":
        return _form_page(event, _values_of(event), _worker_rows_of(event), _district_rows_of(event), {})
    form = request.form
    values = {**_form_values(form), "uuid": event.uuid}
    if rows := _with_another_row(form):
        return _form_page(event, values, *rows, {})
    checked = _check(form, event)
    if not checked.ok:
        workers, districts = rules.rows_from_form(form, "worker"), rules.rows_from_form(form, "district")
        return _form_page(event, values, workers or [{}], districts or [{}], checked.errors, status=422)
    _saved(checked, event)
    flash("Changes saved.", "success")
    return redirect(url_for("events.show", event_id=event.id))


# --- The event page ----------------------------------------------------------------------------


def _registrations(event: Event) -> dict:
    """Who registered after hearing of us at the event, as far as the actor may know: managers
    see every name, trainers and trainees the names on their own caseload, champions a count."""
    actor = current_actor()
    clients = store.registered_from(db.session(), event)
    if actor.role == Role.MANAGER:
        named = clients
    elif actor.role in CASELOAD_ROLES:
        named = [client for client in clients if client.trainer_id == actor.person.id]
    else:
        named = []
    return {"total": len(clients), "named": named, "others": len(clients) - len(named)}


@bp.get("/events/<int:event_id>")
@requires("events.log")
def show(event_id: int):
    """Everything about an event, and what came of it."""
    event = event_for_staff(event_id)
    session = db.session()
    return render(
        "community/event.html",
        event=event,
        workers=store.workers_of(session, event.id),
        partner_names=store.partner_names(session, event),
        signposts=store.signposts_at(session, event),
        registrations=_registrations(event),
        vocab=vocab,
        quintiles=caseload_vocab.QUINTILES,
        destinations=caseload_vocab.REFERRAL_SOURCE,
    )
