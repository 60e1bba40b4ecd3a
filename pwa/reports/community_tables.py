"""Community tables: events, people reached and signposts, by activity date. Champions may see
these (counts only).

Events count by the London day they start on; signposts by the day they were made. With a
trainer chosen: events the trainer logged or worked at, and signposts the trainer made.
"""

from collections import Counter

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from models import Event, EventWorker, Signpost
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter
from pwa.reports.passes import once


def events_in_period(report_filter: ReportFilter):
    """Condition on Event: in the service, starting in the period, logged or run by the trainer."""
    conditions = [Event.service_id == report_filter.service_id, report_filter.moments(Event.starts_at)]
    if report_filter.trainer_id is not None:
        worked_at = exists().where(EventWorker.event_id == Event.id, EventWorker.person_id == report_filter.trainer_id)
        conditions.append(or_(Event.created_by_id == report_filter.trainer_id, worked_at))
    return conditions


def signposts_in_period(report_filter: ReportFilter):
    """Condition on Signpost: in the service, made in the period (by the trainer, if chosen).
    Signposts for clients and for anonymous people at events both count."""
    conditions = [Signpost.service_id == report_filter.service_id, report_filter.dates(Signpost.made_on)]
    if report_filter.trainer_id is not None:
        conditions.append(Signpost.by_id == report_filter.trainer_id)
    return conditions


def events_pass(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(event_type, quintile, events, people reached) for the events in the period: one GROUP BY
    serves activities by type, people reached and reach by venue quintile."""
    key = ("events by type and quintile", _key(report_filter))
    statement = (
        select(Event.event_type, Event.quintile, func.count(), func.coalesce(func.sum(Event.reached), 0))
        .where(*events_in_period(report_filter))
        .group_by(Event.event_type, Event.quintile)
    )
    return once(key, lambda: [tuple(row) for row in session.exec(statement).all()])


def signposts_pass(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(destination, result, signposts) for the signposts made in the period: one GROUP BY serves
    signposts by destination and what came of them."""
    key = ("signposts by destination and result", _key(report_filter))
    statement = (
        select(Signpost.destination, Signpost.result, func.count())
        .where(*signposts_in_period(report_filter))
        .group_by(Signpost.destination, Signpost.result)
    )
    return once(key, lambda: [tuple(row) for row in session.exec(statement).all()])


def _key(report_filter: ReportFilter) -> ReportFilter:
    """The filter without the fields these queries ignore."""
    return report_filter.with_changes(comparator="england", suppress=False, period="")


def _counts(rows, position: int, measure: int, blank: str | None = None) -> Counts:
    """Counts per value of one grouped column, adding up the measure column; blank (None or "")
    codes, when a name for them is given, count under it."""
    by_category: Counter = Counter()
    for row in rows:
        code = row[position]
        if blank and not code:
            code = blank
        by_category[code] += int(row[measure] or 0)
    return Counts(dict(by_category))


def activities_by_type(session: Session, report_filter: ReportFilter) -> Counts:
    """Events held in the period, by type."""
    return _counts(events_pass(session, report_filter), 0, 2)


def people_reached(session: Session, report_filter: ReportFilter) -> Counts:
    """People reached at events in the period, by type of event."""
    return _counts(events_pass(session, report_filter), 0, 3)


def reach_by_venue_quintile(session: Session, report_filter: ReportFilter) -> Counts:
    """People reached, by the deprivation quintile of the venue; venues with no quintile are unknown."""
    return _counts(events_pass(session, report_filter), 1, 3, "unknown")


def signposts_by_destination(session: Session, report_filter: ReportFilter) -> Counts:
    """Signposts and referrals made in the period, by kind of destination."""
    return _counts(signposts_pass(session, report_filter), 0, 2)


def follow_up_results(session: Session, report_filter: ReportFilter) -> Counts:
    """Signposts made in the period, by what came of them; no result yet is not_recorded."""
    return _counts(signposts_pass(session, report_filter), 1, 2, "not_recorded")
