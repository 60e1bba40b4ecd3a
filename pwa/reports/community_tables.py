"""Community tables: events, people reached and signposts, by activity date. Champions may see
these (counts only).

Events count by the London day they start on; signposts by the day they were made. With a
trainer chosen: events the trainer logged or worked at, and signposts the trainer made.
"""

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from models import Event, EventWorker, Signpost
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter


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


def _grouped(session: Session, group, measure, conditions, blank: str | None = None) -> Counts:
    """One GROUP BY; blank (None or "") codes, when a name for them is given, count under it."""
    rows = session.exec(select(group, measure).where(*conditions).group_by(group)).all()
    by_category: dict[str, int] = {}
    for code, value in rows:
        if blank and not code:
            code = blank
        by_category[code] = by_category.get(code, 0) + int(value or 0)
    return Counts(by_category)


def activities_by_type(session: Session, report_filter: ReportFilter) -> Counts:
    """Events held in the period, by type."""
    return _grouped(session, Event.event_type, func.count(), events_in_period(report_filter))


def people_reached(session: Session, report_filter: ReportFilter) -> Counts:
    """People reached at events in the period, by type of event."""
    return _grouped(session, Event.event_type, func.sum(Event.reached), events_in_period(report_filter))


def reach_by_venue_quintile(session: Session, report_filter: ReportFilter) -> Counts:
    """People reached, by the deprivation quintile of the venue; venues with no quintile are unknown."""
    return _grouped(session, Event.quintile, func.sum(Event.reached), events_in_period(report_filter), "unknown")


def signposts_by_destination(session: Session, report_filter: ReportFilter) -> Counts:
    """Signposts and referrals made in the period, by kind of destination."""
    return _grouped(session, Signpost.destination, func.count(), signposts_in_period(report_filter))


def follow_up_results(session: Session, report_filter: ReportFilter) -> Counts:
    """Signposts made in the period, by what came of them; no result yet is not_recorded."""
    return _grouped(session, Signpost.result, func.count(), signposts_in_period(report_filter), "not_recorded")
