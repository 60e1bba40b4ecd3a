"""The groups every report counts from, as SQL conditions and subqueries (never lists in Python).

- registered(f): clients of the service registered in the period (and of one trainer, if chosen).
- latest_episode(): each client's most recent episode, for eligibility, issue, signposting, exit.
"""

from sqlalchemy import and_, func
from sqlmodel import select

from models import Client, Episode
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
