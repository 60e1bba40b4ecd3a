"""Goal tables (unit: goals set in the period) and change tables (unit: clients with both a
start and an end score)."""

from sqlalchemy import and_, func
from sqlmodel import Session, select

from models import Client, Episode, Goal, Measure
from pwa.plans import vocab as plans_vocab
from pwa.reports.arithmetic import change_bin
from pwa.reports.cohort import goals_query, ranked_measures, registered
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter

OUTCOMES = ("achieved", "part_achieved", "not_achieved")


def _by_code(session: Session, report_filter: ReportFilter) -> list[tuple[str, int]]:
    return session.exec(goals_query(report_filter, Goal.code, func.count()).group_by(Goal.code)).all()


def goal_category(session, report_filter):
    """Goals by type: the first part of the code. Grouped by code in SQL, folded here (a few rows)."""
    by_category: dict[str, int] = {}
    for code, count in _by_code(session, report_filter):
        category = plans_vocab.goal_category(code)
        if category not in plans_vocab.CATEGORIES:
            category = "other"
        by_category[category] = by_category.get(category, 0) + count
    return Counts(by_category)


def goal(session, report_filter):
    return Counts(dict(_by_code(session, report_filter)))


def goal_outcome(session, report_filter):
    """Goals with an outcome; goals with none yet are excluded from the denominator."""
    rows = session.exec(goals_query(report_filter, Goal.outcome, func.count()).group_by(Goal.outcome)).all()
    by_category = {outcome: count for outcome, count in rows if outcome in OUTCOMES}
    return Counts(by_category, excluded=sum(count for outcome, count in rows if outcome not in OUTCOMES))


def change_counts(session: Session, report_filter: ReportFilter, table: str) -> Counts:
    """Clients registered in the period by change in a score: in each episode the first baseline
    and the last exit score; each client once, from their latest episode that has both. SQL groups
    by the change; the few distinct changes are binned here."""
    from pwa.reports.tables import CHANGE_SCALES  # tables imports this module

    instrument, step, lowest, highest = CHANGE_SCALES[table]
    service_id = report_filter.service_id
    start = ranked_measures(service_id, instrument, "baseline", Measure.episode_id)
    end = ranked_measures(service_id, instrument, "exit", Measure.episode_id, last=True)
    pairs = (
        select(
            Episode.client_id.label("client_id"),
            (end.c.value - start.c.value).label("change"),
            func.row_number()
            .over(partition_by=Episode.client_id, order_by=(Episode.number.desc(), Episode.id.desc()))
            .label("rank"),
        )
        .join(start, and_(start.c.episode_id == Episode.id, start.c.rank == 1))
        .join(end, and_(end.c.episode_id == Episode.id, end.c.rank == 1))
        .where(Episode.service_id == service_id)
        .subquery()
    )
    rows = session.exec(
        select(pairs.c.change, func.count())
        .select_from(Client)
        .outerjoin(pairs, and_(pairs.c.client_id == Client.id, pairs.c.rank == 1))
        .where(registered(report_filter))
        .group_by(pairs.c.change)
    ).all()
    by_category: dict[str, int] = {}
    excluded = 0
    for change, count in rows:
        if change is None:
            excluded += count
            continue
        # Scores are whole or one-decimal numbers: round away float noise (7.4999999 is 7.5).
        code = change_bin(round(float(change), 6), step, lowest, highest)
        by_category[code] = by_category.get(code, 0) + count
    return Counts(by_category, excluded=excluded)


def self_efficacy_change(session, report_filter):
    return change_counts(session, report_filter, "self_efficacy_change")


def general_health_change(session, report_filter):
    return change_counts(session, report_filter, "general_health_change")


def who5_change(session, report_filter):
    return change_counts(session, report_filter, "who5_change")
