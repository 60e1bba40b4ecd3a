"""Checking a listing as staff type it (its fields and its times), problem reports, and when a
listing is due a review. No HTTP and no database here: the view passes in what it knows.

The form sends times as rows named times-0-starts_at, times-0-ends_at, times-1-... Blank rows
are left out; errors are keyed by the row's field name so each message sits by its box.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import normalise_postcode
from pwa.caseload.session_rules import clock_time, day, many, text
from pwa.directory import vocab

MAX_TIME_ROWS = 40
MAX_WEEKS = 12
MAX_LANGUAGES = 12
MAX_AHEAD = timedelta(days=3 * 366)
ROW_FIELD = re.compile(r"^times-([0-9]{1,3})-([a-z_]+)$")
ROW_FIELDS = ("weekday", "on_date", "starts_at", "ends_at", "weeks_on", "weeks_off", "from_date", "until_date")
# What a blank row shows: a row holding only these is still blank.
BLANK_ROW = {"weeks_on": "1", "weeks_off": "0"}
PHONE = re.compile(r"^\+?[0-9 ()-]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)

# Plain text fields: name -> (longest, keep line breaks). The name is required.
TEXT_FIELDS = {
    "name": (120, False),
    "description": (2000, True),
    "organisation": (120, False),
    "venue": (120, False),
    "address": (200, False),
    "schedule_note": (200, False),
    "price_text": (120, False),
    "eligibility": (300, True),
    "contact_name": (120, False),
    "contact_phone": (30, False),
    "contact_email": (120, False),
    "website": (300, False),
    "how_to_go": (300, True),
    "staff_notes": (1000, True),
}
CHOICE_FIELDS = {
    "schedule_kind": (vocab.SCHEDULE_KINDS, "Choose how often it runs."),
    "cost": (vocab.COSTS, "Choose free, low cost or paid."),
    "pathway": (vocab.PATHWAYS, "Choose whether people can just go, or need a referral."),
    "status": (vocab.STATUSES, "Choose whether it is running."),
}


@dataclass
class ListingChecked(Checked):
    """Checked values and errors, plus warnings that do not stop a save."""

    warnings: dict[str, str] = field(default_factory=dict)


def time_rows_from_form(form: Mapping) -> list[dict[str, str]]:
    """The schedule rows a form sent, in order, as dicts of raw text (with "remove" and
    "source_id" when sent). Row numbers with gaps close up; at most MAX_TIME_ROWS rows."""
    rows: dict[int, dict[str, str]] = {}
    for key in form.keys():
        match = ROW_FIELD.match(key)
        if not match or match.group(2) not in (*ROW_FIELDS, "remove", "source_id"):
            continue
        value = form.get(key)
        rows.setdefault(int(match.group(1)), {})[match.group(2)] = value if isinstance(value, str) else ""
    return [rows[index] for index in sorted(rows)][:MAX_TIME_ROWS]


def is_blank_row(row: Mapping) -> bool:
    """A row with nothing typed in it (weeks on and off as the form first shows them count as blank)."""
    for name in ROW_FIELDS:
        value = (row.get(name) or "").strip()
        if value and value != BLANK_ROW.get(name):
            return False
    return True


def is_removed(row: Mapping) -> bool:
    return (row.get("remove") or "") in ("yes", "on", "true", "1")


def tidy_languages(raw_text: str) -> list[str]:
    """ "polish, british sign language ,Urdu" -> ["Polish", "British Sign Language", "Urdu"], once each."""
    names: list[str] = []
    for part in re.split(r"[,;\n]", raw_text or ""):
        words = part.split()
        if not words:
            continue
        name = " ".join(word[:1].upper() + word[1:] for word in words)
        if name.lower() not in {known.lower() for known in names}:
            names.append(name)
    return names


def _weeks(row: Mapping, name: str, low: int, default: int) -> tuple[int | None, str | None]:
    value = (row.get(name) or "").strip()
    if not value:
        return default, None
    if value.isdigit() and low <= int(value) <= MAX_WEEKS:
        return int(value), None
    return None, f"Write a whole number from {low} to {MAX_WEEKS}."


def _row_date(row: Mapping, name: str, today: date, errors: dict, key: str) -> date | None:
    """An optional date in a row; a message when it is not a real date or is years away."""
    typed = (row.get(name) or "").strip()
    value = day(row, name)
    if typed and value is None:
        errors[key] = "Choose a real date, like 14/05/2025."
    elif value and value > today + MAX_AHEAD:
        errors[key] = "Choose a date in the next 3 years."
        return None
    return value


def check_time_row(row: Mapping, index: int, schedule_kind: str, *, today: date) -> tuple[dict | None, dict]:
    """One schedule row: (ListingTime values, errors keyed like times-0-ends_at)."""
    errors: dict[str, str] = {}

    def key(name: str) -> str:
        return f"times-{index}-{name}"

    values: dict = {"weekday": None, "on_date": None, "weeks_on": 1, "weeks_off": 0}
    values["from_date"] = values["until_date"] = None
    weekday_text = (row.get("weekday") or "").strip()
    weekday = int(weekday_text) if weekday_text.isdigit() and int(weekday_text) in vocab.WEEKDAYS else None
    if weekday_text and weekday is None:
        errors[key("weekday")] = "Choose a day of the week."
    on_date = _row_date(row, "on_date", today, errors, key("on_date"))
    if schedule_kind == "dates":
        if weekday is not None:
            errors[key("weekday")] = "For set dates, leave the day of the week empty and choose the date."
        elif on_date is None and key("on_date") not in errors:
            errors[key("on_date")] = "Choose the date."
        for name in ("from_date", "until_date"):
            if (row.get(name) or "").strip():
                errors[key(name)] = "Leave this empty for a one-off date."
        for name in ("weeks_on", "weeks_off"):
            if (row.get(name) or "").strip() not in ("", BLANK_ROW[name]):
                errors[key(name)] = "Leave this as it is for a one-off date."
        values["on_date"] = on_date
    else:
        if (row.get("on_date") or "").strip():
            errors[key("on_date")] = (
                "For a weekly time, leave the date empty. For one-off dates, choose 'On set dates'."
            )
        elif weekday is None and key("weekday") not in errors:
            errors[key("weekday")] = "Choose the day of the week."
        values["weekday"] = weekday
        values["weeks_on"], problem = _weeks(row, "weeks_on", 1, 1)
        if problem:
            errors[key("weeks_on")] = problem
        values["weeks_off"], problem = _weeks(row, "weeks_off", 0, 0)
        if problem:
            errors[key("weeks_off")] = problem
        values["from_date"] = _row_date(row, "from_date", today, errors, key("from_date"))
        values["until_date"] = _row_date(row, "until_date", today, errors, key("until_date"))
        if values["weeks_off"] and values["from_date"] is None and key("from_date") not in errors:
            errors[key("from_date")] = "Choose the first day it runs, so we know which weeks are on."
        if values["from_date"] and values["until_date"] and values["until_date"] <= values["from_date"]:
            errors[key("until_date")] = "The last day must be after the first day."

    for name in ("starts_at", "ends_at"):
        values[name] = clock_time(row, name)
        if values[name] is None:
            typed = (row.get(name) or "").strip()
            what = "start" if name == "starts_at" else "end"
            errors[key(name)] = f"Write a real {what} time, like 10:30." if typed else f"Write the {what} time."
    if values["starts_at"] and values["ends_at"] and values["ends_at"] <= values["starts_at"]:
        errors[key("ends_at")] = "The end time must be after the start time."
    source_id = (row.get("source_id") or "").strip()
    values["source_id"] = source_id[:300] or None
    return (None if errors else values), errors


def check_times(rows: list[Mapping], schedule_kind: str | None, *, today: date) -> tuple[list[dict], dict]:
    """Every schedule row that is not blank or ticked "remove": (ListingTime values, errors)."""
    times: list[dict] = []
    errors: dict[str, str] = {}
    kept = [(index, row) for index, row in enumerate(rows) if not is_removed(row) and not is_blank_row(row)]
    if schedule_kind == "ask":
        if kept:
            errors["times"] = "People ask for times, so remove the times below (tick 'Remove'), or change how often."
        return [], errors
    if schedule_kind not in ("weekly", "dates"):
        return [], errors  # the schedule kind has its own message
    for index, row in kept:
        values, row_errors = check_time_row(row, index, schedule_kind, today=today)
        errors.update(row_errors)
        if values:
            times.append(values)
    if not kept:
        errors["times"] = (
            "Add at least one day and time it runs." if schedule_kind == "weekly" else "Add at least one date it runs."
        )
    return times, errors


def check_listing(
    raw: Mapping, time_rows: list[Mapping], *, today: date, known_postcode: Callable[[str], bool]
) -> ListingChecked:
    """A listing from the form: every field a person edits, and values["times"]."""
    checked = ListingChecked()
    values, errors = checked.values, checked.errors
    for name, (limit, keep_lines) in TEXT_FIELDS.items():
        values[name], problem = text(raw, name, limit, keep_lines=keep_lines)
        if problem:
            errors[name] = problem
    if not values["name"] and "name" not in errors:
        errors["name"] = "Write the name, like 'Tuesday Health Walk'."

    for name, (options, message) in CHOICE_FIELDS.items():
        value = raw.get(name)
        if value not in options:
            errors[name] = message
        values[name] = value if value in options else None

    categories = many(raw, "categories")
    if not categories or any(code not in vocab.CATEGORIES for code in categories):
        errors["categories"] = "Choose at least one kind of activity or service."
    values["categories"] = [code for code in vocab.CATEGORIES if code in categories]
    accessibility = many(raw, "accessibility")
    if any(code not in vocab.ACCESSIBILITY for code in accessibility):
        errors["accessibility"] = "Choose from the list."
    values["accessibility"] = [code for code in vocab.ACCESSIBILITY if code in accessibility]
    languages_text = raw.get("languages") if isinstance(raw.get("languages"), str) else ""
    values["languages"] = tidy_languages(languages_text)
    if len(values["languages"]) > MAX_LANGUAGES or any(len(name) > 40 for name in values["languages"]):
        errors["languages"] = f"Write up to {MAX_LANGUAGES} languages, with commas between them."

    _check_postcode(checked, raw, known_postcode)
    _check_contact(checked)
    if values["cost"] in ("low_cost", "paid") and not values["price_text"] and "price_text" not in errors:
        errors["price_text"] = "Say how much, like £3 a session."

    values["times"], time_errors = check_times(time_rows, values["schedule_kind"], today=today)
    errors.update(time_errors)
    return checked


def _check_postcode(checked: ListingChecked, raw: Mapping, known_postcode: Callable[[str], bool]) -> None:
    postcode = normalise_postcode(raw.get("postcode") if isinstance(raw.get("postcode"), str) else "")
    if postcode is None:
        checked.errors["postcode"] = "Write a UK postcode, like FE1 2AB, or leave it empty."
        checked.values["postcode"] = ""
        return
    checked.values["postcode"] = postcode
    if postcode and not known_postcode(postcode):
        checked.warnings["postcode"] = (
            f"We do not know where {postcode} is yet, so people will not see how far away it is."
        )


def _check_contact(checked: ListingChecked) -> None:
    values, errors = checked.values, checked.errors
    phone = values["contact_phone"]
    if phone and "contact_phone" not in errors:
        if not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 6:
            errors["contact_phone"] = "Write a phone number using numbers, like 01234 567890."
    email = values["contact_email"]
    if email and "contact_email" not in errors and not EMAIL.match(email):
        errors["contact_email"] = "Write an email address, like name@example.org."
    website = values["website"]
    if website and "website" not in errors and not WEBSITE.match(website):
        errors["website"] = "Write the web address starting with https://, like https://example.org."


# --- Problems and reviews -------------------------------------------------------------------


def check_problem(raw: Mapping) -> Checked:
    """A problem report: what kind, and a note (needed when it is "something else")."""
    checked = Checked()
    kind = raw.get("kind")
    if kind not in vocab.PROBLEM_KINDS:
        checked.errors["kind"] = "Choose what is wrong."
    checked.values["kind"] = kind
    checked.values["note"], problem = text(raw, "note", 500, keep_lines=True)
    if problem:
        checked.errors["note"] = problem
    elif kind == "other" and not checked.values["note"]:
        checked.errors["note"] = "Say in a few words what is wrong."
    return checked


def check_resolution(raw: Mapping, problem_kind: str) -> Checked:
    """Sorting out a problem: an optional note, and closing the listing when it no longer runs."""
    checked = Checked()
    checked.values["resolution"], problem = text(raw, "resolution", 300)
    if problem:
        checked.errors["resolution"] = problem
    wants_close = (raw.get("close_listing") or "") in ("yes", "on", "true", "1")
    checked.values["close_listing"] = wants_close and problem_kind == "no_longer_runs"
    return checked


def review_due(last_reviewed_on: date | None, today: date) -> bool:
    """True when nobody has checked the listing for vocab.REVIEW_EVERY, or ever."""
    return last_reviewed_on is None or last_reviewed_on < today - vocab.REVIEW_EVERY


def review_flag(last_reviewed_on: date | None, today: date) -> str | None:
    """ "Never checked", "Not checked since March 2025", or None when a review is not due."""
    if not review_due(last_reviewed_on, today):
        return None
    return "Never checked" if last_reviewed_on is None else f"Not checked since {last_reviewed_on:%B %Y}"
