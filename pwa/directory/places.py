"""Where things are: a postcode (or just its district, like "FE1") to a position from the
service's postcode lookup, and the distance between two positions in miles."""

import math
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from models import PostcodeArea
from pwa.caseload.postcodes import POSTCODE_FORMAT, normalise_postcode

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str  # what to show: "FE1 2AB", or "FE1" for a whole district


def distance_miles(a_lat: float, a_long: float, b_lat: float, b_long: float) -> float:
    """Great-circle (haversine) distance: straight-line miles, as the crow flies."""
    lat1, lat2 = math.radians(a_lat), math.radians(b_lat)
    d_lat, d_long = lat2 - lat1, math.radians(b_long - a_long)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_long / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def _is_district(text: str) -> bool:
    # An outward code alone ("FE1", "W10", "SW1A") is a full postcode's start: try it with a
    # made-up inward code that the format accepts.
    return 2 <= len(text) <= 4 and bool(POSTCODE_FORMAT.match(f"{text}1AA"))


def find_place(session: Session, raw: str) -> Place | None:
    """A full postcode from the lookup, or the middle of a district's known postcodes. None when
    the text is not a postcode or the lookup does not know it."""
    postcode = normalise_postcode(raw)
    if postcode:
        area = session.get(PostcodeArea, postcode)
        if area is not None and area.latitude is not None and area.longitude is not None:
            return Place(area.latitude, area.longitude, postcode)
        return None
    text = "".join(ch for ch in str(raw or "").upper() if ch.isalnum())
    if not _is_district(text):
        return None
    middle = session.exec(
        select(func.avg(PostcodeArea.latitude), func.avg(PostcodeArea.longitude)).where(
            PostcodeArea.postcode.startswith(f"{text} "), PostcodeArea.latitude.is_not(None)
        )
    ).one()
    if middle[0] is None:
        return None
    return Place(float(middle[0]), float(middle[1]), text)
