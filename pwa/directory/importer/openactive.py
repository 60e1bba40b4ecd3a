"""OpenActive items (from RPDE pages) checked and turned into listing changes. Pure: the pages are
read by run.py.

- A SessionSeries is a listing: its eventSchedule gives weekly times, its subEvent one-off dates.
- A ScheduledSession is one date on its series' listing; its RPDE id is kept on that time so a
  later "deleted" item takes it off again. (One-off dates inside a series' subEvent belong to the
  series and are replaced whenever the series is.)
- When one id appears more than once, the item with the latest `modified` wins.
- Only these two kinds are imported; items of other kinds (FacilityUse, Slot...) are counted as
  skipped.
"""

import re
from datetime import date, datetime, time, timedelta

from pwa.clock import LONDON
from pwa.directory.importer.common import (
    MAX_EVERY_WEEKS,
    MAX_ID_LENGTH,
    Broken,
    ListingChange,
    Plan,
    SessionChange,
    accessibility_from,
    as_list,
    categories_from,
    check_date_range,
    check_listing,
    check_position,
    check_postcode,
    check_times,
    check_weekdays,
    cost_from,
    join_address,
    label_of,
    language_name,
    long_text,
    modified_order,
    one_off_time,
    parse_datetime,
    pathway_from,
    prices_from,
    stamp,
    text_of,
    weekly_time,
)

SERIES, SESSION = "SessionSeries", "ScheduledSession"
EVERY_WEEKS = re.compile(r"^P([0-9]{1,2})W$")
DURATION = re.compile(r"^PT(?:([0-9]{1,2})H)?(?:([0-9]{1,4})M)?$")


def _kind(item: dict) -> str:
    data = item.get("data")
    if item.get("state") == "updated" and isinstance(data, dict):
        return text_of(data.get("@type") or data.get("type") or item.get("kind"))
    return text_of(item.get("kind"))


def _gender_codes(raw) -> list[str]:
    text = text_of(raw).lower()
    if text.endswith("femaleonly"):
        return ["women_only"]
    if text.endswith("maleonly"):
        return ["men_only"]
    return []


def _ages(raw) -> str:
    """ageRange {minValue, maxValue} in words: "Ages 18 and over", "Ages 16 to 25"."""
    if not isinstance(raw, dict):
        return ""
    low, high = raw.get("minValue"), raw.get("maxValue")
    low = low if isinstance(low, int) and not isinstance(low, bool) and low > 0 else None
    high = high if isinstance(high, int) and not isinstance(high, bool) and high > 0 else None
    if low and high:
        return f"Ages {low} to {high}"
    if low:
        return f"Ages {low} and over"
    return f"Ages up to {high}" if high else ""


def _schedule_times(schedule, where: str) -> tuple[list[dict], list[str]]:
    """Weekly ListingTime values from one eventSchedule entry, or reasons."""
    if not isinstance(schedule, dict):
        return [], [f"{where} is not a schedule."]
    reasons = []
    frequency = text_of(schedule.get("repeatFrequency"))
    match = EVERY_WEEKS.match(frequency)
    every = int(match.group(1)) if match else 0
    if not 1 <= every <= MAX_EVERY_WEEKS:
        reasons.append(f"{where}: repeatFrequency {frequency!r} is not weekly; we import P1W to P{MAX_EVERY_WEEKS}W.")
    weekdays, problems = check_weekdays(as_list(schedule.get("byDay")), "byDay", where)
    reasons += problems
    span, problems = check_times(schedule.get("startTime"), schedule.get("endTime"), where)
    first, last, more = check_date_range(schedule.get("startDate"), schedule.get("endDate"), where)
    reasons += problems + more
    if every > 1 and first is None and not more:
        reasons.append(f"{where}: it runs every {every} weeks but has no startDate, so we cannot tell which weeks.")
    if reasons:
        return [], reasons
    times = []
    for weekday in dict.fromkeys(weekdays):
        # Weeks on and off count from the week of from_date, so start the run on the first
        # session itself (OpenActive's first session is the first byDay on or after startDate).
        starts = first + timedelta(days=(weekday - first.weekday()) % 7) if first and every > 1 else first
        times.append(weekly_time(weekday, span, every, starts, last))
    return times, []


def _london(moment: datetime) -> datetime:
    # A time with no offset is taken as London wall-clock time.
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)


def _minute(moment: datetime) -> time:
    return moment.time().replace(second=0, microsecond=0)


def session_time(data: dict, where: str) -> tuple[tuple[date, tuple[time, time]] | None, list[str]]:
    """The London date, start and end of one session (startDate with endDate or duration)."""
    start = parse_datetime(data.get("startDate"))
    if start is None:
        return None, [f"{where}: startDate {data.get('startDate')!r} is not a date and time like 2025-05-06T10:00:00Z."]
    end = parse_datetime(data.get("endDate"))
    if end is None:
        match = DURATION.match(text_of(data.get("duration")))
        if not match or not any(match.groups()):
            return None, [f"{where} needs an endDate (or a duration like PT1H) after its startDate."]
        end = start + timedelta(hours=int(match.group(1) or 0), minutes=int(match.group(2) or 0))
    start, end = _london(start), _london(end)
    if end <= start:
        return None, [f"{where} ends ({data.get('endDate')}) before it starts ({data.get('startDate')})."]
    if end.date() != start.date():
        return None, [f"{where} ends on a different day from the one it starts on."]
    return (start.date(), (_minute(start), _minute(end))), []


def check_session_series(data) -> tuple[dict | None, list[dict], list[str]]:
    """A SessionSeries as (listing values, its own times) or (None, [], reasons)."""
    if not isinstance(data, dict):
        return None, [], ["it has no data."]
    reasons = []
    name, description = text_of(data.get("name")), long_text(data.get("description"))
    if not name:
        reasons.append("it has no name.")
    activities = [label_of(activity) for activity in as_list(data.get("activity"))]
    categories = categories_from(activities, [name, description])
    place = data.get("location") if isinstance(data.get("location"), dict) else {}
    address = place.get("address")
    if isinstance(address, dict):
        street = join_address(address.get("streetAddress"), address.get("addressLocality"))
        postcode, problem = check_postcode(address.get("postalCode"))
    else:
        street, (postcode, problem) = text_of(address), ("", None)
    geo = place.get("geo") if isinstance(place.get("geo"), dict) else {}
    (latitude, longitude), where_problem = check_position(geo.get("latitude"), geo.get("longitude"))
    reasons += [reason for reason in (problem, where_problem) if reason]
    organizer = data.get("organizer") if isinstance(data.get("organizer"), dict) else {}
    offers = [offer for offer in as_list(data.get("offers")) if isinstance(offer, dict)]
    prices, problems = prices_from([offer["price"] for offer in offers if offer.get("price") is not None])
    reasons += problems
    cost, price_text = cost_from(prices, data.get("isAccessibleForFree") is True)
    access_words = [label_of(support) for support in as_list(data.get("accessibilitySupport"))]
    how_to_go = long_text(data.get("attendeeInstructions") or data.get("meetingPoint"))
    values = {
        "name": name,
        "description": description,
        "categories": categories,
        "organisation": text_of(organizer.get("name")),
        "venue": text_of(place.get("name")),
        "address": street,
        "postcode": postcode,
        "latitude": latitude,
        "longitude": longitude,
        "cost": cost,
        "price_text": price_text,
        "eligibility": _ages(data.get("ageRange")),
        "accessibility": accessibility_from(access_words) + _gender_codes(data.get("genderRestriction")),
        "languages": [language_name(language) for language in as_list(data.get("inLanguage")) if label_of(language)],
        "contact_phone": text_of(organizer.get("telephone")),
        "contact_email": text_of(organizer.get("email")),
        "website": text_of(data.get("url") or organizer.get("url")),
        "how_to_go": how_to_go,
        "pathway": pathway_from([description, how_to_go]),
        "status": "active",
    }
    times = []
    for number, schedule in enumerate(as_list(data.get("eventSchedule")), start=1):
        found, problems = _schedule_times(schedule, f"eventSchedule {number}")
        times, reasons = times + found, reasons + problems
    for number, sub_event in enumerate(as_list(data.get("subEvent")), start=1):
        if isinstance(sub_event, dict):  # a bare link to a session says nothing about its time
            found, problems = session_time(sub_event, f"subEvent {number}")
            times += [one_off_time(found[0], found[1], None)] if found else []
            reasons += problems
    reasons += check_listing(values)
    return (None, [], reasons) if reasons else (values, times, [])


def series_reference(raw) -> str:
    """The SessionSeries a ScheduledSession names in superEvent (an id, a URL or an object)."""
    if isinstance(raw, dict):
        return text_of(raw.get("@id") or raw.get("id") or raw.get("identifier"))
    return text_of(raw)


def check_scheduled_session(data) -> tuple[str, dict | None, list[str]]:
    """A ScheduledSession as (its series reference, one-off time values) or (.., None, reasons)."""
    if not isinstance(data, dict):
        return "", None, ["it has no data."]
    reference = series_reference(data.get("superEvent"))
    reasons = [] if reference else ["it does not say which SessionSeries it belongs to (superEvent)."]
    found, problems = session_time(data, "The session")
    reasons += problems
    if reasons:
        return reference, None, reasons
    return reference, one_off_time(found[0], found[1], None), []


def _latest(items: list[tuple[str, object]], plan: Plan) -> dict[tuple[str, str], dict]:
    """The winning item for each (kind, id): the latest modified (the later one on a tie).
    Items that cannot even be told apart (no id, bad state) go straight to plan.broken."""
    latest: dict[tuple[str, str], dict] = {}
    for where, item in items:
        if not isinstance(item, dict):
            plan.broken.append(Broken("item", f"({where})", ["it is not a JSON object."]))
            continue
        kind, item_id = _kind(item) or "item", text_of(item.get("id"))
        reasons = [] if item_id else ["it has no id."]
        if len(item_id) > MAX_ID_LENGTH:
            reasons, item_id = [f"its id is longer than {MAX_ID_LENGTH} characters."], item_id[:40] + "..."
        if item.get("state") not in ("updated", "deleted"):
            reasons.append(f"its state {item.get('state')!r} is not 'updated' or 'deleted'.")
        if text_of(item.get("modified")) == "":
            reasons.append("it has no modified value.")
        if reasons:
            plan.broken.append(Broken(kind, item_id or f"({where})", reasons))
        elif kind not in (SERIES, SESSION):
            plan.skipped += 1
        else:
            key = (kind, item_id)
            if key not in latest or modified_order(item["modified"]) >= modified_order(latest[key]["modified"]):
                latest[key] = item
    return latest


def plan_from_items(items: list[tuple[str, object]]) -> Plan:
    """Check every RPDE item (given with where it was: "page 2 item 3") and plan the changes."""
    plan = Plan(source="openactive")
    latest = _latest(items, plan)
    series_ids: dict[str, str] = {}  # what a superEvent may say (item id or the data's @id) -> item id
    for (kind, item_id), item in latest.items():
        if kind != SERIES:
            continue
        modified = stamp(item["modified"])
        if item["state"] == "deleted":
            plan.listings.append(ListingChange(item_id, modified, None))
            continue
        values, times, reasons = check_session_series(item.get("data"))
        if reasons:
            plan.broken.append(Broken(kind, item_id, reasons))
            continue
        plan.listings.append(ListingChange(item_id, modified, values, times))
        data = item["data"]
        for reference in (item_id, text_of(data.get("@id")), text_of(data.get("id"))):
            if reference:
                series_ids[reference] = item_id
    for (kind, item_id), item in latest.items():
        if kind != SESSION:
            continue
        modified = stamp(item["modified"])
        if item["state"] == "deleted":
            plan.sessions.append(SessionChange(item_id, None, modified, None))
            continue
        reference, time_values, reasons = check_scheduled_session(item.get("data"))
        if reasons:
            plan.broken.append(Broken(kind, item_id, reasons))
            continue
        time_values["source_id"] = item_id
        plan.sessions.append(SessionChange(item_id, series_ids.get(reference, reference), modified, time_values))
    return plan


def series_candidates(reference: str) -> list[str]:
    """Ids a superEvent may mean for a series imported before: itself, or the last part of a URL
    (feeds often give ".../session-series/123" for the item with id "123")."""
    tail = re.split(r"[/#]", reference.rstrip("/"))[-1]
    return [reference] + ([tail] if tail and tail != reference else [])
