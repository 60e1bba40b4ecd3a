"""Plans: the trainer sets and reviews goals with the client; the client sees "My goals"."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlmodel import select

from models import Goal, Person
from pwa import db
from pwa.clock import london_today
from pwa.diary.totals import week_start
from pwa.diary.views import day_or_404
from pwa.identity import current_actor
from pwa.plans import store, vocab
from pwa.plans.forms import goal_code_options, target_options
from pwa.plans.rules import check_goal
from pwa.plans.summary import goal_progress
from pwa.policy import audit, client_for_staff, may_read_diary, my_client_record, requires
from pwa.rendering import render

bp = Blueprint("plans", __name__)


def _staff_goal(client, goal_id: int) -> Goal:
    goal = db.session().get(Goal, goal_id)
    if goal is None or goal.client_id != client.id:
        abort(404)
    return goal


def _form_page(client, values: dict, errors: dict, goal: Goal | None = None):
    return render(
        "plans/goal_form.html",
        client=client,
        goal=goal,
        values=values,
        errors=errors,
        code_options=goal_code_options(),
        target_choice_options=[(kind, label, None) for kind, label in target_options()],
        goal_labels=vocab.GOAL_CODES,
    ), 422 if errors else 200


@bp.get("/clients/<int:client_id>/plan/")
@requires("plan.manage")
def plan(client_id: int):
    client = client_for_staff(client_id, audit_as="view_plan")
    session = db.session()
    current = store.current_plan(session, client)
    goals = store.goals_of(session, current)
    # Progress comes from the diary: only shown while the client shares it.
    shared = may_read_diary(current_actor(), client)
    progress = goal_progress(session, client, goals, london_today()) if shared else {}
    return render(
        "plans/plan.html",
        client=client,
        plan=current,
        goals=goals,
        progress=progress,
        shared=shared,
        vocab=vocab,
        this_monday=week_start(london_today()),
        check_in_labels=vocab.CHECK_IN_ANSWERS,
        setters=_names(session, {goal.set_by_id for goal in goals if goal.set_by_id}),
    )


def _names(session, person_ids: set[int]) -> dict[int, str]:
    """Display names of the staff who set goals."""
    if not person_ids:
        return {}
    return {
        person.id: person.display_name for person in session.exec(select(Person).where(Person.id.in_(person_ids))).all()
    }


@bp.route("/clients/<int:client_id>/plan/goals/new", methods=["GET", "POST"])
@requires("plan.manage")
def new_goal(client_id: int):
    client = client_for_staff(client_id, audit_as=None)
    today = london_today()
    if request.method == "GET":
        return _form_page(client, {"start_date": today.isoformat(), "target_kind": "check_in"}, {})
    checked = check_goal(request.form, today=today)
    if not checked.ok:
        return _form_page(client, request.form.to_dict(), checked.errors)
    session = db.session()
    actor = current_actor()
    plan = store.plan_for_new_goal(session, client, today, actor.person.id)
    goal = store.add_goal(session, plan, checked, actor.person.id)
    audit("add_goal", client=client, detail=goal.code)
    flash(f"Goal added: {goal.wording}", "success")
    return redirect(url_for("plans.plan", client_id=client.id))


@bp.route("/clients/<int:client_id>/plan/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@requires("plan.manage")
def edit_goal(client_id: int, goal_id: int):
    """Refine a goal: new wording or target. The code stays; the old version is kept."""
    client = client_for_staff(client_id, audit_as=None)
    goal = _staff_goal(client, goal_id)
    if request.method == "GET":
        values = store.snapshot(goal)
        values.update({f"target_{name}": value for name, value in goal.target_extra.items()})
        return _form_page(client, values, {}, goal)
    form = {**request.form.to_dict(), "code": goal.code}
    checked = check_goal(form, today=london_today())
    # A refined goal may keep its original start date, however long ago.
    if "start_date" in checked.errors and form.get("start_date") == goal.start_date.isoformat():
        del checked.errors["start_date"]
        checked.values["start_date"] = goal.start_date
    if not checked.ok:
        return _form_page(client, form, checked.errors, goal)
    store.refine_goal(db.session(), goal, checked, current_actor().person.id)
    audit("refine_goal", client=client, detail=str(goal.id))
    flash("Goal changed. The old wording is kept in its history.", "success")
    return redirect(url_for("plans.plan", client_id=client.id))


@bp.post("/clients/<int:client_id>/plan/goals/<int:goal_id>/stop")
@requires("plan.manage")
def stop_goal(client_id: int, goal_id: int):
    client = client_for_staff(client_id, audit_as=None)
    goal = _staff_goal(client, goal_id)
    if goal.status != "stopped":
        store.stop_goal(db.session(), goal, london_today(), current_actor().person.id)
        audit("stop_goal", client=client, detail=str(goal.id))
    flash("Goal stopped.", "success")
    return redirect(url_for("plans.plan", client_id=client.id))


@bp.post("/clients/<int:client_id>/plan/goals/<int:goal_id>/outcome")
@requires("plan.manage")
def record_outcome(client_id: int, goal_id: int):
    """At review or exit: achieved, part achieved, not achieved or none yet; at follow-up: maintained?"""
    client = client_for_staff(client_id, audit_as=None)
    goal = _staff_goal(client, goal_id)
    session, today, by_id = db.session(), london_today(), current_actor().person.id
    outcome, maintained = request.form.get("outcome"), request.form.get("maintained")
    if outcome is None and maintained is None or (outcome and outcome not in vocab.GOAL_OUTCOMES):
        flash("Choose an outcome from the list.", "error")
    elif maintained and maintained not in vocab.MAINTAINED:
        flash("Choose from the list whether the change was kept up.", "error")
    else:
        if outcome and outcome != goal.outcome:
            store.record_outcome(session, goal, outcome, today, by_id)
        if maintained and maintained != goal.maintained:
            store.record_maintained(session, goal, maintained, today, by_id)
        audit("goal_outcome", client=client, detail=f"{goal.id}: {outcome or ''} {maintained or ''}".strip())
        flash("Saved.", "success")
    return redirect(url_for("plans.plan", client_id=client.id))


@bp.post("/clients/<int:client_id>/plan/goals/<int:goal_id>/weeks/<monday>")
@requires("plan.manage")
def excuse_week(client_id: int, goal_id: int, monday: str):
    """Mark a week as excused (ill, away): it then never counts against the goal."""
    client = client_for_staff(client_id, audit_as=None)
    goal = _staff_goal(client, goal_id)
    excused = request.form.get("excused") == "yes"
    reason = " ".join(request.form.get("reason", "").split())[:100]
    store.set_week(
        db.session(), goal, week_start(day_or_404(monday)), excused=excused, excused_reason=reason if excused else ""
    )
    flash("Week marked as excused." if excused else "Week counts again.", "success")
    return redirect(url_for("plans.plan", client_id=client.id))


@bp.get("/clients/<int:client_id>/plan/certificate")
@requires("plan.manage")
def certificate(client_id: int):
    """A printable certificate of the goals achieved in this episode."""
    client = client_for_staff(client_id, audit_as="view_plan")
    goals = store.goals_of(db.session(), store.current_plan(db.session(), client))
    achieved = [goal for goal in goals if goal.outcome in ("achieved", "part_achieved")]
    return render("plans/certificate.html", client=client, achieved=achieved, today=london_today())


# --- The client's side --------------------------------------------------------------------------


@bp.get("/goals")
@requires("plan.own")
def my_goals():
    record = my_client_record()
    session = db.session()
    goals = [goal for goal in store.goals_of(session, store.current_plan(session, record)) if goal.status == "active"]
    return render(
        "plans/my_goals.html",
        goals=goals,
        progress=goal_progress(session, record, goals, london_today()),
        check_in_labels=vocab.CHECK_IN_ANSWERS,
    )


@bp.post("/goals/<int:goal_id>/check-in")
@requires("plan.own")
def check_in(goal_id: int):
    """The client's weekly answer for a goal the diary cannot measure: yes, partly or no."""
    record = my_client_record()
    goal = db.session().get(Goal, goal_id)
    if goal is None or goal.client_id != record.id:
        abort(404)
    answer = request.form.get("answer")
    if answer not in vocab.CHECK_IN_ANSWERS:
        flash("Choose yes, partly or no.", "error")
    else:
        store.set_week(db.session(), goal, week_start(london_today()), check_in=answer)
        flash("Thank you. Saved." if answer != "yes" else "Well done! Saved.", "success")
    return redirect(url_for("plans.my_goals"))
