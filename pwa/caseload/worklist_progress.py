"""The worklist's "no progress for 3 weeks", for a whole caseload at once.

A client is picked when they have active goals (in an open, running episode) that ran through the
last 3 complete weeks (Monday to Sunday, before this week), and not one of those goal-weeks was met
or partly met. Met and partly met are decided by pwa/plans/progress.py, as on the plan page. Excused
weeks (ill, away) are left out; a client whose weeks were all excused is not picked. A goal set
during those weeks is too new to judge.

Goals measured from the diary are judged only while the client shares the diary with their trainer;
a client who keeps it private is judged only when all their goals are weekly check-ins.

The diary is read as day totals worked out by the database (one grouped query for every client),
not entry by entry: `day_totals_bulk` mirrors pwa.diary.totals.day_totals, and a test holds them equal.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from models import DiaryEntry, Episode, Goal, GoalWeek, Plan
from pwa.diary.totals import DayTotals, WeekSummary, week_start
from pwa.plans import progress
from pwa.plans import vocab as plans_vocab

WEEKS = 3


@dataclass
class _Context:
    """What judging a week needs, shared by every client of one worklist."""

    today: date
    marks: dict  # (goal id, Monday) -> excused and check-in
    targets: dict[int, progress.Target]  # by goal id
    counted: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # goal-weeks judged, by client


def stalled_clients(session: Session, scope, shared: dict[int, bool], today: date) -> set[int]:
    """Ids of the clients in scope (a select of client ids) with no progress for WEEKS complete weeks.

    shared: client id -> whether the client shares their diary with their trainer.
    """
    first = week_start(today) - timedelta(weeks=WEEKS)
    mondays = [first + timedelta(weeks=number) for number in range(WEEKS)]
    running = (
        select(Goal.id, Goal.client_id, Goal.target_kind, Goal.target_value, Goal.target_extra, Goal.review_date)
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Episode, Episode.id == Plan.episode_id)
        .where(
            Goal.client_id.in_(scope),
            Goal.status == "active",
            Episode.ended_on.is_(None),
            Episode.paused_on.is_(None),
            Goal.start_date < first + timedelta(days=7),
        )
    )
    goals = session.exec(running).all()
    by_client: dict[int, list] = defaultdict(list)
    for goal in goals:
        if goal.target_kind in plans_vocab.TARGET_KINDS and (goal.target_kind == "check_in" or goal.target_value):
            by_client[goal.client_id].append(goal)
    judged = {
        client_id: client_goals
        for client_id, client_goals in by_client.items()
        if shared.get(client_id) or all(goal.target_kind == "check_in" for goal in client_goals)
    }
    if not judged:
        return set()
    all_goals = [goal for client_goals in judged.values() for goal in client_goals]
    context = _Context(
        today=today,
        marks=_goal_weeks(session, running.with_only_columns(Goal.id), mondays),
        targets={goal.id: progress.Target.from_goal(goal) for goal in all_goals},
    )
    moving: set[int] = set()  # clients with a met or partly met week
    # Check-ins need no diary. The diary is then read newest week first, and only for clients not yet
    # seen moving: most clients show progress in the last week, so most of the diary is never read.
    for client_id, client_goals in judged.items():
        check_ins = [goal for goal in client_goals if goal.target_kind == "check_in"]
        if _moving(client_id, check_ins, mondays, {}, context):
            moving.add(client_id)
    for batch in (mondays[-1:], mondays[:-1]):
        readers = {
            client_id: [goal for goal in client_goals if goal.target_kind != "check_in"]
            for client_id, client_goals in judged.items()
            if client_id not in moving and any(goal.target_kind != "check_in" for goal in client_goals)
        }
        with_weight = any(goal.target_kind == "weight_by_date" for goals in readers.values() for goal in goals)
        weeks = week_summaries(session, list(readers), batch[0], len(batch), with_weight=with_weight)
        for client_id, diary_goals in readers.items():
            if _moving(client_id, diary_goals, batch, weeks, context):
                moving.add(client_id)
    return {client_id for client_id in judged if client_id not in moving and context.counted[client_id]}


def _moving(client_id: int, goals: list, mondays: list[date], weeks: dict, context: _Context) -> bool:
    """True when one of the goals had a met or partly met week among these; counts the weeks judged."""
    for goal in goals:
        target = context.targets[goal.id]
        for monday in mondays:
            mark = context.marks.get((goal.id, monday))
            if mark is not None and mark.excused:
                continue
            check_in = mark.check_in if mark is not None and mark.check_in in progress.CHECK_IN_SCORES else None
            week = weeks.get((client_id, monday)) or _empty_week(monday)
            result = progress.week_progress(target, week, today=context.today, check_in=check_in)
            if result.met or result.partly:
                return True
            context.counted[client_id] += 1
    return False


def _goal_weeks(session: Session, goal_ids, mondays: list[date]) -> dict[tuple[int, date], tuple]:
    """Excused weeks and check-in answers, by (goal id, Monday). goal_ids: a select of goal ids (the
    database joins it, rather than taking hundreds of ids as parameters)."""
    found = session.exec(
        select(GoalWeek.goal_id, GoalWeek.monday, GoalWeek.excused, GoalWeek.check_in).where(
            GoalWeek.goal_id.in_(goal_ids), GoalWeek.monday >= mondays[0], GoalWeek.monday <= mondays[-1]
        )
    ).all()
    return {(week.goal_id, week.monday): week for week in found}


@lru_cache(maxsize=8)
def _empty_week(monday: date) -> WeekSummary:
    """A week with nothing in the diary (shared: nothing changes it)."""
    return WeekSummary(monday=monday, days=[DayTotals(day=monday + timedelta(days=offset)) for offset in range(7)])


def week_summaries(
    session: Session, client_ids: list[int], first: date, weeks: int, *, with_weight: bool = True
) -> dict[tuple[int, date], WeekSummary]:
    """Diary week summaries by (client id, Monday), for `weeks` weeks from the Monday `first`."""
    if not client_ids:
        return {}
    days = day_totals_bulk(session, client_ids, first, first + timedelta(weeks=weeks, days=-1), with_weight=with_weight)
    summaries = {}
    for client_id in client_ids:
        for number in range(weeks):
            monday = first + timedelta(weeks=number)
            week_days = [monday + timedelta(days=offset) for offset in range(7)]
            summaries[(client_id, monday)] = WeekSummary(
                monday=monday, days=[days.get((client_id, day)) or DayTotals(day=day) for day in week_days]
            )
    return summaries


def day_totals_bulk(
    session: Session, client_ids: list[int], first: date, last: date, *, with_weight: bool = True
) -> dict[tuple[int, date], DayTotals]:
    """Day totals (as pwa.diary.totals.day_totals makes them) by (client id, day), for days with entries.
    with_weight=False skips the day's weight (only weight targets need it)."""
    entry = DiaryEntry
    moving = and_(entry.kind == "activity", entry.intensity.in_(("moderate", "vigorous")))
    drink = and_(entry.kind == "alcohol", func.coalesce(entry.marker, "") != "drink_free")
    smoke = and_(entry.kind == "smoking", func.coalesce(entry.marker, "") != "smoke_free")
    minutes = func.coalesce(entry.minutes, 0)
    in_range = (
        entry.client_id.in_(client_ids),
        entry.day >= first,
        entry.day <= last,
        entry.deleted_at.is_(None),
    )
    found = session.exec(
        select(
            entry.client_id,
            entry.day,
            func.count(),
            func.sum(case((entry.kind == "food", func.coalesce(entry.portions, 0)), else_=0)),
            func.sum(case((moving, minutes), else_=0)),
            func.sum(case((moving, minutes * case((entry.intensity == "vigorous", 2), else_=1)), else_=0)),
            func.sum(case((drink, func.coalesce(entry.units, 0)), else_=0)),
            func.sum(case((drink, func.coalesce(entry.quantity, 0)), else_=0)),
            func.sum(case((smoke, func.coalesce(entry.cigarettes, 0)), else_=0)),
            func.max(case((and_(entry.kind == "alcohol", entry.marker == "drink_free"), 1), else_=0)),
            func.max(case((and_(entry.kind == "smoking", entry.marker == "smoke_free"), 1), else_=0)),
        )
        .where(*in_range)
        .group_by(entry.client_id, entry.day)
    ).all()
    totals = {}
    for client_id, day, count, portions, active, guideline, units, drinks, cigarettes, drink_free, smoke_free in found:
        totals[(client_id, day)] = DayTotals(
            day=day,
            entries=count,
            portions=float(portions or 0),
            active_minutes=int(active or 0),
            guideline_minutes=int(guideline or 0),
            units=round(float(units or 0), 1),
            drinks=int(drinks or 0),
            cigarettes=int(cigarettes or 0),
            marked_drink_free=bool(drink_free),
            marked_smoke_free=bool(smoke_free),
        )
    if not with_weight:
        return totals
    # The day's weight is the last one logged that day, as in day_totals.
    weights = session.exec(
        select(entry.client_id, entry.day, entry.weight_kg)
        .where(*in_range, entry.kind == "weight")
        .order_by(entry.occurred_at, entry.id)
    ).all()
    for client_id, day, weight in weights:
        totals[(client_id, day)].weight_kg = weight
    return totals
