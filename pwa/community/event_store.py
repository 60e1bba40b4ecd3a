"""Saving events with their workers, placing them from the postcode lookup, and reading what
came of them (signposts made there, clients who registered after hearing of us there)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from models import Client, Event, EventWorker, Partner, Person, PostcodeArea, RoleGrant, Signpost
from pwa.caseload.postcodes import UNKNOWN, district, quintile_from_decile
from pwa.clock import london_day_bounds, london_today, to_london, utcnow
from pwa.community import vocab
from pwa.roles import ROLE_LABELS, STAFF_ROLES, Role

EVENT_FIELDS = ("event_type", "title", "starts_at", "ends_at", "venue", "postcode", "partner_ids", "topics",
                "breakdowns", "notes", *vocab.COUNTERS)  # fmt: skip


def place_event(session: Session, event: Event) -> None:
    """District, ward and deprivation quintile of the event's postcode, from the lookup."""
    area = session.get(PostcodeArea, event.postcode) if event.postcode else None
    event.postcode_district = district(event.postcode)
    event.ward_code = area.ward_code if area else ""
    event.ward_name = area.ward_name if area else ""
    event.quintile = quintile_from_decile(area.imd_decile) if area else UNKNOWN


def save_event(
    session: Session, event: Event, values: Mapping, workers: Iterable[tuple[int, float]], *, commit: bool = True
) -> Event:
    """Copy checked values onto the event and replace its workers, all in one transaction
    (commit=False leaves the commit to the caller, as the demo loader does for all it adds)."""
    try:
        for name in EVENT_FIELDS:
            setattr(event, name, values[name])
        place_event(session, event)
        event.updated_at = utcnow()
        session.add(event)
        session.flush()
        for old in session.exec(select(EventWorker).where(EventWorker.event_id == event.id)).all():
            session.delete(old)
        session.flush()
        for person_id, hours in workers:
            session.add(EventWorker(event_id=event.id, person_id=person_id, hours=hours))
        session.flush()
        if commit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return event


def event_by_uuid(session: Session, event_uuid: str) -> Event | None:
    return session.exec(select(Event).where(Event.uuid == event_uuid)).first()


# --- Choices for the form ------------------------------------------------------------------


def staff_choices(session: Session, service_id: int, keep: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(person id, "Name (role)") for the champions, trainees, trainers and managers of the
    service, by name; people in `keep` (already on the event) stay even if they left."""
    staff = [role.value for role in STAFF_ROLES]
    rows = session.exec(
        select(Person.id, Person.display_name, Person.is_disabled, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_(staff))
    ).all()
    keep = set(keep)
    people: dict[int, tuple[str, list[str]]] = {}
    for person_id, name, disabled, role in rows:
        if disabled and person_id not in keep:
            continue
        people.setdefault(person_id, (name, []))[1].append(ROLE_LABELS[Role(role)].lower())
    return sorted(
        ((person_id, f"{name} ({', '.join(sorted(roles))})") for person_id, (name, roles) in people.items()),
        key=lambda item: item[1].lower(),
    )


def partner_choices(session: Session, service_id: int, keep: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(partner id, name) of the service's partners in use, plus any already on the event."""
    keep = list(keep)
    in_use = Partner.is_active.is_(True)
    if keep:
        in_use = in_use | Partner.id.in_(keep)
    rows = session.exec(
        select(Partner.id, Partner.name).where(Partner.service_id == service_id, in_use).order_by(Partner.name)
    ).all()
    return [(partner_id, name) for partner_id, name in rows]


def partner_names(session: Session, event: Event) -> list[str]:
    if not event.partner_ids:
        return []
    rows = session.exec(
        select(Partner.name)
        .where(Partner.service_id == event.service_id, Partner.id.in_(event.partner_ids))
        .order_by(Partner.name)
    )
    return list(rows.all())


# --- What the event page shows -------------------------------------------------------------


def workers_of(session: Session, event_id: int) -> list[tuple[EventWorker, str]]:
    """Who ran the event and their hours, by name."""
    rows = session.exec(
        select(EventWorker, Person.display_name)
        .join(Person, Person.id == EventWorker.person_id)
        .where(EventWorker.event_id == event_id)
        .order_by(Person.display_name)
    )
    return list(rows.all())


@dataclass
class SignpostsAt:
    total: int
    where: list[tuple[str, str, int]]  # (destination code, organisation name, how many)


def signposts_at(session: Session, event: Event) -> SignpostsAt:
    """Signposting records made at the event, counted by where to (never who)."""
    rows = session.exec(
        select(Signpost.destination, Signpost.destination_name, func.count())
        .where(Signpost.event_id == event.id, Signpost.service_id == event.service_id)
        .group_by(Signpost.destination, Signpost.destination_name)
        .order_by(func.count().desc(), Signpost.destination_name)
    ).all()
    where = [(code, name, count) for code, name, count in rows]
    return SignpostsAt(total=sum(count for _, _, count in where), where=where)


def registered_from(session: Session, event: Event) -> list[Client]:
    """Clients of the service who heard about us at the event, oldest registration first."""
    rows = session.exec(
        select(Client)
        .where(Client.service_id == event.service_id, Client.heard_at_event_id == event.id)
        .order_by(Client.registered_on, Client.id)
    )
    return list(rows.all())


def heard_event_options(session: Session, service_id: int, keep: int | None = None, limit: int = 100):
    """(event id, "3 March 2025: Stall at the market") for the registration form: the service's
    events up to the end of today, most recent first (and the one already chosen)."""
    _, end_of_today = london_day_bounds(london_today())
    query = (
        select(Event.id, Event.title, Event.starts_at)
        .where(Event.service_id == service_id, Event.starts_at < end_of_today)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    )
    rows = list(session.exec(query).all())
    if keep and keep not in {row[0] for row in rows}:
        kept = session.exec(
            select(Event.id, Event.title, Event.starts_at).where(Event.id == keep, Event.service_id == service_id)
        ).first()
        rows += [kept] if kept else []
    return [(event_id, f"{to_london(starts):%-d %B %Y}: {title}") for event_id, title, starts in rows]


def event_in_service(session: Session, service_id: int, event_id: int | None) -> bool:
    """True when the event is one of the service's (for checking a chosen event)."""
    if event_id is None:
        return False
    event = session.get(Event, event_id)
    return event is not None and event.service_id == service_id
