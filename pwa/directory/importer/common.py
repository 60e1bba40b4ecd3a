"""What both feed formats share: the plan an import makes, and feed words turned into ours
(categories, cost, accessibility, pathway, times, dates, lengths). Pure: no database, no network.

Categories come from words, so the rules are simple and written down here (and in the README):
a category matches when one of its words starts a word in the feed's activity or taxonomy names
("walk" matches "Walking football"); when those names match nothing, the item's name and
description are tried; when nothing matches, the item is broken ("no category we know").
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from models import Listing
from pwa.caseload.postcodes import LATITUDES, LONGITUDES, normalise_postcode

# Category -> words that start a word in the feed's names, checked in this order.
CATEGORY_WORDS = (
    ("walking_groups", ("walk",)),
    ("food_bank", ("food bank", "food")),
    ("debt_money", ("debt", "money", "benefit")),
    ("housing", ("housing", "homeless")),
    ("employment_training", ("employ", "job", "skills")),
    ("stop_smoking", ("smok",)),
    ("alcohol_support", ("alcohol", "drug")),
    ("mental_wellbeing", ("mental", "wellbeing")),
    ("befriending", ("befriend", "social", "lonel")),
    ("volunteering", ("volunteer",)),
    ("carers", ("carer",)),
    ("cooking_courses", ("cook", "eat")),
    ("sport_swimming", ("swim", "sport", "football")),
    ("exercise_classes", ("yoga", "exercise", "fitness", "class", "pilates", "aerobic")),
    ("dance", ("danc",)),
    ("cycling", ("cycl", "bike")),
    ("gardening", ("garden", "allotment")),
    ("weight_management", ("weight",)),
    ("health_services", ("health service", "nhs", "gp", "clinic", "pharmac")),
)
# Accessibility code -> words that start a word in the feed's accessibility text.
ACCESS_WORDS = (
    ("step_free", ("step-free", "step free", "wheelchair", "level access", "ramp")),
    ("hearing_loop", ("hearing loop", "induction loop")),
    ("accessible_toilet", ("toilet",)),
    ("bsl", ("sign language", "bsl")),
    ("parking", ("parking",)),
    ("near_bus", ("bus stop", "bus route")),
    ("children_welcome", ("children welcome", "child friendly", "family friendly")),
    ("quiet", ("quiet",)),
    ("women_only", ("women only", "female only")),
    ("men_only", ("men only", "male only")),
)
LOW_COST_UP_TO = 5  # pounds: a price at or below this is "low cost"
UNKNOWN_PRICE = "Ask about the cost"
NO_REFERRAL = re.compile(
    r"\b(no|without)\b.{0,25}\breferr|\breferral\b.{0,15}\bnot\b.{0,10}\b(needed|required|necessary)|\bself[- ]?refer",
    re.IGNORECASE | re.DOTALL,
)
NEEDS_REFERRAL = re.compile(r"\breferr(al|ed)\b", re.IGNORECASE)
CLOCK = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?$")
MAX_EVERY_WEEKS = 12  # "every 12 weeks" is the longest gap the listing form allows too
MAX_ID_LENGTH = 300  # listings.source_id and listing_times.source_id
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "monday" and the iCal "mo" (Open Referral's byday) -> 0.
DAY_WORDS = {word: number for number, name in enumerate(DAY_NAMES) for word in (name, name[:2])}
# Language codes feeds use (IETF), for the languages our services meet most.
LANGUAGE_CODES = {
    "en": "English", "cy": "Welsh", "gd": "Gaelic", "pl": "Polish", "ro": "Romanian", "ur": "Urdu",
    "pa": "Punjabi", "bn": "Bengali", "gu": "Gujarati", "hi": "Hindi", "ta": "Tamil", "ar": "Arabic",
    "so": "Somali", "ti": "Tigrinya", "ku": "Kurdish", "fa": "Persian", "tr": "Turkish", "pt": "Portuguese",
    "es": "Spanish", "fr": "French", "it": "Italian", "lt": "Lithuanian", "lv": "Latvian", "ru": "Russian",
    "uk": "Ukrainian", "zh": "Chinese", "yue": "Cantonese", "bfi": "British Sign Language",
}  # fmt: skip


class FeedError(Exception):
    """The feed as a whole cannot be read (unreachable, not JSON, not the format asked for)."""


@dataclass
class Broken:
    """An item that cannot be imported, and why (plain sentences)."""

    kind: str
    item_id: str
    reasons: list[str]

    def line(self) -> str:
        return f"{self.kind} {self.item_id}: {' '.join(self.reasons)}"


@dataclass
class ListingChange:
    """A listing to create or update (its values and its own times), or to close (values None)."""

    source_id: str
    modified: str
    values: dict | None
    times: list[dict] = field(default_factory=list)


@dataclass
class SessionChange:
    """A one-off session to put on its series' listing, or to take off (time None)."""

    source_id: str
    series_id: str | None
    modified: str
    time: dict | None


@dataclass
class Plan:
    """Everything a feed asks for, checked item by item. Applying it is run.py's job."""

    source: str
    listings: list[ListingChange] = field(default_factory=list)
    sessions: list[SessionChange] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    skipped: int = 0  # items of a kind we do not import (FacilityUse, Slot...)


# --- Words ------------------------------------------------------------------------------------


def _starts_a_word(word: str, text: str) -> bool:
    return re.search(r"\b" + re.escape(word), text, re.IGNORECASE) is not None


def categories_from(names: list[str], fallback: list[str] = ()) -> list[str]:
    """Our categories for the feed's activity or taxonomy names; if none match, for the fallback
    texts (name and description). An empty list means no category we know."""
    for texts in (names, fallback):
        text = " | ".join(part for part in texts if part)
        found = [code for code, words in CATEGORY_WORDS if any(_starts_a_word(word, text) for word in words)]
        if found:
            return found
    return []


def accessibility_from(texts: list[str]) -> list[str]:
    """Accessibility codes for the feed's words ("Wheelchair accessible" -> step_free)."""
    text = " | ".join(part for part in texts if part)
    return [code for code, words in ACCESS_WORDS if any(_starts_a_word(word, text) for word in words)]


def pathway_from(texts: list[str]) -> str:
    """The pathway: "referral" when the words say one is needed, otherwise "signpost" (just go)."""
    for text in texts:
        if text and NEEDS_REFERRAL.search(text) and not NO_REFERRAL.search(text):
            return "referral"
    return "signpost"


def pounds(amount: float) -> str:
    """3.5 -> "£3.50", 3 -> "£3"."""
    return f"£{amount:.0f}" if amount == int(amount) else f"£{amount:.2f}"


def prices_from(raws: list) -> tuple[list[float], list[str]]:
    """Prices in pounds from the feed's price values, and the reasons for any that is not one."""
    prices, reasons = [], []
    for raw in raws:
        price, problem = price_number(raw)
        reasons += [problem] if problem else []
        prices += [price] if price is not None else []
    return prices, reasons


def cost_from(prices: list[float], free: bool) -> tuple[str, str]:
    """(cost band, price text) from the prices a feed gives. Free when it says so or the lowest
    price is 0; low cost up to £5; no price at all is "paid" with "Ask about the cost"."""
    if free or (prices and min(prices) == 0):
        return "free", ""
    if not prices:
        return "paid", UNKNOWN_PRICE
    low, high = min(prices), max(prices)
    text = pounds(low) if low == high else f"{pounds(low)} to {pounds(high)}"
    return ("low_cost" if low <= LOW_COST_UP_TO else "paid"), text


def price_number(raw) -> tuple[float | None, str | None]:
    """A price in pounds from a number or text like "3.50", or the reason it is not one."""
    if isinstance(raw, bool):
        return None, f"the price {raw!r} is not a number."
    try:
        value = float(str(raw).replace("£", "").strip())
    except ValueError:
        return None, f"the price {raw!r} is not a number."
    if not 0 <= value < 100000:
        return None, f"the price {raw!r} is not a price we understand."
    return value, None


def text_of(value) -> str:
    """A feed value as tidy one-line text ("" for anything that is not text or a number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return " ".join(str(value).split())


def as_list(value) -> list:
    """Feeds give one thing or a list of them: always a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def long_text(value) -> str:
    """Feed text that may have paragraphs: each line tidied, at most one blank line between."""
    if not isinstance(value, str):
        return text_of(value)
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def label_of(value) -> str:
    """The words of a Concept ({"prefLabel": "Yoga"}), a named thing, or plain text."""
    if isinstance(value, dict):
        return text_of(value.get("prefLabel") or value.get("name") or value.get("label"))
    return text_of(value)


def language_name(value) -> str:
    """A language as people say it: "pl" or "pl-PL" -> "Polish"; a name is kept as written."""
    text = label_of(value)
    code = text.lower().split("-")[0]
    if len(code) <= 3 and code in LANGUAGE_CODES:
        return LANGUAGE_CODES[code]
    return text[:1].upper() + text[1:]


def weekday_of(value) -> int | None:
    """0 (Monday) .. 6 from "https://schema.org/Monday", "schema:Monday", "Monday" or "MO"."""
    text = text_of(value)
    word = re.split(r"[/:#]", text)[-1].strip().lower()
    return DAY_WORDS.get(word)


def check_weekdays(days: list, field: str, where: str) -> tuple[list[int | None], list[str]]:
    """The weekday of each of a schedule's days (field names them in the feed), and the reasons
    when there are none or one is not a day we know."""
    weekdays = [weekday_of(day) for day in days]
    reasons = [] if days else [f"{where}: it has no {field}, so we do not know which day it runs."]
    unknown = [day for day, weekday in zip(days, weekdays, strict=True) if weekday is None]
    return weekdays, reasons + [f"{where}: {field} {day!r} is not a day we know." for day in unknown]


def join_address(*parts) -> str:
    return ", ".join(text for text in (text_of(part) for part in parts) if text)


# --- Times, dates and places --------------------------------------------------------------------


def clock_time(raw) -> time | None:
    """A time of day from "10:00" or "10:00:00" (seconds are dropped), or None."""
    match = CLOCK.match(raw.strip()) if isinstance(raw, str) else None
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def feed_date(raw) -> date | None:
    """A date from "2025-05-01" (or the date part of a date and time), or None."""
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None


def check_times(starts, ends, where: str) -> tuple[tuple[time, time] | None, list[str]]:
    """Start and end times, or reasons: both must be real times and the end after the start."""
    start, end = clock_time(starts), clock_time(ends)
    reasons = []
    if start is None:
        reasons.append(f"{where}: the start time {starts!r} is not a time like 10:00.")
    if end is None:
        reasons.append(f"{where}: the end time {ends!r} is not a time like 11:00.")
    if start and end and end <= start:
        reasons.append(f"{where}: the end time {end:%H:%M} is not after the start time {start:%H:%M}.")
    return (None if reasons else (start, end)), reasons


def check_date_range(starts, ends, where: str) -> tuple[date | None, date | None, list[str]]:
    """Optional first and last dates: real dates, and the last not before the first."""
    reasons = []
    first, last = feed_date(starts), feed_date(ends)
    if starts not in (None, "") and first is None:
        reasons.append(f"{where}: the start date {starts!r} is not a date like 2025-05-01.")
    if ends not in (None, "") and last is None:
        reasons.append(f"{where}: the end date {ends!r} is not a date like 2025-05-01.")
    if first and last and last < first:
        reasons.append(f"{where}: the end date {last} is before the start date {first}.")
    return first, last, reasons


def weekly_time(weekday: int, span: tuple[time, time], every: int, first: date | None, last: date | None) -> dict:
    """ListingTime values for a slot on one weekday every `every` weeks."""
    return {
        "weekday": weekday,
        "on_date": None,
        "starts_at": span[0],
        "ends_at": span[1],
        "weeks_on": 1,
        "weeks_off": every - 1,
        "from_date": first,
        "until_date": last,
        "source_id": None,
    }


def one_off_time(day: date, span: tuple[time, time], source_id: str | None) -> dict:
    """ListingTime values for one date."""
    return {
        "weekday": None,
        "on_date": day,
        "starts_at": span[0],
        "ends_at": span[1],
        "weeks_on": 1,
        "weeks_off": 0,
        "from_date": None,
        "until_date": None,
        "source_id": source_id,
    }


def check_postcode(raw) -> tuple[str, str | None]:
    """A normalised postcode ("" when none), or the reason it is not one."""
    if raw in (None, ""):
        return "", None
    postcode = normalise_postcode(raw) if isinstance(raw, str) else None
    if postcode is None:
        return "", f"the postcode {raw!r} is not a UK postcode."
    return postcode, None


def check_position(latitude, longitude) -> tuple[tuple[float | None, float | None], str | None]:
    """A position in Great Britain or Northern Ireland from the feed, (None, None) when it gives
    none, or the reason it cannot be right."""
    if latitude in (None, "") and longitude in (None, ""):
        return (None, None), None
    try:
        lat, long = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return (None, None), f"the position {latitude!r}, {longitude!r} is not two numbers."
    if not (LATITUDES[0] <= lat <= LATITUDES[1] and LONGITUDES[0] <= long <= LONGITUDES[1]):
        return (None, None), f"the position {lat}, {long} is not in the UK."
    return (lat, long), None


def check_lengths(values: dict) -> list[str]:
    """Reasons for any text longer than the listing can keep (we never cut text short)."""
    reasons = []
    for name, value in values.items():
        column = Listing.__table__.c.get(name)
        limit = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and limit and len(value) > limit:
            words = name.replace("_", " ")
            reasons.append(f"the {words} is {len(value)} characters long; the most we keep is {limit}.")
    return reasons


def check_listing(values: dict) -> list[str]:
    """Reasons the listing values cannot be kept: text too long, or no category we know."""
    reasons = check_lengths(values)
    if not values["categories"]:
        reasons.append("no category we know (see the README for the words we match).")
    return reasons


def stamp(raw) -> str:
    """A feed's modified value as text, for listing.source_modified."""
    return text_of(raw)[:40]


def modified_order(raw) -> tuple:
    """Sort key for RPDE `modified`: whole numbers by value, anything else as text after them."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return (0, raw, "")
    text = text_of(raw)
    if text.isdigit():
        return (0, int(text), "")
    return (1, 0, text)


def parse_datetime(raw) -> datetime | None:
    """An ISO 8601 date and time ("2025-05-06T10:00:00+01:00" or "...Z"), or None."""
    if not isinstance(raw, str) or "T" not in raw:
        return None
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
