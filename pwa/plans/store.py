"""Saving plans and goals, with history. Database work only, no HTTP."""

from datetime import date

from sqlmodel import Session, select

from models import Client, Episode, Goal, GoalRevision, GoalWeek, Plan
from pwa.clock import utcnow
from pwa.plans.rules import CheckedGoal

# Goal fields a refinement may change (the code stays: it is what reports count).
REFINABLE = [
    "wording",
    "other_text",
    "target_kind",
    "target_value",
    "target_extra",
    "start_date",
    "review_date",
    "action_what",
    "action_when",
    "action_where",
    "action_with_whom",
    "barriers",
    "barrier_plan",
]


def current_episode(session: Session, client: Client) -> Episode | None:
    """The client's open episode, if any."""
    return session.exec(
        select(Episode)
        .where(Episode.client_id == client.id, Episode.ended_on.is_(None))
        .order_by(Episode.started_on.desc())
    ).first()


def current_plan(session: Session, client: Client) -> Plan | None:
    episode = current_episode(session, client)
    if episode is None:
        return None
    return session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()


def plan_for_new_goal(session: Session, client: Client, today: date, by_id: int | None) -> Plan:
    """The plan to add a goal to: the open episode's, opening an episode and plan if needed."""
    episode = current_episode(session, client)
    if episode is None:
        episode = Episode(service_id=client.service_id, client_id=client.id, started_on=today)
        session.add(episode)
        session.flush()
    plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    if plan is None:
        plan = Plan(
            service_id=client.service_id,
            client_id=client.id,
            episode_id=episode.id,
            agreed_on=today,
            created_by_id=by_id,
        )
        session.add(plan)
        session.flush()
    return plan


def goals_of(session: Session, plan: Plan | None) -> list[Goal]:
    if plan is None:
        return []
    return list(session.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.created_at, Goal.id)).all())


def snapshot(goal: Goal) -> dict:
    values = goal.model_dump(exclude={"created_at", "updated_at"})
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()}


def _change(session: Session, goal: Goal, action: str, by_id: int | None) -> None:
    """Keep the goal as it was, then count a new version."""
    session.add(
        GoalRevision(goal_id=goal.id, version=goal.version, action=action, changed_by_id=by_id, snapshot=snapshot(goal))
    )
    goal.version += 1
    goal.updated_at = utcnow()


def add_goal(session: Session, plan: Plan, checked: CheckedGoal, by_id: int | None) -> Goal:
    goal = Goal(
        service_id=plan.service_id, client_id=plan.client_id, plan_id=plan.id, set_by_id=by_id, **checked.values
    )
    session.add(goal)
    session.commit()
    return goal


def refine_goal(session: Session, goal: Goal, checked: CheckedGoal, by_id: int | None) -> None:
    """Change a goal's wording or target; the old version stays in history."""
    _change(session, goal, "refine", by_id)
    for name in REFINABLE:
        setattr(goal, name, checked.values[name])
    session.add(goal)
    session.commit()


def stop_goal(session: Session, goal: Goal, today: date, by_id: int | None) -> None:
    _change(session, goal, "stop", by_id)
    goal.status, goal.stopped_on = "stopped", today
    session.add(goal)
    session.commit()


def record_outcome(
    session: Session, goal: Goal, outcome: str, today: date, by_id: int | None, *, commit: bool = True
) -> None:
    """Achieved, part achieved, not achieved or none yet; the goal as it was stays in history.
    commit=False only flushes, for callers saving several things in one transaction (exit)."""
    _change(session, goal, "outcome", by_id)
    goal.outcome, goal.outcome_on, goal.outcome_by_id = outcome, today, by_id
    session.add(goal)
    if commit:
        session.commit()
    else:
        session.flush()


def record_maintained(
    session: Session, goal: Goal, maintained: str, today: date, by_id: int | None, *, commit: bool = True
) -> None:
    """Was the change kept up at follow-up? commit=False only flushes (see record_outcome)."""
    _change(session, goal, "maintained", by_id)
    goal.maintained, goal.maintained_on = maintained, today
    session.add(goal)
    if commit:
        session.commit()
    else:
        session.flush()


def goal_weeks(session: Session, goal_ids: list[int]) -> dict[int, dict[date, GoalWeek]]:
    """Excused weeks and check-ins, by goal and Monday."""
    found: dict[int, dict[date, GoalWeek]] = {goal_id: {} for goal_id in goal_ids}
    if goal_ids:
        for week in session.exec(select(GoalWeek).where(GoalWeek.goal_id.in_(goal_ids))).all():
            found[week.goal_id][week.monday] = week
    return found


def set_week(session: Session, goal: Goal, monday: date, **changes) -> GoalWeek:
    """Mark a week excused (or not) or record the client's check-in for it."""
    week = session.exec(select(GoalWeek).where(GoalWeek.goal_id == goal.id, GoalWeek.monday == monday)).first()
    week = week or GoalWeek(goal_id=goal.id, monday=monday)
    for name, value in changes.items():
        setattr(week, name, value)
    week.updated_at = utcnow()
    session.add(week)
    session.commit()
    return week
