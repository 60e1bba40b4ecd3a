"""A goal's progress from the client's diary, ready for a page: the glue between store and progress."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from models import Client, Goal
from pwa.diary import store as diary_store
from pwa.diary.totals import week_start, week_summary
from pwa.plans import progress, store

# Progress (and habit strength) is worked out over at most this many weeks.
WEEKS_BACK = 52


@dataclass
class GoalProgress:
    goal: Goal
    target_text: str
    weeks: list[progress.WeekProgress]
    this_week: progress.WeekProgress | None
    strength: int
    best_run: int
    celebrate: bool


def goal_progress(session: Session, client: Client, goals: list[Goal], today: date) -> dict[int, GoalProgress]:
    """Progress of each goal, by goal id, from one read of the diary."""
    if not goals:
        return {}
    this_monday = week_start(today)
    first = max(min(week_start(goal.start_date) for goal in goals), this_monday - timedelta(weeks=WEEKS_BACK))
    entries = diary_store.entries_between(session, client.id, first, this_monday + timedelta(days=6))
    by_week = defaultdict(list)
    for entry in entries:
        by_week[week_start(entry.day)].append(entry)
    summaries = []
    monday = first
    while monday <= this_monday:
        summaries.append(week_summary(monday, by_week.get(monday, [])))
        monday += timedelta(days=7)
    weeks_of = store.goal_weeks(session, [goal.id for goal in goals])
    found = {}
    for goal in goals:
        target = progress.Target.from_goal(goal)
        marks = weeks_of[goal.id]
        weeks = progress.progress_over_weeks(
            target,
            summaries,
            today=today,
            start=max(goal.start_date, first),
            excused_weeks=[monday for monday, mark in marks.items() if mark.excused],
            check_ins={monday: mark.check_in for monday, mark in marks.items() if mark.check_in},
        )
        now = progress.this_week(weeks)
        found[goal.id] = GoalProgress(
            goal=goal,
            target_text=progress.describe_target(target),
            weeks=weeks,
            this_week=now,
            strength=progress.strength(weeks),
            best_run=progress.best_run(weeks),
            celebrate=progress.celebrate(now),
        )
    return found
