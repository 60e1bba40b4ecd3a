"""Sessions with the client and contacts between them.

Session ids travel in the query string (?session=3) so one page plans or records any session;
an id of another client's session is a 404.
"""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for

from models import Client, Episode, SupportSession
from pwa import db
from pwa.caseload import session_store as store
from pwa.caseload import vocab
from pwa.caseload.session_rules import (
    RECORDED_STATUSES,
    beyond_agreed_warning,
    check_contact,
    check_plan,
    check_record,
    episode_refusal,
    number_for,
    small_id,
    summarise_sessions,
)
from pwa.clock import london_today, to_london, utcnow
from pwa.identity import current_actor
from pwa.policy import audit, client_for_staff, requires
from pwa.rendering import render
from pwa.templating import london_datetime

bp = Blueprint("sessions", __name__)


@bp.app_template_global()
def sessions_summary(record):
    """Numbers and the next planned session, for the sessions part of the client record."""
    return summarise_sessions(record.episode, record.sessions, utcnow())


def _back(client: Client):
    return redirect(url_for("clients.show", client_id=client.id) + "#sessions")


def _episode_or_refuse(client: Client, *, paused_ok: bool = False) -> Episode:
    """The open episode; otherwise back to the record with a plain reason (no crash)."""
    episode = store.open_episode(db.session(), client)
    refusal = episode_refusal(episode)
    if refusal and not (paused_ok and episode is not None):
        flash(refusal, "error")
        abort(_back(client))
    return episode


def _chosen_session(client: Client, episode: Episode) -> SupportSession | None:
    """The session named by ?session=, or None for a new one. Another client's id is a 404."""
    raw = request.args.get("session")
    if raw is None or raw == "":
        return None
    session_id = small_id(raw)
    support = store.session_of_client(db.session(), client, session_id) if session_id else None
    if support is None:
        abort(404)
    if support.episode_id != episode.id:
        flash("That session belongs to an earlier plan, so it cannot be changed now.", "error")
        abort(_back(client))
    return support


def _when_values(support: SupportSession) -> dict:
    local = to_london(support.starts_at)
    return {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "venue": support.venue,
        "mode": support.mode,
    }


# --- Planning -------------------------------------------------------------------------------


def _plan_defaults(sessions: list[SupportSession]) -> dict:
    """A week after the latest session, same time, place and way of meeting."""
    if not sessions:
        return {"mode": "face_to_face"}
    values = _when_values(sessions[-1])
    next_day = max(to_london(sessions[-1].starts_at).date() + timedelta(days=7), london_today())
    values["date"] = next_day.isoformat()
    return values


@bp.route("/clients/<int:client_id>/sessions/plan", methods=["GET", "POST"])
@requires("journey.record")
def plan_session(client_id: int):
    """Plan a session: day, time (London), where, and face to face, phone, video or group."""
    client = client_for_staff(client_id, audit_as=None)
    episode = _episode_or_refuse(client)
    session = db.session()
    sessions = store.sessions_of(session, episode)
    if request.method == "GET":
        return _plan_page(client, episode, sessions, _plan_defaults(sessions), {})
    checked = check_plan(request.form, today=london_today(), episode_start=episode.started_on)
    if not checked.ok:
        return _plan_page(client, episode, sessions, request.form.to_dict(), checked.errors)
    support = store.plan_session(session, client, episode, checked, current_actor().person.id)
    when = london_datetime(support.starts_at)
    audit("plan_session", client=client, detail=f"session {support.id}: {when}")
    flash(f"Session planned for {when}.", "success")
    return _back(client)


def _plan_page(client, episode, sessions, values, errors):
    return render(
        "caseload/sessions/plan.html",
        client=client,
        episode=episode,
        summary=summarise_sessions(episode, sessions),
        values=values,
        errors=errors,
        vocab=vocab,
    ), 422 if errors else 200


# --- Recording ------------------------------------------------------------------------------


def _record_defaults(support: SupportSession | None) -> dict:
    if support is None:
        return {"date": london_today().isoformat(), "mode": "face_to_face", "status": "attended"}
    values = _when_values(support)
    values.update(
        status=support.status if support.status in RECORDED_STATUSES else "attended",
        minutes="" if support.minutes is None else str(support.minutes),
        notes=support.notes,
        agreed_actions=support.agreed_actions,
        goals_reviewed=list(support.goals_reviewed),
    )
    return values


@bp.route("/clients/<int:client_id>/sessions/record", methods=["GET", "POST"])
@requires("journey.record")
def record_session(client_id: int):
    """Record how a session went: a planned one (?session=ID), a new one, or fix a recorded one."""
    client = client_for_staff(client_id, audit_as=None)
    episode = _episode_or_refuse(client)
    support = _chosen_session(client, episode)
    session = db.session()
    sessions = store.sessions_of(session, episode)
    goals = store.reviewable_goals(session, episode, support)
    editing = support is not None and support.recorded_at is not None
    if request.method == "GET":
        if editing:
            audit("view_session", client=client, detail=f"session {support.id}")
        return _record_page(client, episode, sessions, goals, support, _record_defaults(support), {})
    form = request.form
    checked = check_record(
        form, today=london_today(), goal_ids=[goal.id for goal in goals], episode_start=episode.started_on
    )
    if not checked.ok:
        values = {**form.to_dict(), "goals_reviewed": form.getlist("goals_reviewed")}
        return _record_page(client, episode, sessions, goals, support, values, checked.errors)
    support = store.record_session(session, client, episode, checked, current_actor().person.id, support)
    audit(
        "edit_session" if editing else "record_session", client=client, detail=f"session {support.id}: {support.status}"
    )
    if support.status == "attended" and not editing:
        number = number_for(sessions, support.starts_at, exclude_id=support.id)
        warning = beyond_agreed_warning(number, episode.sessions_planned)
        if warning:
            flash(warning, "warning")
    flash("Changes saved." if editing else "Session recorded.", "success")
    return _back(client)


def _record_page(client, episode, sessions, goals, support, values, errors):
    # The number this session gets if it took place, and a warning past the agreed number.
    starts_at = support.starts_at if support else utcnow()
    number = number_for(sessions, starts_at, exclude_id=support.id if support else None)
    editing = support is not None and support.recorded_at is not None
    return render(
        "caseload/sessions/record.html",
        client=client,
        episode=episode,
        support=support,
        editing=editing,
        goals=goals,
        goal_options=[(goal.id, goal.wording, None) for goal in goals],
        number=number,
        warning=None if editing else beyond_agreed_warning(number, episode.sessions_planned),
        status_options={code: vocab.SESSION_STATUS[code] for code in RECORDED_STATUSES},
        values=values,
        errors=errors,
        vocab=vocab,
    ), 422 if errors else 200


# --- Contacts between sessions ---------------------------------------------------------------


@bp.route("/clients/<int:client_id>/contacts/new", methods=["GET", "POST"])
@requires("journey.record")
def new_contact(client_id: int):
    """A text, call or visit between sessions. Allowed while the plan is paused."""
    client = client_for_staff(client_id, audit_as=None)
    episode = _episode_or_refuse(client, paused_ok=True)
    today = london_today()
    if request.method == "GET":
        return _contact_page(client, {"contact_on": today.isoformat()}, {})
    checked = check_contact(request.form, today=today, episode_start=episode.started_on)
    if not checked.ok:
        return _contact_page(client, request.form.to_dict(), checked.errors)
    contact = store.add_contact(db.session(), client, episode, checked, current_actor().person.id)
    audit("record_contact", client=client, detail=f"contact {contact.id}: {contact.kind}")
    flash("Contact recorded.", "success")
    return _back(client)


def _contact_page(client, values, errors):
    return render(
        "caseload/sessions/contact.html", client=client, values=values, errors=errors, vocab=vocab
    ), 422 if errors else 200
