"""Searching the directory: check the search words and choices, then find the service's running
listings that fit, with how far away they are and when they next run.

Three queries whatever the number of listings: the listings (service, status, "free only" and a
box round the place when a distance is chosen, in SQL), then all their times. Categories,
accessibility, days and words are checked in Python: they live in JSON lists and times.
These two read only the columns the search needs, as plain rows (times as SearchTime tuples,
quicker to read in the next-session loop): making hundreds of whole ORM objects was most of a
search's time (bench/directory_bench.py). The third loads the whole listings of the results shown.
"""

import math
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from models import Listing, ListingTime, PostcodeArea
from pwa.caseload.postcodes import district, normalise_postcode
from pwa.directory import schedule, vocab
from pwa.directory.places import Place, distance_miles, find_place

Q_MAX = 60
POSTCODE_MAX = 10
# At most this many results are listed; the count still says how many fit.
LIST_LIMIT = 100
# Miles per degree of latitude, and of longitude at the equator (longitude shrinks by cos(lat)).
MILES_PER_DEGREE = 69.05
# What the search reads to pick and order listings (whole listings only for the ones shown).
PICK_COLUMNS = (
    Listing.id, Listing.name, Listing.organisation, Listing.description, Listing.categories,
    Listing.accessibility, Listing.latitude, Listing.longitude,
)  # fmt: skip
TIME_COLUMNS = (
    ListingTime.listing_id, ListingTime.weekday, ListingTime.on_date, ListingTime.starts_at, ListingTime.ends_at,
    ListingTime.weeks_on, ListingTime.weeks_off, ListingTime.from_date, ListingTime.until_date,
)  # fmt: skip
# A listing's time as the search reads it (schedule.TimeLike).
SearchTime = namedtuple("SearchTime", [column.key for column in TIME_COLUMNS[1:]])
EXAMPLE_DISTRICT = "FE1"
NEAR_YOU = "you"


@dataclass
class SearchRequest:
    """What was asked for, tidied. Choices that are not on the form are dropped quietly."""

    q: str = ""
    postcode: str = ""
    lat: float | None = None
    long: float | None = None
    category: str = ""
    day: int | None = None
    time: str = ""
    free: bool = False
    access: list[str] = field(default_factory=list)
    within: str = ""
    sort: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def near_me(self) -> bool:
        """Searching near the phone's position ("near me"), not a postcode."""
        return self.lat is not None and self.long is not None and not self.postcode

    @property
    def has_when(self) -> bool:
        return self.day is not None or bool(self.time)

    @property
    def has_more_choices(self) -> bool:
        """Something is chosen under "More choices" (the form then shows them open)."""
        # Not the order: the form always sends it.
        return self.has_when or self.free or bool(self.access) or bool(self.within)

    def form_values(self) -> dict:
        """Values for the form fields, as the form macros expect them."""
        return {
            "q": self.q,
            "postcode": self.postcode,
            "lat": "" if self.lat is None else f"{self.lat:g}",
            "long": "" if self.long is None else f"{self.long:g}",
            "category": self.category,
            "day": "" if self.day is None else str(self.day),
            "time": self.time,
            "free": "yes" if self.free else "",
            "access": self.access,
            "within": self.within,
            "sort": self.sort,
        }


def _getlist(raw: Mapping, name: str) -> list[str]:
    if hasattr(raw, "getlist"):
        return [value for value in raw.getlist(name) if isinstance(value, str)]
    value = raw.get(name)
    return value if isinstance(value, list) else ([value] if isinstance(value, str) else [])


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _number(text: str, low: float, high: float) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def check_search(raw: Mapping) -> SearchRequest:
    """Tidy the search's address parameters. A position that is not a real latitude and
    longitude is an error; whether the postcode is known is checked by find_listings."""
    found = SearchRequest()
    found.q = _text(raw, "q")[:Q_MAX]
    found.postcode = _text(raw, "postcode")[:POSTCODE_MAX].upper()
    lat_text, long_text = _text(raw, "lat"), _text(raw, "long")
    if (lat_text or long_text) and not found.postcode:
        found.lat, found.long = _number(lat_text, -90, 90), _number(long_text, -180, 180)
        if found.lat is None or found.long is None:
            found.lat = found.long = None
            found.errors["postcode"] = "We could not use your position. Type your postcode instead."
    category = _text(raw, "category")
    found.category = category if category in vocab.CATEGORIES else ""
    day = _text(raw, "day")
    found.day = int(day) if day.isdigit() and int(day) in vocab.WEEKDAYS else None
    time_of_day = _text(raw, "time")
    found.time = time_of_day if time_of_day in vocab.TIMES_OF_DAY else ""
    found.free = _text(raw, "free").lower() in ("yes", "on", "true", "1")
    found.access = [code for code in vocab.ACCESSIBILITY if code in set(_getlist(raw, "access"))]
    within = _text(raw, "within")
    found.within = within if within in vocab.DISTANCES else ""
    sort = _text(raw, "sort")
    found.sort = sort if sort in vocab.SORTS else ""
    return found


@dataclass
class Found:
    """One listing that fits, with what the results show about it. `listing` is the whole Listing
    for the results shown; for the rest, a row of PICK_COLUMNS. `times` are SearchTimes."""

    listing: Listing
    times: list
    next_start: datetime | None
    miles: float | None

    @property
    def miles_label(self) -> str:
        if self.miles is None:
            return ""
        return "1 mile" if round(self.miles, 1) == 1 else f"{self.miles:.1f} miles"


@dataclass
class SearchResult:
    request: SearchRequest
    place: Place | None = None
    found: list[Found] = field(default_factory=list)
    sort: str = "next"  # the order used: "distance" only when there is a place

    @property
    def errors(self) -> dict[str, str]:
        return self.request.errors

    @property
    def shown(self) -> list[Found]:
        return self.found[:LIST_LIMIT]

    @property
    def near_label(self) -> str:
        """Where distances are from: a postcode, a district, or "you"."""
        return self.place.label if self.place else ""

    @property
    def count_text(self) -> str:
        """ "4 places found near FE1 2AB", for the results' status line ("" when there is an error)."""
        if self.errors:
            return ""
        total = len(self.found)
        words = "No places found" if total == 0 else f"{total} {'place' if total == 1 else 'places'} found"
        return f"{words} near {self.near_label}" if self.place else words


def unknown_postcode_message(session: Session, service_id: int, typed: str) -> str:
    """What to say when the postcode is not known, with a district to try: the typed one if we
    know it, else one of the service's listings', else the demo district."""
    example = ""
    typed_postcode = normalise_postcode(typed)
    if typed_postcode:
        outward = district(typed_postcode)
        if session.exec(select(PostcodeArea.postcode).where(PostcodeArea.postcode.startswith(f"{outward} "))).first():
            example = outward
    if not example:
        postcode = session.exec(
            select(Listing.postcode)
            .where(Listing.service_id == service_id, Listing.postcode != "")
            .order_by(Listing.id)
            .limit(1)
        ).first()
        example = district(postcode) if postcode else EXAMPLE_DISTRICT
    return f"We do not know that postcode. Check it, or try just the first part, like {example}."


def locate(session: Session, service_id: int, request: SearchRequest) -> Place | None:
    """The place to measure from: the postcode (an error by the field if unknown) or "near me"."""
    if request.postcode:
        place = find_place(session, request.postcode)
        if place is None:
            request.errors["postcode"] = unknown_postcode_message(session, service_id, request.postcode)
        return place
    if request.near_me:
        return Place(request.lat, request.long, NEAR_YOU)
    return None


def _listing_query(service_id: int, request: SearchRequest, place: Place | None):
    query = select(*PICK_COLUMNS).where(Listing.service_id == service_id, Listing.status == "active")
    if request.free:
        query = query.where(Listing.cost == "free")
    if place and request.within:
        # A box a little bigger than the circle: cheap in SQL; the exact distance is checked after.
        miles = float(request.within) * 1.01
        lat_span = miles / MILES_PER_DEGREE
        long_span = miles / (MILES_PER_DEGREE * max(math.cos(math.radians(place.latitude)), 0.01))
        query = query.where(
            Listing.latitude.between(place.latitude - lat_span, place.latitude + lat_span),
            Listing.longitude.between(place.longitude - long_span, place.longitude + long_span),
        )
    return query.order_by(Listing.name, Listing.id)


def _times_by_listing(session: Session, ids: list[int]) -> dict[int, list]:
    """Each listing's times as SearchTimes, in one query, ordered by day and start."""
    found: dict[int, list] = {listing_id: [] for listing_id in ids}
    if ids:
        rows = session.exec(
            select(*TIME_COLUMNS)
            .where(ListingTime.listing_id.in_(ids))
            .order_by(ListingTime.on_date, ListingTime.weekday, ListingTime.starts_at, ListingTime.id)
        ).all()
        for listing_id, *values in rows:
            found[listing_id].append(SearchTime(*values))
    return found


def _words_fit(listing, words: list[str]) -> bool:
    labels = " ".join(vocab.CATEGORIES.get(code, "") for code in listing.categories or [])
    haystack = f"{listing.name} {listing.organisation} {listing.description} {labels}".casefold()
    return all(word in haystack for word in words)


def _times_that_fit(times: list, request: SearchRequest) -> list:
    """The times on the chosen day (a one-off date counts on its weekday) starting in the chosen
    part of the day."""
    if not request.has_when:
        return times
    first_hour, end_hour = vocab.TIMES_OF_DAY[request.time][1:] if request.time else (0, 24)
    fit = []
    for slot in times:
        weekday = slot.on_date.weekday() if slot.on_date is not None else slot.weekday
        if request.day is not None and weekday != request.day:
            continue
        if first_hour <= slot.starts_at.hour < end_hour:
            fit.append(slot)
    return fit


def find_listings(session: Session, service_id: int, request: SearchRequest, now: datetime) -> SearchResult:
    """The service's running listings that fit the search, in the order asked for."""
    place = locate(session, service_id, request)
    result = SearchResult(request=request, place=place)
    result.sort = "distance" if place and request.sort != "next" else "next"
    if request.errors:
        return result
    listings = session.exec(_listing_query(service_id, request, place)).all()
    all_times = _times_by_listing(session, [listing.id for listing in listings])
    words = request.q.casefold().split()
    categories = {request.category} if request.category else set()
    access = set(request.access)
    within = float(request.within) if place and request.within else None
    for listing in listings:
        if categories and not categories & set(listing.categories or []):
            continue
        if access and not access <= set(listing.accessibility or []):
            continue
        if words and not _words_fit(listing, words):
            continue
        times = _times_that_fit(all_times[listing.id], request)
        next_start = schedule.next_occurrence(times, now)
        # With a day or time chosen, only listings with such a session still to come fit ("ask"
        # listings have no times, so they fit only when no day or time is chosen).
        if request.has_when and next_start is None:
            continue
        miles = None
        if place and listing.latitude is not None and listing.longitude is not None:
            miles = distance_miles(place.latitude, place.longitude, listing.latitude, listing.longitude)
        if within is not None and (miles is None or miles > within):
            continue
        result.found.append(Found(listing, all_times[listing.id], next_start, miles))
    result.found.sort(key=_distance_order if result.sort == "distance" else _next_order)
    shown = result.shown
    if shown:
        ids = [found.listing.id for found in shown]
        whole = {listing.id: listing for listing in session.exec(select(Listing).where(Listing.id.in_(ids))).all()}
        for found in shown:
            found.listing = whole[found.listing.id]
    return result


def _distance_order(found: Found):
    # Listings without a position (phone or online services) come last, then soonest, then name.
    return (found.miles is None, found.miles or 0.0, *_next_order(found))


def _next_order(found: Found):
    # Listings with nothing coming up ("ask", or no dates left) come last.
    start = found.next_start.timestamp() if found.next_start else 0.0
    return (found.next_start is None, start, found.miles if found.miles is not None else math.inf, found.listing.name)
