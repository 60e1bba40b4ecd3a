"""The groups every report counts from, as SQL conditions and subqueries (never lists in Python).

- registered(f): clients of the service registered in the period (and of one trainer, if chosen).
- latest_episode(): each client's most recent episode, for eligibility, issue, signposting, exit.
- goals_query(f, ...): goals of the service set in the period (and of the trainer's clients).
- ranked_measures(): one measure per group, the first or last by date, with a window function.
"""

from sqlalchemy import and_, func
from sqlmodel import select

from models import Client, Episode, Goal, Measure
from pwa.reports.filters import ReportFilter


def registered(report_filter: ReportFilter):
    """Condition on Client: in the service, registered in the period, on the trainer's caseload."""
    conditions = [
        Client.service_id == report_filter.service_id,
        Client.registered_on.is_not(None),
        report_filter.dates(Client.registered_on),
    ]
    if report_filter.trainer_id is not None:
        conditions.append(Client.trainer_id == report_filter.trainer_id)
    return and_(*conditions)


def latest_episode():
    """A subquery of (client_id, episode_id) naming each client's latest episode."""
    newest = select(Episode.client_id, func.max(Episode.number).label("number")).group_by(Episode.client_id).subquery()
    return (
        select(Episode.client_id.label("client_id"), Episode.id.label("episode_id"))
        .join(newest, and_(newest.c.client_id == Episode.client_id, newest.c.number == Episode.number))
        .subquery()
    )


def cohort_with_latest_episode(report_filter: ReportFilter, *columns):
    """select(*columns) over the clients registered in the period, each with their latest
    episode joined as Episode (outer join: clients with no episode have NULL Episode columns)."""
    latest = latest_episode()
    return (
        select(*columns)
        .select_from(Client)
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(Episode, Episode.id == latest.c.episode_id)
        .where(registered(report_filter))
    )


def goals_set(report_filter: ReportFilter):
    """Condition on Goal: in the service and set in the period (the trainer filter needs a join:
    use goals_query)."""
    return and_(Goal.service_id == report_filter.service_id, report_filter.dates(Goal.start_date))


def goals_query(report_filter: ReportFilter, *columns):
    """select(*columns) over the goals set in the period, of the trainer's clients if one is chosen."""
    query = select(*columns).select_from(Goal).where(goals_set(report_filter))
    if report_filter.trainer_id is not None:
        query = query.join(Client, Client.id == Goal.client_id).where(Client.trainer_id == report_filter.trainer_id)
    return query


def ranked_measures(service_id: int, instrument: str, stage: str, partition, *, last: bool = False):
    """A subquery of the service's measures of one instrument and stage with a column "rank":
    1 for the first measure of each partition (by taken_on, then id), or the last when last=True.
    partition: Measure.client_id or Measure.episode_id. Columns: id, client_id, episode_id, value, rank."""
    order = (Measure.taken_on.desc(), Measure.id.desc()) if last else (Measure.taken_on, Measure.id)
    return (
        select(
            Measure.id,
            Measure.client_id,
            Measure.episode_id,
            Measure.value,
            func.row_number().over(partition_by=partition, order_by=order).label("rank"),
        )
        .where(Measure.service_id == service_id, Measure.instrument == instrument, Measure.stage == stage)
        .subquery()
    )
