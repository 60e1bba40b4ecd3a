"""Saving listings and their times. Database work only; checking happens before (listing_rules
for the form, the importer for feeds)."""

from collections.abc import Iterable, Mapping

from sqlmodel import Session, select

from models import Listing, ListingTime
from pwa.clock import utcnow
from pwa.directory.places import find_place

# Listing fields a form or a feed may set (the rest are bookkeeping).
LISTING_FIELDS = (
    "name", "description", "categories", "organisation", "venue", "address", "postcode", "schedule_kind",
    "schedule_note", "cost", "price_text", "eligibility", "accessibility", "languages", "contact_name",
    "contact_phone", "contact_email", "website", "how_to_go", "pathway", "status", "last_reviewed_on",
    "staff_notes", "latitude", "longitude", "source", "source_id", "source_modified",
)  # fmt: skip
TIME_FIELDS = (
    "weekday",
    "on_date",
    "starts_at",
    "ends_at",
    "weeks_on",
    "weeks_off",
    "from_date",
    "until_date",
    "source_id",
)


def times_of(session: Session, listing_ids: Iterable[int]) -> dict[int, list[ListingTime]]:
    """Each listing's times in one query, ordered by day and start."""
    ids = list(listing_ids)
    found: dict[int, list[ListingTime]] = {listing_id: [] for listing_id in ids}
    if not ids:
        return found
    rows = session.exec(
        select(ListingTime)
        .where(ListingTime.listing_id.in_(ids))
        .order_by(ListingTime.on_date, ListingTime.weekday, ListingTime.starts_at, ListingTime.id)
    ).all()
    for row in rows:
        found[row.listing_id].append(row)
    return found


def save_listing(
    session: Session,
    listing: Listing,
    values: Mapping,
    times: Iterable[Mapping] | None,
    by_id: int | None,
    *,
    commit: bool = True,
) -> Listing:
    """Copy checked values onto the listing and replace its times (None keeps them).

    The position comes from the postcode lookup when the postcode is known there; values that
    carry latitude and longitude (an imported feed) win. Nothing is committed if commit=False,
    so an import can save many listings in one transaction.
    """
    for name in LISTING_FIELDS:
        if name in values:
            setattr(listing, name, values[name])
    if "latitude" not in values or values.get("latitude") is None:
        place = find_place(session, listing.postcode) if listing.postcode else None
        listing.latitude, listing.longitude = (place.latitude, place.longitude) if place else (None, None)
    now = utcnow()
    listing.updated_at = now
    listing.updated_by_id = by_id
    if listing.id is None:
        listing.created_by_id = by_id
        listing.created_at = now
    session.add(listing)
    session.flush()
    if times is not None:
        for old in session.exec(select(ListingTime).where(ListingTime.listing_id == listing.id)).all():
            session.delete(old)
        session.flush()
        for time_values in times:
            fields = {name: time_values[name] for name in TIME_FIELDS if name in time_values}
            session.add(ListingTime(listing_id=listing.id, **fields))
    if commit:
        session.commit()
    return listing
