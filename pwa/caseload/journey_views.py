"""The client's journey: eligibility, assessment, agreement, pause, exit and follow-up.

Every page is under /clients/<id>/. A step that does not fit the episode's state now goes
back to the record with a plain reason. A step is saved whole: the store only flushes, and
the audit row commits everything together."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlmodel import select

from models import Client, Episode, FollowUp, Goal, Measure, Plan, SupportSession
from pwa import db
from pwa.caseload import journey, vocab
from pwa.caseload import journey_store as store
from pwa.caseload.journey_rules import (
    SESSIONS_DEFAULT,
    SESSIONS_MAX,
    check_agreement,
    check_assessment,
    check_eligibility,
    check_exit,
    check_follow_up,
    check_measures_page,
    check_new_episode,
    check_pause,
    day_words,
)
from pwa.caseload.measures import bmi_band
from pwa.clock import london_today
from pwa.identity import current_actor
from pwa.plans import store as plans_store
from pwa.policy import audit, client_for_staff, requires
from pwa.rendering import render

bp = Blueprint("journey", __name__)


@bp.app_template_filter("bmi_band")
def bmi_band_label(value: float) -> str:
    """A BMI as the plain label of its report band, for the record page."""
    return vocab.BMI_BANDS[bmi_band(value)]


def _back(client: Client):
    return redirect(url_for("clients.show", client_id=client.id), code=303)


def _load(client_id: int, action: str) -> tuple[Client, Episode | None]:
    """The client (audited as a view on GET) and their latest episode, or back to the record
    with the reason when the action does not fit the episode now."""
    client = client_for_staff(client_id, audit_as="view_journey" if request.method == "GET" else None)
    episode = store.latest_episode(db.session(), client)
    reason = journey.refusal(action, episode)
    if reason:
        flash(reason, "error")
        abort(_back(client))
    return client, episode


def _goals(episode: Episode) -> list[Goal]:
    session = db.session()
    plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    return plans_store.goals_of(session, plan)


def _values(defaults: dict) -> dict:
    """Form values to show: what was typed (after an error), else the defaults."""
    if request.method == "GET":
        return defaults
    values = request.form.to_dict()
    values["secondary_needs"] = request.form.getlist("secondary_needs")
    return values


def _page(template: str, client: Client, episode: Episode | None, errors: dict, **context):
    page = render(f"caseload/journey/{template}", client=client, episode=episode, errors=errors, vocab=vocab, **context)
    return page, 422 if errors else 200


def _by_id() -> int:
    return current_actor().person.id


def _known_height(client: Client) -> float | None:
    """The client's last height, so a weight taken alone later still gives a BMI."""
    return (
        db.session()
        .exec(
            select(Measure.value)
            .where(Measure.client_id == client.id, Measure.instrument == "height_cm")
            .order_by(Measure.taken_on.desc(), Measure.id.desc())
        )
        .first()
    )


@bp.route("/clients/<int:client_id>/eligibility", methods=["GET", "POST"])
@requires("journey.decide")
def eligibility(client_id: int):
    """Eligible or not. Not eligible ends the episode (the client can be signposted elsewhere)."""
    client, episode = _load(client_id, "check_eligibility")
    today = london_today()
    defaults = {"eligibility_on": today.isoformat()}
    if episode is not None and episode.eligible is not None:
        defaults.update(eligible="yes" if episode.eligible else "no", eligibility_reason=episode.eligibility_reason)
    if request.method == "GET":
        return _page("eligibility.html", client, episode, {}, values=defaults)
    checked = check_eligibility(request.form, episode, client, today=today)
    if not checked.ok:
        return _page("eligibility.html", client, episode, checked.errors, values=_values(defaults))
    episode = store.decide_eligibility(db.session(), client, episode, checked.values, _by_id())
    eligible = checked.values["eligible"]
    audit(
        "check_eligibility",
        client=client,
        detail="eligible" if eligible else f"not eligible: {episode.eligibility_reason}",
    )
    if eligible:
        flash("Eligible. Next, the first assessment.", "success")
        return redirect(url_for("journey.assess", client_id=client.id), code=303)
    flash("Not eligible: this episode has ended. You can still signpost them to other help.", "success")
    return _back(client)


@bp.route("/clients/<int:client_id>/assessment", methods=["GET", "POST"])
@requires("journey.record")
def assess(client_id: int):
    """The first assessment with baseline measures, all saved together."""
    client, episode = _load(client_id, "assess")
    today = london_today()
    defaults = {"assessed_on": today.isoformat(), "secondary_needs": []}
    if request.method == "GET":
        return _page("assess.html", client, episode, {}, values=defaults)
    checked = check_assessment(request.form, episode, client, today=today)
    if not checked.ok:
        return _page("assess.html", client, episode, checked.errors, values=_values(defaults))
    store.record_assessment(db.session(), episode, checked.values, checked.measures, _by_id())
    audit("assess", client=client, detail=checked.values["primary_issue"])
    flash(_measures_message("Assessment saved.", checked.measures.values), "success")
    return _back(client)


def _measures_message(start: str, values: dict) -> str:
    """What the measures came to, in words: BMI and its band, WHO-5 percent."""
    parts = [start]
    if "bmi" in values:
        parts.append(f"BMI {values['bmi']:g} ({vocab.BMI_BANDS[bmi_band(values['bmi'])]}).")
    if "who5_percent" in values:
        parts.append(f"Wellbeing (WHO-5) {values['who5_percent']:g}%.")
    return " ".join(parts)


@bp.route("/clients/<int:client_id>/agreement", methods=["GET", "POST"])
@requires("journey.record")
def agree(client_id: int):
    """The first session: how many sessions, and the client's choices about contact and diary."""
    client, episode = _load(client_id, "agree_plan")
    today = london_today()
    defaults = {
        "agreed_on": today.isoformat(),
        "sessions_planned": str(episode.sessions_planned or SESSIONS_DEFAULT),
        "contact_by_text": client.contact_by_text,
        "contact_by_phone": client.contact_by_phone,
        "contact_by_app": client.contact_by_app,
        "diary_shared": "yes" if client.diary_shared else "no",
    }
    context = {"sessions_max": SESSIONS_MAX}
    if request.method == "GET":
        return _page("agree.html", client, episode, {}, values=defaults, **context)
    checked = check_agreement(request.form, episode, today=today)
    if not checked.ok:
        return _page("agree.html", client, episode, checked.errors, values=_values(defaults), **context)
    store.record_agreement(db.session(), client, episode, checked.values, _by_id())
    diary = "shared" if checked.values["diary_shared"] else "private"
    audit("agree_plan", client=client, detail=f"{checked.values['sessions_planned']} sessions; diary {diary}")
    flash("Plan agreed. Now add the first goal together.", "success")
    return redirect(url_for("plans.new_goal", client_id=client.id), code=303)


@bp.route("/clients/<int:client_id>/pause", methods=["GET", "POST"])
@requires("journey.record")
def pause(client_id: int):
    """Pause (ill, moved away for a while) without losing anything."""
    client, episode = _load(client_id, "pause")
    today = london_today()
    defaults = {"paused_on": today.isoformat()}
    if request.method == "GET":
        return _page("pause.html", client, episode, {}, values=defaults)
    checked = check_pause(request.form, episode, today=today)
    if not checked.ok:
        return _page("pause.html", client, episode, checked.errors, values=_values(defaults))
    store.pause(db.session(), episode, checked.values)
    audit("pause", client=client, detail=checked.values["pause_reason"])
    flash("Paused. Nothing is lost: start again when they are ready.", "success")
    return _back(client)


@bp.post("/clients/<int:client_id>/resume")
@requires("journey.record")
def resume(client_id: int):
    client, episode = _load(client_id, "resume")
    reason, since = episode.pause_reason, episode.paused_on
    store.resume(db.session(), episode)
    audit("resume", client=client, detail=f"paused {since.isoformat()}: {reason}")
    flash("Started again.", "success")
    return _back(client)


@bp.route("/clients/<int:client_id>/exit", methods=["GET", "POST"])
@requires("journey.decide")
def exit_client(client_id: int):
    """Finish: reason, every goal's outcome, exit measures and a plan to keep going."""
    client, episode = _load(client_id, "exit_client")
    today = london_today()
    goals = _goals(episode)
    defaults = {"ended_on": today.isoformat()}
    if request.method == "GET":
        return _page("exit.html", client, episode, {}, values=defaults, goals=goals)
    checked = check_exit(request.form, episode, client, goals, today=today, known_height=_known_height(client))
    if not checked.ok:
        return _page("exit.html", client, episode, checked.errors, values=_values(defaults), goals=goals)
    follow_ups = store.exit_episode(db.session(), episode, goals, checked.values, checked.measures, _by_id())
    audit("exit_client", client=client, detail=checked.values["exit_reason"])
    message = "Finished."
    if follow_ups:
        message += " Follow-ups are due on " + " and ".join(day_words(item.due_on) for item in follow_ups) + "."
    flash(message, "success")
    return _back(client)


def _waiting_follow_up(episode: Episode, chosen: str | None) -> FollowUp:
    """The follow-up named in the form or query, else the first one not done yet."""
    follow_ups = store.follow_ups_of(db.session(), episode)
    if chosen:
        found = next((item for item in follow_ups if str(item.id) == chosen), None)
        if found is None:
            abort(404)
        return found
    waiting = [item for item in follow_ups if item.done_on is None]
    if not waiting:
        flash("There is no follow-up waiting.", "error")
        abort(redirect(url_for("clients.show", client_id=episode.client_id), code=303))
    return waiting[0]


@bp.route("/clients/<int:client_id>/follow-up", methods=["GET", "POST"])
@requires("journey.record")
def follow_up(client_id: int):
    """Months after exit: did the change last? Optional per-goal answers and measures."""
    client, episode = _load(client_id, "record_follow_up")
    item = _waiting_follow_up(episode, request.values.get("follow_up_id"))
    today = london_today()
    goals = _goals(episode)
    defaults = {"done_on": today.isoformat(), "follow_up_id": str(item.id)}
    context = {"goals": goals, "follow_up": item}
    if request.method == "GET":
        return _page("follow_up.html", client, episode, {}, values=defaults, **context)
    checked = check_follow_up(request.form, episode, goals, today=today, known_height=_known_height(client))
    if not checked.ok:
        return _page("follow_up.html", client, episode, checked.errors, values=_values(defaults), **context)
    store.record_follow_up(db.session(), episode, item, goals, checked.values, checked.measures, _by_id())
    audit("record_follow_up", client=client, detail=f"{item.stage}: {checked.values['result']}")
    flash("Follow-up saved.", "success")
    return _back(client)


def _session_for(episode: Episode, raw: str | None) -> SupportSession | None:
    """A session of this episode named by id, or None; any other id is a 404."""
    if not raw:
        return None
    support = db.session().get(SupportSession, int(raw)) if raw.isdigit() else None
    if support is None or support.episode_id != episode.id or support.client_id != episode.client_id:
        abort(404)
    return support


@bp.route("/clients/<int:client_id>/measures", methods=["GET", "POST"])
@requires("journey.record")
def measures(client_id: int):
    """Measures at any stage: at a review session, at exit, at follow-up."""
    client, episode = _load(client_id, "add_measures")
    stages = journey.MEASURE_STAGES_BY_STATE[journey.status(episode)]
    support = _session_for(episode, request.values.get("session_id"))
    stage = request.values.get("stage")
    today = london_today()
    defaults = {
        "stage": stage if stage in stages else stages[-1] if episode.ended_on else "review",
        "taken_on": (london_today(support.starts_at) if support else today).isoformat(),
    }
    context = {"stages": {code: vocab.MEASURE_STAGES[code] for code in stages}, "support": support}
    if request.method == "GET":
        return _page("measures.html", client, episode, {}, values=defaults, **context)
    checked = check_measures_page(request.form, episode, stages, today=today, known_height=_known_height(client))
    if not checked.ok:
        return _page("measures.html", client, episode, checked.errors, values=_values(defaults), **context)
    rows = store.save_measures(
        db.session(),
        episode,
        checked.measures,
        stage=checked.values["stage"],
        taken_on=checked.values["taken_on"],
        by_id=_by_id(),
        session_id=support.id if support else None,
    )
    audit(
        "add_measures",
        client=client,
        detail=f"{checked.values['stage']}: " + ", ".join(row.instrument for row in rows),
    )
    flash(_measures_message("Measures saved.", checked.measures.values), "success")
    return _back(client)


@bp.route("/clients/<int:client_id>/episodes/new", methods=["GET", "POST"])
@requires("journey.decide")
def new_episode(client_id: int):
    """A returning client starts again. Earlier episodes stay as they were."""
    client, latest = _load(client_id, "new_episode")
    today = london_today()
    defaults = {"started_on": today.isoformat()}
    if request.method == "GET":
        return _page("new_episode.html", client, latest, {}, values=defaults)
    checked = check_new_episode(request.form, latest, today=today)
    if not checked.ok:
        return _page("new_episode.html", client, latest, checked.errors, values=_values(defaults))
    episode = store.open_episode(db.session(), client, checked.values["started_on"])
    audit("new_episode", client=client, detail=f"episode {episode.number}")
    flash(f"Episode {episode.number} started. Next, check eligibility.", "success")
    return _back(client)
