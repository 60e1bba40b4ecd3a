"""Goal tables (unit: goals set in the period): goal type, goal and goal outcome all fold from one
GROUP BY code, outcome over the goals set in the period (index-only on ix_goals_service_start).

The change tables and BMI at the start live in measure_tables.py."""

from collections import Counter

from sqlalchemy import func
from sqlmodel import Session

from models import Goal
from pwa.plans import vocab as plans_vocab
from pwa.reports.cohort import goals_query
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter
from pwa.reports.passes import fold, once

OUTCOMES = ("achieved", "part_achieved", "not_achieved")


def goals_by_code_and_outcome(session: Session, report_filter: ReportFilter) -> list[tuple[str, str | None, int]]:
    """(code, outcome, goals) for the goals set in the period: one pass serves every goal table
    (and anything else counting goals set in the period by code or outcome)."""
    key = ("goals by code and outcome", report_filter.with_changes(comparator="england", suppress=False, period=""))

    def compute():
        statement = goals_query(report_filter, Goal.code, Goal.outcome, func.count()).group_by(Goal.code, Goal.outcome)
        return [tuple(row) for row in session.exec(statement).all()]

    return once(key, compute)


def goal_category(session, report_filter):
    """Goals by type: the first part of the code."""
    by_category: Counter = Counter()
    for code, count in fold(goals_by_code_and_outcome(session, report_filter), 0).items():
        category = plans_vocab.goal_category(code)
        by_category[category if category in plans_vocab.CATEGORIES else "other"] += count
    return Counts(dict(by_category))


def goal(session, report_filter):
    return Counts(dict(fold(goals_by_code_and_outcome(session, report_filter), 0)))


def goal_outcome(session, report_filter):
    """Goals with an outcome; goals with none yet are excluded from the denominator."""
    by_outcome = fold(goals_by_code_and_outcome(session, report_filter), 1)
    by_category = {outcome: count for outcome, count in by_outcome.items() if outcome in OUTCOMES}
    return Counts(by_category, excluded=sum(count for outcome, count in by_outcome.items() if outcome not in OUTCOMES))
