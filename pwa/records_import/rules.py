"""Checking each cell of the import files (DOMAIN.md section 9): codes of section 3 or their
labels (any case), dates as YYYY-MM-DD, numbers in the ranges the app uses. Each check gives the
values to store and a message for each bad column. No database in here."""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pwa.caseload import vocab
from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import normalise_postcode
from pwa.caseload.registration_rules import EARLIEST_DATE, OLDEST_AGE, age_band_on, age_on
from pwa.caseload.signpost_rules import DESTINATIONS, STORED_STATUSES
from pwa.plans import vocab as plans_vocab
from pwa.records_import.reader import FileSpec

CLIENTS = FileSpec(
    "clients.csv",
    required=("client_ref", "registered_on"),
    optional=(
        "first_seen_on", "gender", "date_of_birth", "age_band", "ethnicity", "disability", "postcode", "how_heard",
        "referral_source", "referral_source_other", "eligible", "eligibility_reason", "assessed_on", "primary_issue",
        "employment_status", "trainer", "signposting", "exited_on", "exit_reason",
    ),
    required_file=True,
)  # fmt: skip
GOALS = FileSpec(
    "goals.csv", required=("client_ref", "goal", "set_on"), optional=("outcome", "outcome_on", "maintained")
)
MEASURES = FileSpec("measures.csv", required=("client_ref", "instrument", "stage", "value", "taken_on"))
SIGNPOSTS = FileSpec("signposts.csv", required=("client_ref", "destination", "kind", "on"))
FILES = (CLIENTS, GOALS, MEASURES, SIGNPOSTS)

REF_LIMIT = 40
REVIEW_AFTER = timedelta(days=42)  # about six weekly sessions, as a plan usually runs
# Coded client questions: blank means "not recorded".
CLIENT_CODES = {
    "gender": vocab.GENDER,
    "ethnicity": vocab.ETHNICITY,
    "disability": vocab.DISABILITY,
    "how_heard": vocab.HOW_HEARD,
    "referral_source": vocab.REFERRAL_SOURCE,
    "employment_status": vocab.EMPLOYMENT,
}
# What the episode keeps (the rest of a clients.csv row belongs to the client).
EPISODE_FIELDS = (
    "started_on", "eligible", "eligibility_reason", "eligibility_on", "assessed_on", "primary_issue", "signposting",
    "ended_on", "exit_reason",
)  # fmt: skip
SIGNPOSTING = {code: vocab.SIGNPOSTING_STATUS[code] for code in STORED_STATUSES}
# The instruments of section 9, and BMI's plausible range (the app works BMI out, so has none).
INSTRUMENTS = {
    code: vocab.INSTRUMENTS[code][0]
    for code in ("who5_percent", "general_health", "self_efficacy", "bmi", "weight_kg", "height_cm")
    + tuple(code for code in vocab.INSTRUMENTS if code.startswith("ons4_"))
}
RANGES = {**vocab.MEASURE_RANGES, "bmi": (10, 100)}
YES_NO = {"yes": True, "no": False}
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ListingName:
    """A directory listing a signpost may name."""

    id: int
    name: str
    destination: str  # its signposting category


def fold(text: str) -> str:
    """A label or name as compared: lower case, single spaces."""
    return " ".join(text.lower().split())


def code_lookup(vocabulary: Mapping[str, str]) -> dict[str, str]:
    """Code or label, in lower case, -> code. A code wins when a label looks like another code."""
    found = {fold(label): code for code, label in reversed(vocabulary.items())}
    found.update({code.lower(): code for code in vocabulary})
    return found


_LOOKUPS: dict[int, dict[str, str]] = {}


def _lookup(vocabulary: Mapping[str, str]) -> dict[str, str]:
    if id(vocabulary) not in _LOOKUPS:
        _LOOKUPS[id(vocabulary)] = code_lookup(vocabulary)
    return _LOOKUPS[id(vocabulary)]


def _choices(vocabulary: Mapping[str, str]) -> str:
    codes = list(vocabulary)
    return ", ".join(codes) if len(codes) <= 10 else ", ".join(codes[:8]) + f" ... ({len(codes)} in all)"


def coded(
    checked: Checked, cells: Mapping[str, str], column: str, vocabulary: Mapping[str, str], blank=None, *, needed=""
):
    """The code a cell gives (code or label, any case); `blank` when empty, or an error saying
    `needed` when a value must be there. Records an error when the value is not a choice."""
    text = cells.get(column, "")
    if not text:
        if needed:
            checked.errors[column] = f"{needed} Use a code or its label: {_choices(vocabulary)}."
        return blank
    code = _lookup(vocabulary).get(fold(text))
    if code is None:
        empty = "" if needed else "; or leave it empty"
        checked.errors[column] = (
            f"{text!r} is not one of the choices. Use a code or its label: {_choices(vocabulary)}{empty}."
        )
    return code


def day(checked: Checked, cells: Mapping[str, str], column: str, today: date, *, required: bool = False):
    """A date written YYYY-MM-DD, real and not in the future; None when empty or wrong."""
    text = cells.get(column, "")
    if not text:
        if required:
            checked.errors[column] = "This date is needed. Write it like 2024-03-21."
        return None
    if not DATE_FORMAT.match(text):
        checked.errors[column] = f"{text!r} is not a date written YYYY-MM-DD. Write it like 2024-03-21."
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        checked.errors[column] = f"{text} is not a real date. Check the day and the month."
        return None
    if value > today:
        checked.errors[column] = f"{text} is in the future. Check the year."
    elif value < EARLIEST_DATE and column != "date_of_birth":
        checked.errors[column] = f"{text} is before {EARLIEST_DATE.year}. Check the year."
    else:
        return value
    return None


def not_before(checked: Checked, column: str, value, other: str, earliest) -> None:
    """An error when a date comes before the one it must follow (left alone when either is missing)."""
    if value is not None and earliest is not None and value < earliest and column not in checked.errors:
        checked.errors[column] = f"{value} is before {other} ({earliest}). Check both dates."


def text(checked: Checked, cells: Mapping[str, str], column: str, limit: int) -> str:
    value = " ".join(cells.get(column, "").split())
    if len(value) > limit:
        checked.errors[column] = f"Keep this under {limit} letters (it has {len(value)})."
    return value[:limit]


def client_ref(checked: Checked, cells: Mapping[str, str]) -> str:
    """The client's number in the old system: needed, and short enough to keep."""
    ref = cells.get("client_ref", "")
    if not ref:
        checked.errors["client_ref"] = "Every row needs the client's reference number."
    elif len(ref) > REF_LIMIT:
        checked.errors["client_ref"] = f"Keep the reference under {REF_LIMIT} characters."
    return ref


# --- clients.csv -------------------------------------------------------------------------------


def check_client(cells: Mapping[str, str], *, today: date, trainers: Mapping[str, int]) -> Checked:
    """One row of clients.csv as Client and Episode values. Only the columns the file has are set,
    so a re-import without a column leaves what is stored. trainers: username (lower) -> person id."""
    checked = Checked()
    values = checked.values
    values["client_ref"] = client_ref(checked, cells)
    registered_on = values["registered_on"] = day(checked, cells, "registered_on", today, required=True)
    values["started_on"] = registered_on
    for column, vocabulary in CLIENT_CODES.items():
        if column in cells:
            values[column] = coded(checked, cells, column, vocabulary, vocab.NOT_RECORDED)
    for column in ("first_seen_on", "assessed_on", "exited_on"):
        if column in cells:
            values[column] = day(checked, cells, column, today)
            not_before(checked, column, values[column], "registered_on", registered_on)
    if "exited_on" in values:
        values["ended_on"] = values.pop("exited_on")
    _check_age(checked, cells, today, registered_on)
    if "postcode" in cells:
        postcode = normalise_postcode(cells["postcode"])
        if postcode is None:
            checked.errors["postcode"] = f"{cells['postcode']!r} is not a UK postcode. Check it (like W10 5AB)."
        values["postcode"] = postcode or ""
    if "referral_source_other" in cells:
        values["referral_source_other"] = text(checked, cells, "referral_source_other", 120)
        if values["referral_source_other"] and values.get("referral_source") not in ("other", None):
            checked.errors["referral_source_other"] = "Fill this in only when referral_source is other."
    _check_episode(checked, cells, registered_on)
    if "trainer" in cells:
        username = cells["trainer"].lower()
        values["trainer_id"] = trainers.get(username) if username else None
        if username and values["trainer_id"] is None:
            checked.errors["trainer"] = (
                f"No trainer or trainee of this service has the username {cells['trainer']!r}. "
                "Check the spelling, or leave it empty."
            )
    return checked


def _check_age(checked: Checked, cells: Mapping[str, str], today: date, registered_on: date | None) -> None:
    """The date of birth wins: the band is worked out from it on the registration day, as
    registration does. Without one, the age band given (blank: not recorded)."""
    values = checked.values
    if "date_of_birth" not in cells and "age_band" not in cells:
        return
    band = coded(checked, cells, "age_band", vocab.AGE_BANDS, vocab.NOT_RECORDED)
    born = None
    if "date_of_birth" in cells:
        born = values["date_of_birth"] = day(checked, cells, "date_of_birth", today)
    if born is not None and registered_on is not None and born > registered_on:
        checked.errors["date_of_birth"] = f"{born} is after registered_on ({registered_on}). Check both dates."
    elif born is not None and age_on(born, registered_on or today) > OLDEST_AGE:
        checked.errors["date_of_birth"] = f"Check the year: that is over {OLDEST_AGE} years before they registered."
    values["age_band"] = age_band_on(born, registered_on or today) if born is not None else band


def _check_episode(checked: Checked, cells: Mapping[str, str], registered_on: date | None) -> None:
    """Eligibility, assessment, signposting choice and exit: the client's first episode."""
    values, errors = checked.values, checked.errors
    if "eligible" in cells:
        answer = cells["eligible"].lower()
        values["eligible"] = YES_NO.get(answer)
        if answer and answer not in YES_NO:
            errors["eligible"] = f"{cells['eligible']!r}: write yes or no, or leave it empty."
        values["eligibility_on"] = registered_on if values["eligible"] is not None else None
    if "eligibility_reason" in cells:
        values["eligibility_reason"] = text(checked, cells, "eligibility_reason", 200)
    if "primary_issue" in cells:
        values["primary_issue"] = coded(checked, cells, "primary_issue", vocab.PRIMARY_ISSUE)
    if "signposting" in cells:
        values["signposting"] = coded(checked, cells, "signposting", SIGNPOSTING, "not_yet_done")
        if cells["signposting"].lower() == "done":
            errors["signposting"] = (
                "'done' is worked out from signposts.csv. Write not_required or not_yet_done, or leave it empty."
            )
    if "exit_reason" in cells:
        values["exit_reason"] = coded(checked, cells, "exit_reason", vocab.EXIT_REASONS)
        if values["exit_reason"] and values.get("ended_on") is None and "exited_on" not in errors:
            errors["exit_reason"] = "There is a reason but no exited_on date. Add the day they finished."


# --- goals.csv, measures.csv, signposts.csv ------------------------------------------------------


def check_goal(cells: Mapping[str, str], *, today: date, registered_on: date | None) -> Checked:
    """One row of goals.csv: the goal code, when it was set, and how it turned out."""
    checked = Checked()
    values = checked.values
    values["client_ref"] = client_ref(checked, cells)
    code = values["code"] = coded(checked, cells, "goal", plans_vocab.GOAL_CODES, needed="Every goal needs its code.")
    values["wording"] = plans_vocab.GOAL_CODES.get(code, "")
    start = values["start_date"] = day(checked, cells, "set_on", today, required=True)
    not_before(checked, "set_on", start, "the client's registered_on", registered_on)
    values["review_date"] = start + REVIEW_AFTER if start else None
    if "outcome" in cells:
        values["outcome"] = coded(checked, cells, "outcome", plans_vocab.GOAL_OUTCOMES)
    if "outcome_on" in cells:
        values["outcome_on"] = day(checked, cells, "outcome_on", today)
        not_before(checked, "outcome_on", values["outcome_on"], "set_on", start)
        if values["outcome_on"] and not values.get("outcome") and "outcome" not in checked.errors:
            checked.errors["outcome_on"] = "There is a date but no outcome. Add the outcome, or clear the date."
    if "maintained" in cells:
        values["maintained"] = coded(checked, cells, "maintained", plans_vocab.MAINTAINED)
    return checked


def check_measure(cells: Mapping[str, str], *, today: date) -> Checked:
    """One row of measures.csv: an instrument's value at a stage, on a day."""
    checked = Checked()
    values = checked.values
    values["client_ref"] = client_ref(checked, cells)
    instrument = values["instrument"] = coded(
        checked, cells, "instrument", INSTRUMENTS, needed="Say what was measured."
    )
    values["stage"] = coded(checked, cells, "stage", vocab.MEASURE_STAGES, needed="Say when it was measured.")
    values["taken_on"] = day(checked, cells, "taken_on", today, required=True)
    values["value"] = _measure_value(checked, cells.get("value", ""), instrument)
    return checked


def _measure_value(checked: Checked, raw: str, instrument: str | None) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        checked.errors["value"] = (
            f"{raw!r} is not a number. Write it with a dot for decimals, like 72.5."
            if raw
            else ("The value is needed.")
        )
        return None
    if instrument is None:
        return value
    low, high = RANGES[instrument]
    if not low <= value <= high:
        checked.errors["value"] = f"{raw} is outside {low:g} to {high:g}, the range for {instrument}. Check it."
    elif instrument.startswith("ons4_") and value != int(value):
        checked.errors["value"] = f"{raw}: ONS4 answers are whole numbers from 0 to 10."
    elif instrument == "who5_percent" and value % 4:
        checked.errors["value"] = f"{raw}: the WHO-5 percent is the score out of 25 times 4, so 0, 4, 8 ... 100."
    else:
        return value
    return None


def check_signpost(cells: Mapping[str, str], *, today: date, listings: Mapping[str, list[ListingName]]) -> Checked:
    """One row of signposts.csv. The destination is a listing of the service's directory (its exact
    name, any case) or else a destination category (a referral-source code or label)."""
    checked = Checked()
    values = checked.values
    values["client_ref"] = client_ref(checked, cells)
    named = cells.get("destination", "")
    matches = listings.get(fold(named), []) if named else []
    values["listing_id"], values["destination_name"] = None, ""
    if len(matches) > 1:
        checked.errors["destination"] = f"{len(matches)} listings are called {named!r}. Use the category instead."
        values["destination"] = None
    elif matches:
        listing = matches[0]
        values["destination"], values["listing_id"], values["destination_name"] = (
            listing.destination,
            listing.id,
            listing.name,
        )
    else:
        values["destination"] = coded(checked, cells, "destination", DESTINATIONS)
        if named and values["destination"] is None:
            checked.errors["destination"] = (
                f"{named!r} is neither a listing in this service's directory nor a destination category "
                f"({_choices(DESTINATIONS)}). Check the spelling."
            )
        elif not named:
            checked.errors["destination"] = "Say where they were sent: a listing's name or a category."
    values["kind"] = coded(checked, cells, "kind", vocab.SIGNPOST_KINDS, needed="Say how they were sent.")
    values["made_on"] = day(checked, cells, "on", today, required=True)
    return checked
