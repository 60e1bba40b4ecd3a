"""Group courses: their sessions, and who came.

A session is an event (type group_course_session) with course_id set, numbered in order.
Who came: registered clients ticked on the attendance page (CourseAttendance rows) plus others
counted; the session's `reached` is the two together. A trainer ticks only clients they may
see: rows for other caseloads' clients are kept as they are.
"""

import uuid
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import func
from sqlmodel import select

from models import Client, Course, CourseAttendance, Event, EventWorker, Partner, Person, PostcodeArea, RoleGrant
from pwa import db
from pwa.caseload.postcodes import district, quintile_from_decile
from pwa.clock import london_today, to_london, utcnow
from pwa.community import course_rules as rules
from pwa.community import vocab
from pwa.identity import current_actor
from pwa.policy import audit, event_for_staff, may_see_event, requires, visible_clients
from pwa.rendering import render
from pwa.roles import STAFF_ROLES

bp = Blueprint("courses", __name__)


@dataclass
class SessionRow:
    event: Event
    registered: int  # registered clients who came
    others: int  # people who came and are not registered
    visible: bool  # may the actor open the event?

    @property
    def total(self) -> int:
        return self.event.reached


# --- Loading ---------------------------------------------------------------------------------


def _course_or_404(course_id: int) -> Course:
    course = db.session().get(Course, course_id)
    if course is None or course.service_id != current_actor().service_id:
        abort(404)
    return course


def _sessions(course_ids: list[int]) -> list[Event]:
    if not course_ids:
        return []
    query = select(Event).where(Event.course_id.in_(course_ids))
    return list(db.session().exec(query.order_by(Event.course_session_number, Event.starts_at, Event.id)).all())


def _registered_counts(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    rows = db.session().exec(
        select(CourseAttendance.event_id, func.count())
        .where(CourseAttendance.event_id.in_(event_ids))
        .group_by(CourseAttendance.event_id)
    )
    return dict(rows.all())


def _session_rows(sessions: list[Event]) -> list[SessionRow]:
    actor = current_actor()
    registered = _registered_counts([event.id for event in sessions])
    return [
        SessionRow(
            event,
            registered.get(event.id, 0),
            rules.others_counted(event.reached, registered.get(event.id, 0)),
            may_see_event(actor, event),
        )
        for event in sessions
    ]


def _partners(service_id: int, *, active_only: bool = True) -> dict[int, str]:
    query = select(Partner).where(Partner.service_id == service_id)
    if active_only:
        query = query.where(Partner.is_active)
    return {partner.id: partner.name for partner in db.session().exec(query.order_by(Partner.name)).all()}


def _staff(service_id: int) -> dict[int, str]:
    """Staff of the service who could lead a course (champions too), by name."""
    roles = [role.value for role in STAFF_ROLES]
    rows = db.session().exec(
        select(Person.id, Person.display_name)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_(roles), Person.is_disabled.is_(False))
        .distinct()
        .order_by(Person.display_name)
    )
    return dict(rows.all())


def _place(event: Event, postcode: str) -> None:
    """Set the event's postcode and what the lookup says about it (like a client's)."""
    area = db.session().get(PostcodeArea, postcode) if postcode else None
    event.postcode = postcode
    event.postcode_district = district(postcode)
    event.ward_code = area.ward_code if area else ""
    event.ward_name = area.ward_name if area else ""
    event.quintile = quintile_from_decile(area.imd_decile) if area else "unknown"


# --- Template globals for the event page -----------------------------------------------------


@bp.app_template_global()
def course_of(event: Event) -> Course | None:
    """The course a session belongs to (in the actor's service), or None."""
    if event.course_id is None:
        return None
    course = db.session().get(Course, event.course_id)
    return course if course is not None and course.service_id == event.service_id else None


@bp.app_template_global()
def session_attendance(event: Event) -> SessionRow:
    """Counts for one session: registered clients who came, and others."""
    return _session_rows([event])[0]


# --- Courses ---------------------------------------------------------------------------------


@bp.get("/courses")
@requires("events.log")
def index():
    """The service's courses, newest first, with sessions held and planned and how many came."""
    actor = current_actor()
    courses = list(
        db.session()
        .exec(
            select(Course)
            .where(Course.service_id == actor.service_id)
            .order_by(Course.starts_on.desc(), Course.id.desc())
        )
        .all()
    )
    now = utcnow()
    held, came = {}, {}
    for event in _sessions([course.id for course in courses]):
        # Only sessions that have started count as held; their reach adds up to the attendance.
        if event.starts_at <= now:
            held[event.course_id] = held.get(event.course_id, 0) + 1
        came[event.course_id] = came.get(event.course_id, 0) + event.reached
    return render("community/courses.html", courses=courses, held=held, came=came)


@bp.route("/courses/new", methods=["GET", "POST"])
@requires("events.log")
def new():
    """Set up a course: what, how many sessions, when it starts, where, with whom and who leads it."""
    actor = current_actor()
    partners, staff = _partners(actor.service_id), _staff(actor.service_id)
    if request.method == "GET":
        values = {"planned_sessions": "6", "starts_on": london_today().isoformat(), "led_by_id": actor.person.id}
        return _course_page(values, {}, partners, staff)
    checked = rules.check_course(request.form, today=london_today(), partner_ids=partners, staff_ids=staff)
    if not checked.ok:
        values = request.form.to_dict()
        values["topics"] = request.form.getlist("topics")
        values["partner_ids"] = request.form.getlist("partner_ids")
        return _course_page(values, checked.errors, partners, staff)
    course = Course(service_id=actor.service_id, created_by_id=actor.person.id, **checked.values)
    session = db.session()
    session.add(course)
    session.commit()
    flash("Course saved. Add its first session when you know the time.", "success")
    return redirect(url_for("courses.show", course_id=course.id))


def _course_page(values, errors, partners, staff):
    return render(
        "community/course_form.html", values=values, errors=errors, partners=partners, staff=staff, vocab=vocab
    ), 422 if errors else 200


@bp.get("/courses/<int:course_id>")
@requires("events.log")
def show(course_id: int):
    """A course: what it is, and each session with who came."""
    course = _course_or_404(course_id)
    session = db.session()
    rows = _session_rows(_sessions([course.id]))
    leader = session.get(Person, course.led_by_id) if course.led_by_id else None
    partners = _partners(course.service_id, active_only=False)
    return render(
        "community/course.html",
        course=course,
        rows=rows,
        leader=leader,
        partner_names=[partners[pid] for pid in course.partner_ids if pid in partners],
        vocab=vocab,
    )


@bp.route("/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@requires("events.log")
def add_session(course_id: int):
    """Add the next session of a course: an event numbered after the last one."""
    course = _course_or_404(course_id)
    actor = current_actor()
    sessions = _sessions([course.id])
    number = rules.next_session_number(event.course_session_number for event in sessions)
    if request.method == "GET":
        values = {
            "on_date": rules.suggested_day(course.starts_on, number).isoformat(),
            "venue": course.venue,
            "postcode": course.postcode,
        }
        if sessions:  # most courses meet at the same time each week
            last = sessions[-1]
            values["starts"] = f"{to_london(last.starts_at):%H:%M}"
            values["ends"] = f"{to_london(last.ends_at):%H:%M}"
        return _session_page(course, number, values, {})
    checked = rules.check_session(request.form, today=london_today())
    if not checked.ok:
        return _session_page(course, number, request.form.to_dict(), checked.errors)
    values = checked.values
    event = Event(
        uuid=str(uuid.uuid4()),
        service_id=course.service_id,
        event_type="group_course_session",
        title=rules.session_title(course.title, number),
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        venue=values["venue"],
        partner_ids=list(course.partner_ids),
        topics=list(course.topics),
        course_id=course.id,
        course_session_number=number,
        created_by_id=actor.person.id,
    )
    _place(event, values["postcode"])
    session = db.session()
    session.add(event)
    session.flush()
    hours = round((event.ends_at - event.starts_at).total_seconds() / 3600, 2)
    session.add(EventWorker(event_id=event.id, person_id=actor.person.id, hours=hours))
    session.commit()
    flash(f"Session {number} saved.", "success")
    return redirect(url_for("courses.show", course_id=course.id))


def _session_page(course, number, values, errors):
    return render(
        "community/course_session_form.html", course=course, number=number, values=values, errors=errors
    ), 422 if errors else 200


# --- Who came --------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@requires("events.attendance")
def attendance(event_id: int):
    """Tick the registered clients who came to a course session, and count the others."""
    event = event_for_staff(event_id)
    course = course_of(event)
    if course is None:
        abort(404)
    actor = current_actor()
    session = db.session()
    rows = list(session.exec(select(CourseAttendance).where(CourseAttendance.event_id == event.id)).all())
    ticked_ids = {row.client_id for row in rows}
    clients = list(session.exec(visible_clients(actor).order_by(Client.full_name, Client.id)).all())
    clients.sort(key=lambda client: client.id not in ticked_ids)  # already ticked first; stable
    choosable = {client.id: client for client in clients}
    hidden = len(ticked_ids - set(choosable))  # ticked by someone else, for clients the actor cannot see
    if request.method == "GET":
        values = {
            "client_id": [str(client_id) for client_id in ticked_ids],
            "others": str(rules.others_counted(event.reached, len(rows))),
        }
        return _attendance_page(event, course, clients, hidden, values, {})
    checked = rules.check_attendance(request.form, choosable=choosable)
    if not checked.ok:
        values = {"client_id": request.form.getlist("client_id"), "others": request.form.get("others", "")}
        return _attendance_page(event, course, clients, hidden, values, checked.errors)
    wanted = checked.values["client_ids"]
    mine_before = ticked_ids & set(choosable)
    for row in rows:
        if row.client_id in choosable and row.client_id not in wanted:
            session.delete(row)
            audit("record_attendance", client=choosable[row.client_id], detail=f"not at event {event.id}", commit=False)
    for client_id in sorted(wanted - mine_before):
        session.add(CourseAttendance(event_id=event.id, client_id=client_id, recorded_by_id=actor.person.id))
        audit("record_attendance", client=choosable[client_id], detail=f"came to event {event.id}", commit=False)
    registered = len(wanted) + hidden
    event.reached = registered + checked.values["others"]
    event.updated_at = utcnow()
    session.add(event)
    session.commit()
    flash(f"Saved: {event.reached} came ({registered} registered, {checked.values['others']} others).", "success")
    return redirect(url_for("courses.show", course_id=course.id))


def _attendance_page(event, course, clients, hidden, values, errors):
    return render(
        "community/attendance.html",
        event=event,
        course=course,
        clients=clients,
        hidden=hidden,
        values=values,
        errors=errors,
    ), 422 if errors else 200
