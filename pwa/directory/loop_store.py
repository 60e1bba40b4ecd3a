"""Saving and reading marks ("I'm interested", "I went") and signposts made from listings."""

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from models import Client, Listing, ListingMark, Signpost
from pwa.caseload.checked import Checked
from pwa.caseload.signpost_store import new_signpost
from pwa.directory.loop_rules import DONE_SHOWN


def add_mark(session: Session, listing: Listing, client: Client, kind: str, on: date) -> bool:
    """Store a mark once per listing, client, kind and day. False when it was already there
    (a second tap, or a replayed form, changes nothing)."""
    existing = session.exec(
        select(ListingMark.id).where(
            ListingMark.listing_id == listing.id,
            ListingMark.client_id == client.id,
            ListingMark.kind == kind,
            ListingMark.marked_on == on,
        )
    ).first()
    if existing is not None:
        return False
    session.add(
        ListingMark(service_id=listing.service_id, listing_id=listing.id, client_id=client.id, kind=kind, marked_on=on)
    )
    try:
        session.commit()
    except IntegrityError:  # the same tap arrived twice at once: the other one saved it
        session.rollback()
        return False
    return True


def remove_interest(session: Session, listing: Listing, client: Client) -> None:
    """Take back "I'm interested" (every day it was said)."""
    session.exec(
        delete(ListingMark).where(
            ListingMark.listing_id == listing.id,
            ListingMark.client_id == client.id,
            ListingMark.kind == "interested",
        )
    )
    session.commit()


def marks_of(session: Session, listing_id: int, client_id: int) -> list[ListingMark]:
    """The client's marks on one listing, newest day first."""
    return list(
        session.exec(
            select(ListingMark)
            .where(ListingMark.listing_id == listing_id, ListingMark.client_id == client_id)
            .order_by(ListingMark.marked_on.desc(), ListingMark.id.desc())
        ).all()
    )


def add_listing_signpost(
    session: Session, listing: Listing, client: Client | None, episode_id: int | None, checked: Checked, by_id: int
) -> Signpost:
    """A signpost to a listing, for a client (in their open episode) or someone not registered.
    Flushed, not committed, so the caller's audit row lands in the same commit."""
    values = checked.values
    signpost = new_signpost(
        values,
        service_id=listing.service_id,
        client_id=client.id if client else None,
        episode_id=episode_id,
        by_id=by_id,
        listing_id=listing.id,
        person_label="" if client else values["person_label"],
    )
    session.add(signpost)
    session.flush()
    return signpost


def signposts_by(session: Session, service_id: int, person_id: int) -> list[Signpost]:
    """Signposts the person made in the service: every open one, and the latest done ones."""
    mine = (Signpost.service_id == service_id, Signpost.by_id == person_id)
    open_ones = session.exec(select(Signpost).where(*mine, Signpost.result.is_(None))).all()
    done = session.exec(
        select(Signpost)
        .where(*mine, Signpost.result.is_not(None))
        .order_by(Signpost.result_on.desc(), Signpost.id.desc())
        .limit(DONE_SHOWN)
    ).all()
    return [*open_ones, *done]


def due_signposts_by(session: Session, service_id: int, person_id: int, today: date) -> list[Signpost]:
    """The person's signposts to follow up today or already overdue, oldest first."""
    return list(
        session.exec(
            select(Signpost)
            .where(
                Signpost.service_id == service_id,
                Signpost.by_id == person_id,
                Signpost.result.is_(None),
                Signpost.follow_up_on <= today,
            )
            .order_by(Signpost.follow_up_on, Signpost.id)
        ).all()
    )


def client_names(session: Session, client_ids) -> dict[int, str]:
    """Full names of some clients, in one query (only call it with clients the actor may see)."""
    ids = {client_id for client_id in client_ids if client_id}
    if not ids:
        return {}
    return dict(session.exec(select(Client.id, Client.full_name).where(Client.id.in_(ids))).all())
