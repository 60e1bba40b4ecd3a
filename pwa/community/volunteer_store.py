"""Reading and saving volunteers' records: hours (given at events and outside them), training,
qualifications and role changes. Everything is kept per service."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from models import Event, EventWorker, Person, Qualification, RoleChange, RoleGrant, TrainingRecord, VolunteerHours
from pwa.clock import london_day_bounds, london_today, to_london
from pwa.community.volunteer_rules import EXPIRES_SOON, month_start, year_start
from pwa.roles import Role

VOLUNTEER_ROLES = (Role.CHAMPION.value, Role.TRAINEE.value)


@dataclass
class HoursRow:
    on_date: date
    hours: float
    what: str
    event_id: int | None = None  # set for hours at a logged event


@dataclass
class Totals:
    month: float = 0.0
    year: float = 0.0
    all_time: float = 0.0

    def add(self, month: float, year: float, all_time: float) -> None:
        self.month += float(month or 0)
        self.year += float(year or 0)
        self.all_time += float(all_time or 0)


@dataclass
class VolunteerRecord:
    person: Person
    hours: list[HoursRow]
    totals: Totals
    training: list[TrainingRecord]
    qualifications: list[Qualification]
    role_changes: list[RoleChange]


@dataclass
class VolunteerSummary:
    """One line of the manager's list."""

    person: Person
    roles: list[str] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    training_count: int = 0
    expiring: int = 0  # qualifications running out within the next 60 days


def hours_totals(session: Session, service_id: int, person_ids: list[int], now: datetime) -> dict[int, Totals]:
    """Hours this month, this year and all time per person: event hours (events already begun)
    plus other hours, in two grouped queries."""
    today = london_today(now)
    month_from, year_from = month_start(today), year_start(today)
    totals = {person_id: Totals() for person_id in person_ids}
    if not person_ids:
        return totals
    month_at, year_at = london_day_bounds(month_from)[0], london_day_bounds(year_from)[0]
    at_events = session.exec(
        select(
            EventWorker.person_id,
            func.sum(case((Event.starts_at >= month_at, EventWorker.hours), else_=0)),
            func.sum(case((Event.starts_at >= year_at, EventWorker.hours), else_=0)),
            func.sum(EventWorker.hours),
        )
        .join(Event, Event.id == EventWorker.event_id)
        .where(Event.service_id == service_id, Event.starts_at <= now, EventWorker.person_id.in_(person_ids))
        .group_by(EventWorker.person_id)
    ).all()
    other = session.exec(
        select(
            VolunteerHours.person_id,
            func.sum(case((VolunteerHours.on_date >= month_from, VolunteerHours.hours), else_=0)),
            func.sum(case((VolunteerHours.on_date >= year_from, VolunteerHours.hours), else_=0)),
            func.sum(VolunteerHours.hours),
        )
        .where(VolunteerHours.service_id == service_id, VolunteerHours.person_id.in_(person_ids))
        .group_by(VolunteerHours.person_id)
    ).all()
    for person_id, month, year, all_time in [*at_events, *other]:
        totals[person_id].add(month, year, all_time)
    return totals


def hours_rows(session: Session, service_id: int, person_id: int, now: datetime) -> list[HoursRow]:
    """Every stretch of hours, newest first: events worked at (already begun) and other time."""
    events = session.exec(
        select(Event.id, Event.title, Event.starts_at, EventWorker.hours)
        .join(EventWorker, EventWorker.event_id == Event.id)
        .where(Event.service_id == service_id, EventWorker.person_id == person_id, Event.starts_at <= now)
    ).all()
    rows = [
        HoursRow(to_london(starts_at).date(), hours, title, event_id) for event_id, title, starts_at, hours in events
    ]
    other = session.exec(
        select(VolunteerHours).where(VolunteerHours.service_id == service_id, VolunteerHours.person_id == person_id)
    ).all()
    rows += [HoursRow(row.on_date, row.hours, row.activity) for row in other]
    return sorted(rows, key=lambda row: row.on_date, reverse=True)


def record_of(session: Session, service_id: int, person: Person, now: datetime) -> VolunteerRecord:
    """A volunteer's whole record in one service."""

    def rows(model, *order):
        query = select(model).where(model.service_id == service_id, model.person_id == person.id)
        return list(session.exec(query.order_by(*order)).all())

    return VolunteerRecord(
        person=person,
        hours=hours_rows(session, service_id, person.id, now),
        totals=hours_totals(session, service_id, [person.id], now)[person.id],
        training=rows(TrainingRecord, TrainingRecord.on_date.desc(), TrainingRecord.id.desc()),
        qualifications=rows(Qualification, Qualification.awarded_on.desc(), Qualification.id.desc()),
        role_changes=rows(RoleChange, RoleChange.on_date.desc(), RoleChange.id.desc()),
    )


def volunteers_of(session: Session, service_id: int, now: datetime) -> list[VolunteerSummary]:
    """The service's champions and trainees with their hours, training and expiring qualifications."""
    found = session.exec(
        select(Person, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_(VOLUNTEER_ROLES))
        .order_by(Person.display_name, Person.id)
    ).all()
    people: dict[int, VolunteerSummary] = {}
    for person, role in found:
        people.setdefault(person.id, VolunteerSummary(person)).roles.append(role)
    ids = list(people)
    if not ids:
        return []
    for person_id, totals in hours_totals(session, service_id, ids, now).items():
        people[person_id].totals = totals
    training = session.exec(
        select(TrainingRecord.person_id, func.count())
        .where(TrainingRecord.service_id == service_id, TrainingRecord.person_id.in_(ids))
        .group_by(TrainingRecord.person_id)
    ).all()
    for person_id, count in training:
        people[person_id].training_count = count
    today = london_today(now)
    expiring = session.exec(
        select(Qualification.person_id, func.count())
        .where(
            Qualification.service_id == service_id,
            Qualification.person_id.in_(ids),
            Qualification.expires_on >= today,
            Qualification.expires_on <= today + EXPIRES_SOON,
        )
        .group_by(Qualification.person_id)
    ).all()
    for person_id, count in expiring:
        people[person_id].expiring = count
    return list(people.values())


def add_record(session: Session, kind: str, service_id: int, person_id: int, values: dict, by_id: int) -> None:
    """Save one checked record of the given kind."""
    mine = {"service_id": service_id, "person_id": person_id}
    if kind == "hours":
        row = VolunteerHours(**mine, on_date=values["hours_on"], hours=values["hours"], activity=values["activity"])
    elif kind == "training":
        row = TrainingRecord(
            **mine,
            theme=values["theme"],
            title=values["training_title"],
            provider=values["provider"],
            on_date=values["training_on"],
        )
    elif kind == "qualification":
        row = Qualification(
            **mine,
            title=values["qualification_title"],
            awarded_on=values["awarded_on"],
            expires_on=values["expires_on"],
        )
    else:
        row = RoleChange(
            **mine,
            from_stage=values["from_stage"],
            to_stage=values["to_stage"],
            on_date=values["changed_on"],
            note=values["note"],
            recorded_by_id=by_id,
        )
    session.add(row)
    session.commit()
