"""Checking a diary entry, the same way for web forms and the sync API. No HTTP in here.

`check_entry` takes what was sent (strings from a form, or JSON values) and gives back
either clean values ready to store or a message per field saying how to fix it.
"""

import hashlib
import json
import math
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pwa.clock import LONDON, to_london
from pwa.diary import vocab

DAYS_BACK = 14
# Phones' clocks drift: allow a little "future" before refusing.
CLOCK_SKEW = timedelta(minutes=5)
MAX_NOTE = 500
MAX_DESCRIPTION = 200

# Fields each kind may carry (besides uuid, kind, time and note).
KIND_FIELDS = {
    "food": {"meal", "description", "food_groups", "portions", "sugary_drinks"},
    "activity": {"activity", "minutes", "intensity", "steps"},
    "alcohol": {"marker", "drink", "quantity", "volume_ml", "abv"},
    "smoking": {"marker", "tobacco", "cigarettes"},
    "mood": {"mood", "mood_words"},
    "weight": {"weight_kg"},
}
COMMON_FIELDS = {"uuid", "kind", "day", "time", "occurred_at", "note", "talk_about"}
# "I want to talk about this at my next session": a ticked box sends "yes" (or "on"), JSON sends true.
YES = {"yes", "on", "true", "1"}
NO = {"no", "off", "false", "0", ""}


@dataclass
class Checked:
    """The outcome of checking one entry."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # Fingerprint of what was sent, to tell a replay from a different entry under the same UUID.
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


class _Problem(ValueError):
    """A field's value is not acceptable; the message tells the person how to fix it."""


def _text(raw: Any, *, limit: int, name: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _Problem(f"The {name} must be words.")
    text = " ".join(raw.split())
    if len(text) > limit:
        raise _Problem(f"Keep the {name} under {limit} letters.")
    return text


def _number(raw: Any, *, low: float, high: float, whole: bool, message: str) -> float | int | None:
    """A number in range, or None when empty. Accepts "2", 2, 2.0 and "2.5" (not for whole)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise _Problem(message)
    try:
        value = float(raw.strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _Problem(message) from None
    if not math.isfinite(value) or value < low or value > high:
        raise _Problem(message)
    if whole:
        if value != int(value):
            raise _Problem(message)
        return int(value)
    return round(value, 2)


def _choice(raw: Any, options, message: str) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool) or str(raw) not in {str(o) for o in options}:
        raise _Problem(message)
    return str(raw)


def _choices(raw: Any, options, message: str) -> list[str]:
    """Several choices: a list (JSON, or repeated form fields) with no unknown codes."""
    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > len(options) or any(not isinstance(item, str) or item not in options for item in items):
        raise _Problem(message)
    return [option for option in options if option in items]  # stable order, no repeats


def _yes_no(raw: Any) -> bool:
    """A yes/no field: a form's ticked box ("yes", "on"), JSON true or false, or nothing (no)."""
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in YES | NO:
        return raw.strip().lower() in YES
    raise _Problem("Tick the box, or leave it empty.")


def _occurred_at(raw: Mapping[str, Any], now: datetime) -> datetime:
    """When it happened: ISO 8601 "occurred_at" with an offset, or London "day" and "time"."""
    if raw.get("occurred_at") not in (None, ""):
        value = raw["occurred_at"]
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _Problem("Send the time like 2026-11-21T08:30:00+00:00.")
        return moment
    day_raw, time_raw = raw.get("day"), raw.get("time")
    try:
        day = date.fromisoformat(day_raw) if isinstance(day_raw, str) and day_raw else to_london(now).date()
    except ValueError:
        raise _Problem("Choose a day from the list.") from None
    try:
        clock = time.fromisoformat(time_raw) if isinstance(time_raw, str) and time_raw else None
    except ValueError:
        raise _Problem("Type the time like 08:30.") from None
    if clock is None:
        if day != to_london(now).date():
            raise _Problem("Type the time for an earlier day, like 08:30.")
        return now
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=LONDON)


def _check_time(moment: datetime, now: datetime) -> None:
    if moment > now + CLOCK_SKEW:
        raise _Problem("This time has not happened yet. Choose a time up to now.")
    if to_london(moment).date() < to_london(now).date() - timedelta(days=DAYS_BACK):
        raise _Problem(f"You can add entries for the last {DAYS_BACK} days only.")


def _food(raw, values, errors) -> None:
    meal = _field(errors, "meal", lambda: _choice(raw.get("meal"), vocab.MEALS, "Choose a meal."))
    _require(errors, "meal", meal, "Choose a meal: breakfast, lunch, dinner, snack or drink.")
    values["meal"] = meal
    values["description"] = _field(
        errors, "description", lambda: _text(raw.get("description"), limit=MAX_DESCRIPTION, name="description")
    )
    values["food_groups"] = _field(
        errors,
        "food_groups",
        lambda: _choices(raw.get("food_groups"), list(vocab.FOOD_GROUPS), "Choose food groups from the list."),
    )
    values["portions"] = _field(
        errors,
        "portions",
        lambda: _number(
            raw.get("portions"), low=0, high=20, whole=False, message="Fruit and veg portions: a number from 0 to 20."
        ),
    )
    values["sugary_drinks"] = _field(
        errors,
        "sugary_drinks",
        lambda: _number(
            raw.get("sugary_drinks"), low=0, high=20, whole=True, message="Sugary drinks: a whole number from 0 to 20."
        ),
    )
    if not errors and not (values["description"] or values["food_groups"] or values["portions"]):
        errors["description"] = "Say what you ate or drank, or how many portions of fruit and veg."


def _activity(raw, values, errors) -> None:
    values["activity"] = _field(
        errors, "activity", lambda: _choice(raw.get("activity"), vocab.ACTIVITIES, "Choose what you did.")
    )
    _require(errors, "activity", values["activity"], "Choose what you did, like walking.")
    values["minutes"] = _field(
        errors,
        "minutes",
        lambda: _number(
            raw.get("minutes"), low=1, high=1440, whole=True, message="Minutes: a whole number from 1 to 1440."
        ),
    )
    _require(errors, "minutes", values["minutes"], "How many minutes? Type a number from 1 to 1440.")
    values["intensity"] = _field(
        errors,
        "intensity",
        lambda: _choice(raw.get("intensity") or "moderate", vocab.INTENSITIES, "Choose light, moderate or vigorous."),
    )
    values["steps"] = _field(
        errors,
        "steps",
        lambda: _number(
            raw.get("steps"), low=0, high=100000, whole=True, message="Steps: a whole number up to 100,000."
        ),
    )


def _alcohol(raw, values, errors) -> None:
    marker = _field(errors, "marker", lambda: _choice(raw.get("marker"), ["drink_free"], "Unknown choice."))
    if marker:
        values.update(marker=marker, units=0.0)
        return
    drink = _field(
        errors,
        "drink",
        lambda: _choice(raw.get("drink"), [*vocab.DRINK_PRESETS, vocab.OTHER_DRINK], "Choose a drink from the list."),
    )
    _require(errors, "drink", drink, "Choose a drink, or 'Other drink'.")
    quantity = _field(
        errors,
        "quantity",
        lambda: _number(
            raw.get("quantity") or 1, low=1, high=20, whole=True, message="How many: a whole number from 1 to 20."
        ),
    )
    if drink in vocab.DRINK_PRESETS:
        preset = vocab.DRINK_PRESETS[drink]
        volume, abv = preset.volume_ml, preset.abv
    else:
        volume = _field(
            errors,
            "volume_ml",
            lambda: _number(raw.get("volume_ml"), low=1, high=5000, whole=False, message="Size: ml from 1 to 5000."),
        )
        abv = _field(
            errors,
            "abv",
            lambda: _number(raw.get("abv"), low=0, high=100, whole=False, message="Strength: a percent from 0 to 100."),
        )
        if drink == vocab.OTHER_DRINK:
            _require(errors, "volume_ml", volume, "Type the size in ml, like 330.")
            _require(errors, "abv", abv, "Type the strength in percent, like 5.")
    if errors:
        return
    units = round(quantity * volume * abv / 1000, 2)
    if units > 100:
        errors["quantity"] = "That is more than 100 units. Check the number and size."
        return
    values.update(drink=drink, quantity=quantity, volume_ml=volume, abv=abv, units=units)


def _smoking(raw, values, errors) -> None:
    marker = _field(errors, "marker", lambda: _choice(raw.get("marker"), ["smoke_free"], "Unknown choice."))
    if marker:
        values.update(marker=marker, cigarettes=0)
        return
    values["tobacco"] = _field(
        errors,
        "tobacco",
        lambda: _choice(raw.get("tobacco") or "cigarettes", vocab.TOBACCO, "Choose cigarettes, vapes or other."),
    )
    values["cigarettes"] = _field(
        errors,
        "cigarettes",
        lambda: _number(
            raw.get("cigarettes"), low=1, high=200, whole=True, message="How many: a number from 1 to 200."
        ),
    )
    _require(errors, "cigarettes", values["cigarettes"], "How many? Type a number from 1 to 200.")


def _mood(raw, values, errors) -> None:
    values["mood"] = _field(
        errors,
        "mood",
        lambda: _number(raw.get("mood"), low=1, high=5, whole=True, message="Choose a face from 1 to 5."),
    )
    _require(errors, "mood", values["mood"], "Choose how you feel.")
    values["mood_words"] = _field(
        errors, "mood_words", lambda: _choices(raw.get("mood_words"), vocab.MOOD_WORDS, "Choose words from the list.")
    )


def _weight(raw, values, errors) -> None:
    values["weight_kg"] = _field(
        errors,
        "weight_kg",
        lambda: _number(raw.get("weight_kg"), low=25, high=350, whole=False, message="Weight: kg from 25 to 350."),
    )
    _require(errors, "weight_kg", values["weight_kg"], "Type your weight in kg, like 72.5.")


KIND_CHECKS = {
    "food": _food,
    "activity": _activity,
    "alcohol": _alcohol,
    "smoking": _smoking,
    "mood": _mood,
    "weight": _weight,
}


def _require(errors: dict[str, str], name: str, value, message: str) -> None:
    """A required field left empty (and not already wrong): say what to put in it."""
    if value is None and name not in errors:
        errors[name] = message


def _field(errors: dict[str, str], name: str, read):
    """Run one field's reader; on a problem, note it against the field and carry on."""
    try:
        return read()
    except _Problem as problem:
        errors[name] = str(problem)
        return None


def check_entry(raw: Any, *, now: datetime, allowed_fields: set[str] | None = None) -> Checked:
    """Check one entry. `now` is aware UTC. Unknown fields are refused, so typos are not lost quietly."""
    checked = Checked()
    if not isinstance(raw, Mapping):
        checked.errors["entry"] = "Each entry must be an object with named fields."
        return checked
    errors, values = checked.errors, checked.values
    try:
        values["uuid"] = str(uuidlib.UUID(str(raw.get("uuid", ""))))
    except ValueError:
        errors["uuid"] = "Each entry needs an ID made on the phone (a UUID)."
    kind = raw.get("kind")
    if kind not in vocab.KINDS:
        errors["kind"] = "Choose food, activity, alcohol, smoking, mood or weight."
        return checked
    values["kind"] = kind
    known = COMMON_FIELDS | KIND_FIELDS[kind] | (allowed_fields or set())
    unknown = sorted(str(name) for name in raw if name not in known)
    if unknown:
        errors["entry"] = f"Unknown fields for {kind}: {', '.join(unknown)}."
    moment = _field(errors, "time", lambda: _occurred_at(raw, now))
    if moment is not None:
        _field(errors, "time", lambda: _check_time(moment, now))
        if "time" not in errors:
            values["occurred_at"] = moment.astimezone(UTC)
            values["day"] = to_london(moment).date()
    values["note"] = _field(errors, "note", lambda: _text(raw.get("note"), limit=MAX_NOTE, name="note"))
    values["talk_about"] = _field(errors, "talk_about", lambda: _yes_no(raw.get("talk_about")))
    KIND_CHECKS[kind](raw, values, errors)
    if checked.ok:
        time_given = any(raw.get(name) not in (None, "") for name in ("occurred_at", "time"))
        checked.fingerprint = fingerprint(values, include_time=time_given)
    return checked


def fingerprint(values: Mapping[str, Any], *, include_time: bool) -> str:
    """A hash of an entry's content. "Now" is left out when no time was sent, so a form sent
    twice a minute apart is still the same entry. An unticked "talk about" is left out too, so
    entries hash as they did before the box existed."""
    content = {key: value for key, value in values.items() if value not in (None, "", []) and key != "day"}
    if not content.get("talk_about"):
        content.pop("talk_about", None)
    content["occurred_at"] = to_london(values["occurred_at"]).isoformat(timespec="minutes") if include_time else ""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def day_choices(today: date) -> list[tuple[str, str]]:
    """(value, label) for the day list of entry forms: today back to 14 days ago."""
    labels = {0: "Today", 1: "Yesterday"}
    return [
        (
            (today - timedelta(days=back)).isoformat(),
            labels.get(back, (today - timedelta(days=back)).strftime("%A %-d %B")),
        )
        for back in range(DAYS_BACK + 1)
    ]
