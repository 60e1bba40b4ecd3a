"""What a champion's home page shows: my activities coming up and just done, and this month's
totals. A few grouped queries, never one per event. Registrations are counted, never named."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from models import Client, Event, EventWorker, Signpost
from pwa.clock import london_day_bounds, london_today

SHOWN = 5


@dataclass
class MonthTotals:
    activities: int = 0
    reached: int = 0
    signposts: int = 0
    registrations: int = 0


@dataclass
class ChampionHome:
    upcoming: list[Event] = field(default_factory=list)  # happening now or later, soonest first
    recent: list[Event] = field(default_factory=list)  # over, newest first
    registered_from: dict[int, int] = field(default_factory=dict)  # event id -> clients registered from it
    month: MonthTotals = field(default_factory=MonthTotals)


def _mine(service_id: int, person_id: int):
    """Where-clause for the events the person logged or helped run."""
    worked = select(EventWorker.event_id).where(EventWorker.person_id == person_id)
    return and_(Event.service_id == service_id, or_(Event.created_by_id == person_id, Event.id.in_(worked)))


def _registered_this_month(month_from: date, month_at: datetime):
    """A client registered this month (or, with no registration day yet, added this month)."""
    return or_(
        Client.registered_on >= month_from,
        and_(Client.registered_on.is_(None), Client.created_at >= month_at),
    )


def champion_home(session: Session, service_id: int, person_id: int, now: datetime) -> ChampionHome:
    """The champion's upcoming and recent events and this month's totals."""
    mine = _mine(service_id, person_id)
    home = ChampionHome()
    home.upcoming = list(
        session.exec(select(Event).where(mine, Event.ends_at > now).order_by(Event.starts_at, Event.id).limit(SHOWN))
    )
    home.recent = list(
        session.exec(
            select(Event)
            .where(mine, Event.ends_at <= now)
            .order_by(Event.starts_at.desc(), Event.id.desc())
            .limit(SHOWN)
        )
    )
    shown_ids = [event.id for event in [*home.upcoming, *home.recent]]
    if shown_ids:
        home.registered_from = dict(
            session.exec(
                select(Client.heard_at_event_id, func.count())
                .where(Client.service_id == service_id, Client.heard_at_event_id.in_(shown_ids))
                .group_by(Client.heard_at_event_id)
            ).all()
        )

    month_from = london_today(now).replace(day=1)
    month_at = london_day_bounds(month_from)[0]
    activities, reached = session.exec(
        select(func.count(Event.id), func.coalesce(func.sum(Event.reached), 0)).where(
            mine, Event.starts_at >= month_at, Event.starts_at <= now
        )
    ).one()
    signposts = session.exec(
        select(func.count(Signpost.id)).where(
            Signpost.service_id == service_id, Signpost.by_id == person_id, Signpost.made_on >= month_from
        )
    ).one()
    my_events = select(Event.id).where(mine)
    registrations = session.exec(
        select(func.count(Client.id)).where(
            Client.service_id == service_id,
            Client.heard_at_event_id.in_(my_events),
            _registered_this_month(month_from, month_at),
        )
    ).one()
    home.month = MonthTotals(int(activities), int(reached), int(signposts), int(registrations))
    return home
