"""The live tally's rules: checking what a phone sends, and adding tally changes to an event.

A tally change is a few deltas, like {"reached": 1, "gender.female": 1}. Totals are never
negative, and the people counted in one breakdown (ages, genders...) never add up to more
than the people reached. Each change is stored once by its phone-made UUID, so a replay
changes nothing and two champions tallying one event simply add up.
"""

import re
import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, select, update

from models import Event, EventWorker, PostcodeArea, TallyChange
from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import district, normalise_postcode, quintile_from_decile
from pwa.clock import utcnow
from pwa.community.vocab import BREAKDOWNS, COUNTERS, EVENT_TYPES

MAX_DELTA = 500  # one change; a tap is 1, a late correction may be a few more
CLOCK_DRIFT = timedelta(minutes=5)
LATEST_START = timedelta(days=1)  # an event sent from a phone starts now, or soon
EARLIEST_START = timedelta(days=366)
LONGEST_EVENT = timedelta(hours=24)
DISTRICT_FORMAT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
# "The ages add up to 14, but you reached 12 people."
BREAKDOWN_NOUNS = {
    "gender": "genders",
    "age_band": "ages",
    "ethnicity_group": "ethnic groups",
    "postcode_district": "postcode areas",
}


def _is_uuid(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid_module.UUID(value)
    except ValueError:
        return False
    return True


def _aware(value) -> datetime | None:
    """An ISO 8601 moment with a time zone, in UTC; None when it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(utcnow().tzinfo)


def counter_label(key: str) -> str:
    """Words for a counter key: "People reached", "Gender: Female"."""
    if key in COUNTERS:
        return COUNTERS[key]
    dimension, _, choice = key.partition(".")
    label, choices = BREAKDOWNS.get(dimension, (dimension, {}))
    return f"{label}: {choices.get(choice, choice)}"


def check_counts(raw) -> Checked:
    """Deltas to add: known counters only, whole numbers, not all zero."""
    checked = Checked()
    if not isinstance(raw, dict) or not raw:
        checked.errors["counts"] = 'Send the counts to add, like {"reached": 1}.'
        return checked
    if len(raw) > 20:
        checked.errors["counts"] = "Send at most 20 counts in one change."
        return checked
    counts = {}
    for key, delta in raw.items():
        if not isinstance(key, str) or not _known_counter(key):
            checked.errors["counts"] = f"We do not count {str(key)[:40]!r}. Use a counter from the stall screen."
            return checked
        if isinstance(delta, bool) or not isinstance(delta, int):
            checked.errors["counts"] = f"{counter_label(key)}: the change must be a whole number, like 1 or -1."
            return checked
        if abs(delta) > MAX_DELTA:
            checked.errors["counts"] = f"{counter_label(key)}: change it by at most {MAX_DELTA} at a time."
            return checked
        if delta:
            counts[key] = delta
    if not counts:
        checked.errors["counts"] = "Every count in this change is 0: there is nothing to add."
    checked.values["counts"] = counts
    return checked


def _known_counter(key: str) -> bool:
    if key in COUNTERS:
        return True
    dimension, dot, choice = key.partition(".")
    if not dot or dimension not in BREAKDOWNS:
        return False
    if dimension == "postcode_district":
        return bool(DISTRICT_FORMAT.match(choice))
    return choice in BREAKDOWNS[dimension][1]


def totals_of(event: Event) -> dict:
    """The event's counters and breakdowns, as the stall shows them."""
    return {
        "counts": {key: getattr(event, key) or 0 for key in COUNTERS},
        "breakdowns": {dimension: dict(values) for dimension, values in (event.breakdowns or {}).items()},
    }


def add_counts(totals: dict, counts: dict) -> tuple[dict, str | None]:
    """The totals with the deltas added, or the reason they cannot be (nothing is changed)."""
    new = {
        "counts": dict(totals["counts"]),
        "breakdowns": {dimension: dict(values) for dimension, values in totals["breakdowns"].items()},
    }
    for key, delta in counts.items():
        if key in COUNTERS:
            new["counts"][key] = new["counts"].get(key, 0) + delta
            value = new["counts"][key]
        else:
            dimension, _, choice = key.partition(".")
            group = new["breakdowns"].setdefault(dimension, {})
            group[choice] = group.get(choice, 0) + delta
            value = group[choice]
        if value < 0:
            return totals, f"{counter_label(key)} cannot go below 0."
    reached = new["counts"]["reached"]
    for dimension, group in new["breakdowns"].items():
        counted = sum(group.values())
        if counted > reached:
            noun = BREAKDOWN_NOUNS.get(dimension, dimension)
            people = "1 person" if reached == 1 else f"{reached} people"
            return totals, f"The {noun} add up to {counted}, but you reached {people}."
    # Keep the stored breakdowns tidy: no zero rows, no empty groups.
    new["breakdowns"] = {
        dimension: {choice: value for choice, value in group.items() if value}
        for dimension, group in new["breakdowns"].items()
        if any(group.values())
    }
    return new, None


def _checked_object(raw: dict, what: str, fields: set[str], uuids: tuple[str, ...]) -> Checked:
    """The first checks of an object a phone sent: no fields but `fields` (the error is keyed by
    `what`), and the `uuids` fields hold UUIDs made on the phone (kept in lower case)."""
    checked = Checked()
    unknown = set(raw) - fields
    if unknown:
        checked.errors[what] = f"Unknown field: {sorted(unknown)[0][:40]}."
    for name in uuids:
        if not _is_uuid(raw.get(name)):
            checked.errors[name] = "This must be a UUID made on the phone."
        else:
            checked.values[name] = raw[name].lower()
    return checked


def check_tally(raw, *, now: datetime) -> Checked:
    """One tally change from a phone: {uuid, event_uuid, counts, recorded_at}."""
    if not isinstance(raw, dict):
        return Checked(errors={"tally": "Each tally change must be an object."})
    checked = _checked_object(raw, "tally", {"uuid", "event_uuid", "counts", "recorded_at"}, ("uuid", "event_uuid"))
    counts = check_counts(raw.get("counts"))
    checked.errors.update(counts.errors)
    checked.values["counts"] = counts.values.get("counts", {})
    recorded_at = now if raw.get("recorded_at") in (None, "") else _aware(raw.get("recorded_at"))
    if recorded_at is None:
        checked.errors["recorded_at"] = "Send the time as ISO 8601 with a time zone, like 2026-11-21T10:30:00Z."
    elif recorded_at > now + CLOCK_DRIFT:
        checked.errors["recorded_at"] = "This change is dated in the future. Check the phone's clock."
    elif recorded_at < now - EARLIEST_START:
        checked.errors["recorded_at"] = "This change is more than a year old."
    else:
        checked.values["recorded_at"] = recorded_at
    return checked


def check_event(raw, *, now: datetime) -> Checked:
    """A stall started on a phone: {uuid, event_type, title, venue, postcode, starts_at, ends_at}."""
    if not isinstance(raw, dict):
        return Checked(errors={"event": "Each event must be an object."})
    fields = {"uuid", "event_type", "title", "venue", "postcode", "starts_at", "ends_at"}
    checked = _checked_object(raw, "event", fields, ("uuid",))
    details = check_details(raw, now=now)
    checked.errors.update(details.errors)
    checked.values.update(details.values)
    starts_at, ends_at = _aware(raw.get("starts_at")), _aware(raw.get("ends_at"))
    if starts_at is None:
        checked.errors["starts_at"] = "Send the start as ISO 8601 with a time zone."
    elif starts_at > now + LATEST_START:
        checked.errors["starts_at"] = "This event starts too far in the future to be started from the stall."
    elif starts_at < now - EARLIEST_START:
        checked.errors["starts_at"] = "This event started more than a year ago."
    if ends_at is None:
        checked.errors["ends_at"] = "Send the end as ISO 8601 with a time zone."
    elif starts_at is not None and ends_at <= starts_at:
        checked.errors["ends_at"] = "The end must be after the start."
    elif starts_at is not None and ends_at - starts_at > LONGEST_EVENT:
        checked.errors["ends_at"] = "An event from the stall lasts at most 24 hours."
    if not checked.errors.keys() & {"starts_at", "ends_at"}:
        checked.values.update(starts_at=starts_at, ends_at=ends_at)
    return checked


def check_details(raw, *, now: datetime) -> Checked:
    """Type, title, venue and postcode, shared by the start form and the sync API."""
    checked = Checked()
    event_type = raw.get("event_type") or "stall"
    if event_type not in EVENT_TYPES:
        checked.errors["event_type"] = "Choose what kind of event it is."
    else:
        checked.values["event_type"] = event_type
    title = raw.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        checked.errors["title"] = 'Give the event a short name, like "Stall at the market".'
    elif len(title) > 120:
        checked.errors["title"] = "Keep the name to 120 letters or fewer."
    else:
        checked.values["title"] = title
    venue = raw.get("venue") if isinstance(raw.get("venue"), str) else ""
    if len(venue.strip()) > 120:
        checked.errors["venue"] = "Keep the place to 120 letters or fewer."
    else:
        checked.values["venue"] = venue.strip()
    postcode = normalise_postcode(raw.get("postcode") if isinstance(raw.get("postcode"), str) else "")
    if postcode is None:
        checked.errors["postcode"] = "Type a UK postcode, like FE1 2AB, or leave it empty."
    else:
        checked.values["postcode"] = postcode
    return checked


def place_event(session: Session, event: Event) -> None:
    """Fill the district, ward and quintile from the postcode lookup (never typed in)."""
    area = session.get(PostcodeArea, event.postcode) if event.postcode else None
    event.postcode_district = district(event.postcode)
    event.ward_code = area.ward_code if area else ""
    event.ward_name = area.ward_name if area else ""
    event.quintile = quintile_from_decile(area.imd_decile) if area else "unknown"


def planned_hours(starts_at: datetime, ends_at: datetime) -> float:
    """The event's length in hours, to the nearest quarter hour."""
    return round((ends_at - starts_at).total_seconds() / 900) / 4


def join_event(session: Session, event: Event, person_id: int, hours: float = 0.0) -> None:
    """Put the person down as running the event (once), so it shows in their lists."""
    found = session.exec(
        select(EventWorker).where(EventWorker.event_id == event.id, EventWorker.person_id == person_id)
    ).first()
    if found is None:
        session.add(EventWorker(event_id=event.id, person_id=person_id, hours=hours))


@dataclass
class Applied:
    status: str  # created, duplicate, rejected
    error: str | None = None


def apply_tally(
    session: Session,
    event: Event,
    *,
    uuid: str,
    counts: dict,
    person_id: int,
    recorded_at: datetime,
    retry: bool = True,
) -> Applied:
    """Add one change to the event in its own transaction, with the event row locked.

    The row lock makes a second champion's change wait and then add to the new totals; the
    UUID primary key makes a replay (even one racing this one) a duplicate.
    """
    if session.get(TallyChange, uuid) is not None:
        return Applied("duplicate")
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no FOR UPDATE, and its driver begins a transaction only at the first
        # write: write first, so the read below happens under the database's write lock.
        session.exec(update(Event).where(Event.id == event.id).values(updated_at=utcnow()))
    locked = session.exec(
        select(Event).where(Event.id == event.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if session.get(TallyChange, uuid) is not None:
        session.rollback()  # sent again while the first one waited for the lock
        return Applied("duplicate")
    new, error = add_counts(totals_of(locked), counts)
    if error:
        session.rollback()
        return Applied("rejected", error)
    try:
        join_event(session, locked, person_id)
        for key, value in new["counts"].items():
            setattr(locked, key, value)
        locked.breakdowns = new["breakdowns"]
        flag_modified(locked, "breakdowns")
        locked.updated_at = utcnow()
        session.add(
            TallyChange(uuid=uuid, event_id=locked.id, counts=counts, recorded_by_id=person_id, recorded_at=recorded_at)
        )
        session.commit()
    except IntegrityError:
        session.rollback()  # the same change arrived from another request a moment ago
        if session.get(TallyChange, uuid) is not None:
            return Applied("duplicate")
        if not retry:
            raise
        # The same person joined the event from another request: now they are on it, go again.
        return apply_tally(
            session, event, uuid=uuid, counts=counts, person_id=person_id, recorded_at=recorded_at, retry=False
        )
    return Applied("created")


def tap_counts(totals: dict, key: str, delta: int) -> dict:
    """What one + or - tap on the stall screen adds. A breakdown "+" (say Female) counts one
    more person reached when that breakdown already covers everyone reached: tapping a
    person's gender and then their age counts them once, and breakdowns never pass reached."""
    if key in COUNTERS or delta < 0:
        return {key: delta}
    dimension = key.partition(".")[0]
    counted = sum(totals["breakdowns"].get(dimension, {}).values())
    if counted >= totals["counts"]["reached"]:
        return {"reached": delta, key: delta}
    return {key: delta}
