"""Checking an event as staff type it: when and where, partners, who ran it and their hours,
topics, the counts and the anonymous breakdowns. No HTTP and no database here: the view passes
in the partners and people of the service.

The form sends repeated rows named worker-0-person_id, worker-0-hours, district-0-code,
district-0-count...; breakdown boxes are named breakdown-gender-female. Errors are keyed by the
same names, so each message sits by its box.
"""

import re
import uuid
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import POSTCODE_FORMAT, normalise_postcode
from pwa.caseload.session_rules import clock_time, day, london_to_utc, many, small_id, text
from pwa.community import vocab

MAX_AHEAD = timedelta(days=2 * 366)
EARLIEST = date(2000, 1, 1)
MAX_COUNT = 100_000
MAX_ROWS = 40
ROW_FIELD = re.compile(r"^(worker|district)-([0-9]{1,3})-([a-z_]+)$")
WORKER_FIELDS = ("person_id", "hours")
DISTRICT_FIELDS = ("code", "count")
# "The ages add up to 14, but you reached 12 people."
BREAKDOWN_PLURALS = {
    "gender": "genders",
    "age_band": "ages",
    "ethnicity_group": "ethnic groups",
    "postcode_district": "postcode areas",
}
# Breakdowns with a fixed list of choices (a number box per choice); postcode areas are rows.
CHOICE_BREAKDOWNS = {name: choices for name, (_, choices) in vocab.BREAKDOWNS.items() if choices}
WHOLE_NUMBER = "Write a whole number, 0 or more, like 12."


def rows_from_form(raw: Mapping, kind: str) -> list[dict[str, str]]:
    """The worker or district rows a form sent, in order, as dicts of raw text."""
    rows: dict[int, dict[str, str]] = {}
    for key in raw.keys():
        match = ROW_FIELD.match(key)
        if not match or match.group(1) != kind:
            continue
        value = raw.get(key)
        rows.setdefault(int(match.group(2)), {})[match.group(3)] = value if isinstance(value, str) else ""
    return [rows[index] for index in sorted(rows)][:MAX_ROWS]


def _blank(row: Mapping, fields: tuple[str, ...]) -> bool:
    return not any((row.get(name) or "").strip() for name in fields)


def count_value(value) -> tuple[int | None, str | None]:
    """A count typed in a box: (number, problem). Empty is 0."""
    typed = value.strip() if isinstance(value, str) else ""
    if not typed:
        return 0, None
    if not typed.isdigit():
        return None, WHOLE_NUMBER
    number = int(typed)
    if number > MAX_COUNT:
        return None, f"Check this number: it should be under {MAX_COUNT:,}."
    return number, None


def hours_value(value) -> tuple[float | None, str | None]:
    """Hours worked, 0 to 24 in quarter hours: (hours, problem)."""
    typed = value.strip() if isinstance(value, str) else ""
    if not typed:
        return None, "Write how many hours they worked, like 2 or 1.5."
    try:
        number = Decimal(typed)
    except InvalidOperation:
        return None, "Write the hours as a number, like 2 or 1.5."
    if not number.is_finite() or not 0 <= number <= 24:
        return None, "Write the hours from 0 to 24."
    if (number * 4) % 1 != 0:
        return None, "Use quarter hours, like 1.25, 1.5 or 1.75."
    return float(number), None


def district_code(value) -> str | None:
    """ "fe1" -> "FE1": the first part of a postcode, or None when it is not one."""
    typed = "".join(ch for ch in str(value or "").upper() if ch.isalnum())
    if 2 <= len(typed) <= 4 and POSTCODE_FORMAT.match(f"{typed}1AA"):
        return typed
    return None


def check_uuid(value) -> str:
    """The form's UUID when it is one, else a new one (a bad one is never the person's fault)."""
    try:
        return str(uuid.UUID(str(value or "").strip()))
    except ValueError:
        return str(uuid.uuid4())


def _check_when(raw: Mapping, today: date, checked: Checked) -> None:
    values, errors = checked.values, checked.errors
    on = day(raw, "date")
    if on is None:
        typed = raw.get("date") if isinstance(raw.get("date"), str) else ""
        errors["date"] = "Choose a real date, like 14/05/2025." if typed.strip() else "Choose the day."
    elif on > today + MAX_AHEAD:
        errors["date"] = "Choose a date in the next 2 years."
    elif on < EARLIEST:
        errors["date"] = "Check the year of this date."
    times = {}
    for name, what in (("starts_at", "start"), ("ends_at", "end")):
        times[name] = clock_time(raw, name)
        if times[name] is None:
            typed = (raw.get(name) or "").strip() if isinstance(raw.get(name), str) else ""
            errors[name] = f"Write a real {what} time, like 10:30." if typed else f"Write the {what} time."
    starts, ends = times["starts_at"], times["ends_at"]
    if starts and ends and ends <= starts:
        errors["ends_at"] = "The end time must be after the start time."
    if on is None or "date" in errors or "starts_at" in errors or "ends_at" in errors:
        return
    for name in ("starts_at", "ends_at"):
        values[name] = london_to_utc(on, times[name])
        if values[name] is None:
            errors[name] = "The clocks go forward that night, so this time does not exist. Choose 2:00 or later."


def _check_workers(raw: Mapping, staff_ids: Collection[int], checked: Checked) -> None:
    workers: list[tuple[int, float]] = []
    seen: set[int] = set()
    for index, row in enumerate(rows_from_form(raw, "worker")):
        if _blank(row, WORKER_FIELDS):
            continue
        key = f"worker-{index}-"
        person_id = small_id(row.get("person_id"))
        if person_id is None or person_id not in staff_ids:
            checked.errors[key + "person_id"] = "Choose who it was from the list."
        elif person_id in seen:
            checked.errors[key + "person_id"] = "This person is on the list twice: put all their hours on one row."
        hours, problem = hours_value(row.get("hours"))
        if problem:
            checked.errors[key + "hours"] = problem
        if person_id is not None and hours is not None and key + "person_id" not in checked.errors:
            seen.add(person_id)
            workers.append((person_id, hours))
    checked.values["workers"] = workers


def _check_breakdowns(raw: Mapping, reached: int | None, checked: Checked) -> None:
    errors = checked.errors
    breakdowns: dict[str, dict[str, int]] = {}
    for dimension, choices in CHOICE_BREAKDOWNS.items():
        counts = {}
        for code in choices:
            name = f"breakdown-{dimension}-{code}"
            number, problem = count_value(raw.get(name))
            if problem:
                errors[name] = problem
            elif number:
                counts[code] = number
        if counts:
            breakdowns[dimension] = counts
    districts: dict[str, int] = {}
    for index, row in enumerate(rows_from_form(raw, "district")):
        if _blank(row, DISTRICT_FIELDS):
            continue
        key = f"district-{index}-"
        code = district_code(row.get("code"))
        if code is None:
            errors[key + "code"] = "Write the first part of a postcode, like FE1."
        number, problem = count_value(row.get("count"))
        if problem:
            errors[key + "count"] = problem
        elif not number:
            errors[key + "count"] = "Write how many people came from there."
        if code and number:
            districts[code] = districts.get(code, 0) + number
    if districts:
        breakdowns["postcode_district"] = districts
    if reached is not None:
        for dimension, counts in breakdowns.items():
            total = sum(counts.values())
            if total > reached:
                people = "person" if reached == 1 else "people"
                errors[f"breakdown-{dimension}"] = (
                    f"The {BREAKDOWN_PLURALS[dimension]} add up to {total}, but you reached {reached} {people}. "
                    "Change the numbers, or the number of people reached."
                )
    checked.values["breakdowns"] = breakdowns


def check_event(raw: Mapping, *, today: date, partner_ids: Collection[int], staff_ids: Collection[int]) -> Checked:
    """An event from the form: every DOMAIN.md section 6 field. partner_ids and staff_ids are
    the partners and people of the service that may be chosen."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    event_type = raw.get("event_type")
    if event_type not in vocab.EVENT_TYPES:
        errors["event_type"] = "Choose what kind of event it was."
    values["event_type"] = event_type if event_type in vocab.EVENT_TYPES else None
    values["title"], problem = text(raw, "title", 120)
    if problem:
        errors["title"] = problem
    elif not values["title"]:
        errors["title"] = "Give it a short name, like 'Stall at Millbrook market'."
    _check_when(raw, today, checked)
    values["venue"], problem = text(raw, "venue", 120)
    if problem:
        errors["venue"] = problem
    postcode = normalise_postcode(raw.get("postcode") if isinstance(raw.get("postcode"), str) else "")
    if postcode is None:
        errors["postcode"] = "Write a UK postcode, like FE1 2AB, or leave it empty."
    values["postcode"] = postcode or ""

    chosen = [small_id(value) for value in many(raw, "partners")]
    if any(partner_id is None or partner_id not in partner_ids for partner_id in chosen):
        errors["partners"] = "Choose partners from the list."
    values["partner_ids"] = sorted({partner_id for partner_id in chosen if partner_id in partner_ids})
    topics = many(raw, "topics")
    if any(code not in vocab.TOPICS for code in topics):
        errors["topics"] = "Choose topics from the list."
    values["topics"] = [code for code in vocab.TOPICS if code in topics]
    _check_workers(raw, staff_ids, checked)

    for name in vocab.COUNTERS:
        values[name], problem = count_value(raw.get(name))
        if problem:
            errors[name] = problem
    _check_breakdowns(raw, values["reached"], checked)
    values["notes"], problem = text(raw, "notes", 2000, keep_lines=True)
    if problem:
        errors["notes"] = problem
    return checked
