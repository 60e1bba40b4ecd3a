"""Checking a goal as the trainer and client agree it. No HTTP in here."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pwa.plans import vocab

MAX_REVIEW_AHEAD = timedelta(days=366)
SHORT_TEXT = 200
LONG_TEXT = 500


@dataclass
class CheckedGoal:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(raw: Mapping, name: str, limit: int) -> tuple[str, str | None]:
    value = raw.get(name)
    text = " ".join(value.split()) if isinstance(value, str) else ""
    return text, (f"Keep this under {limit} letters." if len(text) > limit else None)


def _date(raw: Mapping, name: str) -> date | None:
    value = raw.get(name)
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(raw: Mapping, name: str) -> float | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def check_goal(raw: Mapping, *, today: date) -> CheckedGoal:
    """Check a goal form. Dates are London days; the start may be up to a week back."""
    checked = CheckedGoal()
    values, errors = checked.values, checked.errors
    code = raw.get("code")
    if code not in vocab.GOAL_CODES:
        errors["code"] = "Choose what the goal is about."
    values["code"] = code
    for name, limit in [
        ("wording", SHORT_TEXT),
        ("other_text", SHORT_TEXT),
        ("action_what", SHORT_TEXT),
        ("action_when", SHORT_TEXT),
        ("action_where", SHORT_TEXT),
        ("action_with_whom", SHORT_TEXT),
        ("barriers", LONG_TEXT),
        ("barrier_plan", LONG_TEXT),
    ]:
        values[name], problem = _text(raw, name, limit)
        if problem:
            errors[name] = problem
    if not values["wording"] and "wording" not in errors:
        errors["wording"] = "Write the goal in the client's own words, like 'Walk to work 3 days a week'."
    if code == "other" and not values["other_text"] and "other_text" not in errors:
        errors["other_text"] = "Say what this goal is about."

    start, review = _date(raw, "start_date") or today, _date(raw, "review_date")
    if raw.get("start_date") and _date(raw, "start_date") is None:
        errors["start_date"] = "Choose a start date."
    elif start < today - timedelta(days=7) or start > today + timedelta(days=90):
        errors["start_date"] = "Start from a week ago up to 3 months ahead."
    if review is None:
        errors["review_date"] = "Choose a date to review the goal together."
    elif review <= start:
        errors["review_date"] = "The review date must be after the start date."
    elif review > start + MAX_REVIEW_AHEAD:
        errors["review_date"] = "Review the goal within a year."
    values["start_date"], values["review_date"] = start, review

    _check_target(raw, code, values, errors)
    return checked


def _check_target(raw: Mapping, code, values: dict, errors: dict) -> None:
    kind = raw.get("target_kind") or "check_in"
    allowed = vocab.targets_for(code) if code in vocab.GOAL_CODES else ["check_in"]
    if kind not in allowed:
        errors["target_kind"] = "This goal cannot be measured that way. Choose another way to measure it."
        return
    values["target_kind"], values["target_value"], values["target_extra"] = kind, None, {}
    spec = vocab.TARGET_KINDS[kind]
    if spec["range"] is None:
        return
    low, high = spec["range"]
    number = _number(raw, "target_value")
    if number is None or not low <= number <= high:
        errors["target_value"] = f"Type a number from {low:g} to {high:g}."
    elif spec["range"][1] <= 7 and number != int(number):
        errors["target_value"] = "Type a whole number of days."
    else:
        values["target_value"] = number
    for name, (extra_low, extra_high, default) in spec.get("extra", {}).items():
        extra = _number(raw, f"target_{name}")
        extra = default if extra is None and raw.get(f"target_{name}") in (None, "") else extra
        if extra is None or not extra_low <= extra <= extra_high:
            errors[f"target_{name}"] = f"Type a number from {extra_low:g} to {extra_high:g}."
        else:
            values["target_extra"][name] = extra
    if kind == "weight_by_date":
        start_weight = _number(raw, "target_start_weight")
        if start_weight is None or not 25 <= start_weight <= 350:
            errors["target_start_weight"] = "Type the weight now in kg, from 25 to 350."
        else:
            values["target_extra"]["start_weight"] = start_weight
