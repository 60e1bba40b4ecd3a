"""The groups every report counts from, as SQL conditions and subqueries (never lists in Python).

- registered(f): clients of the service registered in the period (and of one trainer, if chosen).
- is_latest_episode(): each client's most recent episode, for eligibility, issue, signposting, exit
  (cohort_with_latest_episode joins it per cohort client: an index lookup on (client_id, number)).
- pass_key(name, f): the key of a shared aggregate pass (passes.once) over the filter's fields.
- goals_query(f, ...): goals of the service set in the period (and of the trainer's clients).
"""

from sqlalchemy import and_, exists
from sqlalchemy.orm import aliased
from sqlmodel import select

from models import Client, Episode, Goal
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


def pass_key(name: str, report_filter: ReportFilter) -> tuple:
    """The key of a shared pass (passes.once): its name and the filter, without the fields no
    query reads (comparator, suppression, the preset's name)."""
    return name, report_filter.with_changes(comparator="england", suppress=False, period="")


def is_latest_episode():
    """Condition on Episode: no later episode (higher number) of the same client. Per client it is
    an index lookup on ix_episodes_client_number, never a pass over every episode."""
    later = aliased(Episode)
    return ~exists().where(later.client_id == Episode.client_id, later.number > Episode.number)


def cohort_with_latest_episode(report_filter: ReportFilter, *columns):
    """select(*columns) over the clients registered in the period, each with their latest
    episode joined as Episode (outer join: clients with no episode have NULL Episode columns)."""
    return (
        select(*columns)
        .select_from(Client)
        .outerjoin(Episode, and_(Episode.client_id == Client.id, is_latest_episode()))
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
