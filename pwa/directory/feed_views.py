"""Our listings as an OpenActive RPDE feed of SessionSeries, for other tools (and for another
service's importer). Open to anyone once a service turns its public directory on.

- Items are ordered by (modified, id). `modified` is updated_at in whole microseconds since
  1970: exactly what is stored, so paging with afterTimestamp and afterId never repeats or skips.
- 50 items a page; the last page has no items and its `next` is itself.
- A closed listing is a "deleted" item with no data.
- Weeks on and off: 1 on n-1 off is published as repeatFrequency P{n}W; other patterns (3 on,
  1 off) as one P{n}W schedule per week on, each with its own startDate.
- Only what the public listing page shows: never staff notes, problems, signposts, marks, the
  contact's name, or anything about clients.
"""

import re
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy import and_, or_
from sqlmodel import select

from models import Listing, ListingTime, Service
from pwa import db
from pwa.directory import vocab
from pwa.directory.listing_store import times_of
from pwa.directory.schedule import DEFAULT_CYCLE_START, london_moment
from pwa.policy import public, public_directory_service

bp = Blueprint("open_data", __name__)

PAGE_SIZE = 50
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WHOLE_NUMBER = re.compile(r"^[0-9]{1,18}$")
DAY_URLS = tuple(f"https://schema.org/{day}" for day in vocab.WEEKDAYS.values())
GENDER = {"women_only": "https://openactive.io/FemaleOnly", "men_only": "https://openactive.io/MaleOnly"}
PRICE = re.compile(r"£\s*([0-9]+(?:\.[0-9]{1,2})?)")


def modified_of(listing: Listing) -> int:
    """updated_at as whole microseconds since 1970 (the feed's `modified`)."""
    return (listing.updated_at - EPOCH) // timedelta(microseconds=1)


def _json_error(message: str, status: int):
    return jsonify({"error": message, "status": status}), status


@bp.errorhandler(404)
def not_found(_error):
    return _json_error("There is no open data feed here.", 404)


def _after() -> tuple[tuple[datetime, int] | None, str | None]:
    """(updated_at, id) to page after, from afterTimestamp and afterId, or a message."""
    if "afterChangeNumber" in request.args:
        return None, "This feed pages with afterTimestamp and afterId, not afterChangeNumber."
    stamp, last_id = request.args.get("afterTimestamp"), request.args.get("afterId")
    if stamp is None and last_id is None:
        return None, None
    if stamp is None or last_id is None:
        return None, "Give both afterTimestamp and afterId, or neither."
    if not (WHOLE_NUMBER.match(stamp) and WHOLE_NUMBER.match(last_id)):
        return None, "afterTimestamp and afterId must be whole numbers, as in this feed's next links."
    try:
        moment = EPOCH + timedelta(microseconds=int(stamp))
    except OverflowError:
        return None, "afterTimestamp is too big to be a time in this feed."
    return (moment, int(last_id)), None


def _offers(listing: Listing) -> list[dict]:
    if listing.cost == "free":
        return [{"@type": "Offer", "price": 0, "priceCurrency": "GBP"}]
    prices = dict.fromkeys(float(found) for found in PRICE.findall(listing.price_text))
    return [{"@type": "Offer", "price": price, "priceCurrency": "GBP"} for price in prices]


def _category(code: str) -> str:
    return vocab.CATEGORIES.get(code, code)


def _clock(value) -> str:
    return value.strftime("%H:%M")


def _schedules(slot: ListingTime) -> list[dict]:
    """eventSchedule entries for a weekly time (see the module docstring for weeks on and off)."""
    base = {
        "@type": "PartialSchedule",
        "byDay": [DAY_URLS[slot.weekday]],
        "startTime": _clock(slot.starts_at),
        "endTime": _clock(slot.ends_at),
        "scheduleTimezone": "Europe/London",
    }
    if slot.until_date:
        base["endDate"] = slot.until_date.isoformat()
    weeks_on, weeks_off = max(slot.weeks_on, 1), max(slot.weeks_off, 0)
    if weeks_off == 0:
        starts = {"startDate": slot.from_date.isoformat()} if slot.from_date else {}
        return [{**base, "repeatFrequency": "P1W", **starts}]
    cycle = weeks_on + weeks_off
    anchor = slot.from_date or DEFAULT_CYCLE_START
    monday = anchor - timedelta(days=anchor.weekday())
    found = []
    for week in range(weeks_on):
        first: date = monday + timedelta(weeks=week, days=slot.weekday)
        if slot.from_date and first < slot.from_date:
            first += timedelta(weeks=cycle)
        if slot.until_date is None or first <= slot.until_date:
            found.append({**base, "repeatFrequency": f"P{cycle}W", "startDate": first.isoformat()})
    return found


def _one_off(slot: ListingTime) -> dict:
    return {
        "@type": "ScheduledSession",
        "startDate": london_moment(slot.on_date, slot.starts_at).isoformat(),
        "endDate": london_moment(slot.on_date, slot.ends_at).isoformat(),
    }


def as_session_series(listing: Listing, times: list[ListingTime], service: Service) -> dict:
    """One listing as an OpenActive SessionSeries (public fields only)."""
    page = url_for("directory.public_listing", slug=service.slug, listing_id=listing.id, _external=True)
    data = {
        "@context": "https://openactive.io/",
        "@type": "SessionSeries",
        "@id": page,
        "identifier": listing.id,
        "name": listing.name,
        "url": listing.website or page,
        "activity": [{"@type": "Concept", "prefLabel": _category(code)} for code in listing.categories],
        "isAccessibleForFree": listing.cost == "free",
    }
    if listing.description:
        data["description"] = listing.description
    organizer = {"telephone": listing.contact_phone, "email": listing.contact_email, "url": listing.website}
    organizer = {name: value for name, value in organizer.items() if value}
    if listing.organisation or organizer:
        data["organizer"] = {"@type": "Organization", "name": listing.organisation or listing.name, **organizer}
    address = {"streetAddress": listing.address, "postalCode": listing.postcode}
    address = {name: value for name, value in address.items() if value}
    place = {"@type": "Place", "name": listing.venue} if listing.venue else {"@type": "Place"}
    if address:
        place["address"] = {"@type": "PostalAddress", **address, "addressCountry": "GB"}
    if listing.latitude is not None and listing.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": listing.latitude, "longitude": listing.longitude}
    if len(place) > 1:
        data["location"] = place
    if offers := _offers(listing):
        data["offers"] = offers
    codes = set(listing.accessibility) - set(GENDER)
    support = [label for code, label in vocab.ACCESSIBILITY.items() if code in codes]
    if support:
        data["accessibilitySupport"] = [{"@type": "Concept", "prefLabel": label} for label in support]
    for code in listing.accessibility:
        if code in GENDER:
            data["genderRestriction"] = GENDER[code]
    if listing.languages:
        data["inLanguage"] = list(listing.languages)
    instructions = listing.how_to_go
    if listing.pathway == "referral" and "referral" not in instructions.lower():
        instructions = f"You need a referral to go. {instructions}".strip()
    if instructions:
        data["attendeeInstructions"] = instructions
    if listing.status == "paused":
        data["eventStatus"] = "https://schema.org/EventPostponed"
    weekly = [entry for slot in times if slot.weekday is not None for entry in _schedules(slot)]
    if weekly:
        data["eventSchedule"] = weekly
    one_offs = [_one_off(slot) for slot in times if slot.on_date is not None]
    if one_offs:
        data["subEvent"] = one_offs
    return data


def _item(listing: Listing, times: list[ListingTime], service: Service) -> dict:
    item = {"state": "updated", "kind": "SessionSeries", "id": listing.id, "modified": modified_of(listing)}
    if listing.status == "closed":
        item["state"] = "deleted"
    else:
        item["data"] = as_session_series(listing, times, service)
    return item


@bp.get("/services/<slug>/openactive/session-series")
@public
def session_series(slug: str):
    """One RPDE page of the service's listings as SessionSeries."""
    service = public_directory_service(slug)
    after, problem = _after()
    if problem:
        return _json_error(problem, 400)
    # Only our own listings: ones imported from other publishers are theirs to publish, under
    # their own licence.
    query = select(Listing).where(Listing.service_id == service.id, Listing.source == "local")
    if after:
        moment, last_id = after
        query = query.where(or_(Listing.updated_at > moment, and_(Listing.updated_at == moment, Listing.id > last_id)))
    session = db.session()
    listings = session.exec(query.order_by(Listing.updated_at, Listing.id).limit(PAGE_SIZE)).all()
    times = times_of(session, [listing.id for listing in listings])
    if listings:
        last = listings[-1]
        after_args = {"afterTimestamp": modified_of(last), "afterId": last.id}
    else:  # the last page points to itself
        after_args = {name: request.args[name] for name in ("afterTimestamp", "afterId") if name in request.args}
    body = {
        "next": url_for(".session_series", slug=slug, **after_args, _external=True),
        "items": [_item(listing, times[listing.id], service) for listing in listings],
        "license": LICENSE,
    }
    response = jsonify(body)
    response.headers["Access-Control-Allow-Origin"] = "*"
    # RPDE: a page with items will not change much; the last page gets new items any time.
    response.headers["Cache-Control"] = "public, max-age=300" if listings else "public, max-age=8"
    return response
