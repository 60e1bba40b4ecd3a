"""Checking a volunteer's hours, training, qualifications and role changes. No HTTP here.

The forms share one page, so each field name is used by one form only (hours_on, training_on...)."""

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from pwa.caseload.checked import Checked
from pwa.caseload.session_rules import day, text
from pwa.community.vocab import TRAINING_THEMES, VOLUNTEER_STAGES

EXPIRES_SOON = timedelta(days=60)
MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal("24")

# What a volunteer adds on their own page; a manager may also record a role change.
OWN_KINDS = ("hours", "training", "qualification")
MANAGER_KINDS = (*OWN_KINDS, "role_change")


def _past_day(raw: Mapping, name: str, today: date, checked: Checked, missing: str) -> date | None:
    """A required date that is not in the future."""
    value = day(raw, name)
    if value is None:
        checked.errors[name] = missing
    elif value > today:
        checked.errors[name] = "This day cannot be in the future."
    checked.values[name] = value
    return value


def _hours(raw: Mapping) -> tuple[float | None, str | None]:
    """Hours in quarter hours, from 0.25 to 24 ("1.5" or "1,5")."""
    value = raw.get("hours")
    value = value.strip().replace(",", ".") if isinstance(value, str) else ""
    if not value:
        return None, "Write how many hours, like 2 or 1.5."
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None, "Write the hours as a number, like 2 or 1.5."
    if not number.is_finite() or number < MIN_HOURS or number > MAX_HOURS:
        return None, "Write between a quarter of an hour (0.25) and 24 hours."
    if number % Decimal("0.25"):
        return None, "Round to the nearest quarter hour, like 1.25, 1.5 or 1.75."
    return float(number), None


def check_hours(raw: Mapping, *, today: date) -> Checked:
    """Hours given outside a logged event: the day, how long and what."""
    checked = Checked()
    _past_day(raw, "hours_on", today, checked, "Choose the day you gave the time.")
    checked.values["hours"], problem = _hours(raw)
    if problem:
        checked.errors["hours"] = problem
    checked.values["activity"], problem = text(raw, "activity", 120)
    if problem:
        checked.errors["activity"] = problem
    elif not checked.values["activity"]:
        checked.errors["activity"] = "Say what you did, like 'Helped at the food bank'."
    return checked


def check_training(raw: Mapping, *, today: date) -> Checked:
    """A training course done: theme, title, who ran it and when."""
    checked = Checked()
    theme = raw.get("theme")
    if theme not in TRAINING_THEMES:
        checked.errors["theme"] = "Choose what the training was about."
    checked.values["theme"] = theme
    for name in ("training_title", "provider"):
        checked.values[name], problem = text(raw, name, 120)
        if problem:
            checked.errors[name] = problem
    if "training_title" not in checked.errors and not checked.values["training_title"]:
        checked.errors["training_title"] = "Write the name of the training, like 'Safeguarding adults'."
    _past_day(raw, "training_on", today, checked, "Choose the day of the training.")
    return checked


def check_qualification(raw: Mapping, *, today: date) -> Checked:
    """A qualification: title, when it was awarded and, if it runs out, when."""
    checked = Checked()
    checked.values["qualification_title"], problem = text(raw, "qualification_title", 120)
    if problem:
        checked.errors["qualification_title"] = problem
    elif not checked.values["qualification_title"]:
        checked.errors["qualification_title"] = "Write the name of the qualification, like 'RSPH Level 2'."
    awarded = _past_day(raw, "awarded_on", today, checked, "Choose the day it was awarded.")
    expires = day(raw, "expires_on")
    if expires is None and (raw.get("expires_on") or "").strip():
        checked.errors["expires_on"] = "Choose a real date, or leave it empty."
    elif expires and awarded and expires <= awarded:
        checked.errors["expires_on"] = "The day it runs out must be after the day it was awarded."
    checked.values["expires_on"] = expires
    return checked


def check_role_change(raw: Mapping, *, today: date) -> Checked:
    """A step on the volunteer path (recorded by a manager)."""
    checked = Checked()
    for name, message in (("from_stage", "Choose where they were."), ("to_stage", "Choose where they are now.")):
        stage = raw.get(name)
        if stage not in VOLUNTEER_STAGES:
            checked.errors[name] = message
        checked.values[name] = stage
    if not checked.errors and checked.values["from_stage"] == checked.values["to_stage"]:
        checked.errors["to_stage"] = "Choose a different step from the one they were on."
    _past_day(raw, "changed_on", today, checked, "Choose the day it changed.")
    checked.values["note"], problem = text(raw, "note", 300)
    if problem:
        checked.errors["note"] = problem
    return checked


CHECKS = {
    "hours": check_hours,
    "training": check_training,
    "qualification": check_qualification,
    "role_change": check_role_change,
}


def qualification_state(expires_on: date | None, today: date) -> str | None:
    """ "expired", "expires_soon" (within 60 days) or None."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "expired"
    return "expires_soon" if expires_on <= today + EXPIRES_SOON else None


def month_start(today: date) -> date:
    return today.replace(day=1)


def year_start(today: date) -> date:
    return today.replace(month=1, day=1)
