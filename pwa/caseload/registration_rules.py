"""Checking a client's registration, details and consent, spotting possible duplicates, and
making a username. No HTTP and no database in here."""

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date

from pwa.caseload import vocab
from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import district, normalise_postcode

NAME_LIMIT = 120
OLDEST_AGE = 120
EARLIEST_DATE = date(2000, 1, 1)
MAX_PARTNERS = 20
SIMILAR_NAME_RATIO = 0.85

# The age bands of the vocabulary as (band, youngest, oldest) in whole years.
AGE_BAND_BOUNDS = [
    ("under_18", 0, 17),
    ("18_25", 18, 25),
    ("26_35", 26, 35),
    ("36_45", 36, 45),
    ("46_55", 46, 55),
    ("56_65", 56, 65),
    ("over_65", 66, 999),
]

# Coded questions everyone must answer ("prefer not to say" is always there), with the message.
REQUIRED_CODES = {
    "gender": (vocab.GENDER, "Choose their gender, or 'Prefer not to say'."),
    "ethnicity": (vocab.ETHNICITY, "Choose their ethnic group, or 'Prefer not to say'."),
    "disability": (vocab.DISABILITY, "Say whether they are disabled, or 'Prefer not to say'."),
    "how_heard": (vocab.HOW_HEARD, "Choose how they heard about us, or 'Does not apply'."),
    "referral_source": (vocab.REFERRAL_SOURCE, "Choose who sent them to us, or 'Self-referral'."),
}
# Coded questions that may wait: blank means "not recorded".
OPTIONAL_CODES = {
    "employment_status": vocab.EMPLOYMENT,
    "time_since_paid_work": vocab.TIME_SINCE_PAID_WORK,
    "gp_registered": vocab.GP_REGISTERED,
}
DETAIL_FIELDS = (
    ["full_name", "date_of_birth", "age_band", "phone", "postcode", "referral_source_other", "communities"]
    + ["heard_at_event_id"]
    + list(REQUIRED_CODES)
    + list(OPTIONAL_CODES)
)
CONSENT_FIELDS = [
    "consent_data_use",
    "contact_by_text",
    "contact_by_phone",
    "contact_by_app",
    "diary_shared",
    "partner_sharing",
    "consent_signed_on",
]


def age_on(date_of_birth: date, on_date: date) -> int:
    """Age in whole years on a day. Someone born on 29 February has their birthday on 1 March
    in other years, as in UK law."""
    return on_date.year - date_of_birth.year - ((on_date.month, on_date.day) < (date_of_birth.month, date_of_birth.day))


def age_band_on(date_of_birth: date, on_date: date) -> str:
    """The age band code for someone born on date_of_birth, on on_date (18_25 means 18 to 25)."""
    age = max(age_on(date_of_birth, on_date), 0)
    return next(band for band, youngest, oldest in AGE_BAND_BOUNDS if youngest <= age <= oldest)


def _get(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def _get_list(raw: Mapping, name: str) -> list[str]:
    """Every value of a field sent several times (checkboxes), from a form or a plain dict."""
    values = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name) or []
    return [value.strip() for value in ([values] if isinstance(values, str) else values) if value.strip()]


def _yes(raw: Mapping, name: str) -> bool:
    return _get(raw, name).lower() in {"yes", "on", "true", "1", "y"}


def _date(raw: Mapping, name: str) -> tuple[date | None, bool]:
    """(the date, whether something unreadable was typed)."""
    text = _get(raw, name)
    if not text:
        return None, False
    try:
        return date.fromisoformat(text), False
    except ValueError:
        return None, True


def clean_phone(text: str) -> str | None:
    """A UK-looking phone number as digits starting 0 ("07700900123"); "" when empty; None when
    it does not look like a UK number."""
    digits = re.sub(r"[\s().-]", "", text)
    if not digits:
        return ""
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    if re.fullmatch(r"0[1-9][0-9]{8,9}", digits):
        return digits
    return None


def split_partners(text: str) -> list[str]:
    """Partner organisations typed one per line or separated by commas, without blanks or repeats."""
    names: list[str] = []
    for part in re.split(r"[\n,;]", text):
        name = " ".join(part.split())
        if name and name.lower() not in {known.lower() for known in names}:
            names.append(name)
    return names


def check_details(
    raw: Mapping,
    *,
    today: date,
    registered_on: date | None = None,
    event_known: Callable[[int], bool] = lambda event_id: False,
) -> Checked:
    """Check the facts about a client (DOMAIN.md section 3). The age band comes from the date of
    birth on the registration day when it is known; otherwise it is the band chosen.
    event_known says whether an event id is one of the service's (for "heard at an event")."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    on_day = registered_on or today

    values["full_name"] = " ".join(_get(raw, "full_name").split())
    if not values["full_name"]:
        errors["full_name"] = "Type their full name."
    elif len(values["full_name"]) > NAME_LIMIT:
        errors["full_name"] = f"Keep the name under {NAME_LIMIT} letters."

    for name, (codes, message) in REQUIRED_CODES.items():
        values[name] = _get(raw, name)
        if values[name] not in codes:
            errors[name] = message if not values[name] else "Choose one from the list."
    for name, codes in OPTIONAL_CODES.items():
        values[name] = _get(raw, name) or vocab.NOT_RECORDED
        if values[name] not in codes:
            errors[name] = "Choose one from the list, or leave it empty."

    _check_age(raw, on_day, today, values, errors)

    phone = clean_phone(_get(raw, "phone"))
    values["phone"] = phone or ""
    if phone is None:
        errors["phone"] = "Type a UK phone number like 07700 900123, or leave it empty."

    postcode = normalise_postcode(_get(raw, "postcode"))
    values["postcode"] = postcode or ""
    values["postcode_district"] = district(postcode or "")
    if postcode is None:
        errors["postcode"] = "This is not a UK postcode. Check it (like W10 5AB), or leave it empty."

    values["referral_source_other"] = " ".join(_get(raw, "referral_source_other").split())
    if values["referral_source"] != "other":
        values["referral_source_other"] = ""
    elif not values["referral_source_other"]:
        errors["referral_source_other"] = "Say who sent them to us."
    elif len(values["referral_source_other"]) > 120:
        errors["referral_source_other"] = "Keep this under 120 letters."

    _check_heard_at_event(raw, event_known, values, errors)

    communities = _get_list(raw, "communities")
    values["communities"] = [code for code in vocab.COMMUNITIES if code in communities]
    if any(code not in vocab.COMMUNITIES for code in communities):
        errors["communities"] = "Choose communities from the list."
    return checked


def _check_heard_at_event(raw: Mapping, event_known: Callable[[int], bool], values: dict, errors: dict) -> None:
    """The event where they heard of us: optional, only for "promotional event", and one of the
    service's events. Any other answer to "how heard" clears it."""
    typed = _get(raw, "heard_at_event_id")
    values["heard_at_event_id"] = None
    if values.get("how_heard") != "promotional_event" or not typed:
        return
    event_id = int(typed) if typed.isdigit() and len(typed) <= 9 else None
    if event_id is None or not event_known(event_id):
        errors["heard_at_event_id"] = "Choose the event from the list, or leave it empty."
        return
    values["heard_at_event_id"] = event_id


def _check_age(raw: Mapping, on_day: date, today: date, values: dict, errors: dict) -> None:
    """Date of birth, or an age band when it is not given. The date of birth wins."""
    born, unreadable = _date(raw, "date_of_birth")
    values["date_of_birth"] = born
    band = _get(raw, "age_band")
    if unreadable:
        errors["date_of_birth"] = "Type the date of birth as a date, like 1980-03-21."
    elif born is not None and born > today:
        errors["date_of_birth"] = "The date of birth cannot be in the future."
    elif born is not None and age_on(born, today) > OLDEST_AGE:
        errors["date_of_birth"] = f"Check the year: that is over {OLDEST_AGE} years ago."
    elif born is not None:
        values["age_band"] = age_band_on(born, on_day)
    elif band in vocab.AGE_BANDS:
        values["age_band"] = band
    else:
        values["age_band"] = band
        errors["age_band"] = (
            "Choose one from the list."
            if band
            else "Type their date of birth, or choose an age band. 'Prefer not to say' is fine."
        )


def check_consent(raw: Mapping, *, today: date, registering: bool) -> Checked:
    """Check the consent choices. To register, the client must agree to us keeping their details."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    for name in ("consent_data_use", "contact_by_text", "contact_by_phone", "contact_by_app", "diary_shared"):
        values[name] = _yes(raw, name)
    if registering and not values["consent_data_use"]:
        errors["consent_data_use"] = (
            "They must agree to us keeping their details. If they do not agree, do not register them: "
            "do not save this form."
        )
    values["partner_sharing"] = split_partners(_get(raw, "partner_sharing"))
    if len(values["partner_sharing"]) > MAX_PARTNERS:
        errors["partner_sharing"] = f"List up to {MAX_PARTNERS} organisations."
    elif any(len(name) > 120 for name in values["partner_sharing"]):
        errors["partner_sharing"] = "Keep each organisation's name under 120 letters."
    signed, unreadable = _date(raw, "consent_signed_on")
    values["consent_signed_on"] = signed
    if unreadable:
        errors["consent_signed_on"] = "Type the date the form was signed, like 2025-03-21, or leave it empty."
    elif signed is not None and signed > today:
        errors["consent_signed_on"] = "The form cannot be signed in the future."
    elif signed is not None and signed < EARLIEST_DATE:
        errors["consent_signed_on"] = "Check the year of this date."
    return checked


def check_registration(
    raw: Mapping, *, today: date, event_known: Callable[[int], bool] = lambda event_id: False
) -> Checked:
    """Check a whole registration form: the date, the client's details and their consent."""
    checked = Checked()
    registered_on, unreadable = _date(raw, "registered_on")
    registered_on = registered_on or (None if unreadable else today)
    if unreadable:
        checked.errors["registered_on"] = "Type the date, like 2025-03-21."
    elif registered_on > today:
        checked.errors["registered_on"] = "The registration date cannot be in the future."
    elif registered_on < EARLIEST_DATE:
        checked.errors["registered_on"] = "Check the year of this date."
    checked.values["registered_on"] = registered_on
    for part in (
        check_details(
            raw,
            today=today,
            registered_on=registered_on if not checked.errors else today,
            event_known=event_known,
        ),
        check_consent(raw, today=today, registering=True),
    ):
        checked.values.update(part.values)
        checked.errors.update(part.errors)
    return checked


# --- Possible duplicates -------------------------------------------------------------------


def name_key(full_name: str) -> tuple[str, str]:
    """(first name, surname) in plain lower-case letters, for comparing names."""
    plain = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z\s]", "", plain.replace("-", " ")).split()
    if not words:
        return "", ""
    return words[0], words[-1] if len(words) > 1 else ""


def similar_names(one: str, other: str) -> bool:
    """Names close enough to be the same person: same surname and first initial, or nearly the
    same letters ("Jon Smith" and "John Smith", "Mohammed Ali" and "Muhammad Ali")."""
    first, last = name_key(one)
    other_first, other_last = name_key(other)
    if not first or not other_first:
        return False
    if last and last == other_last and first[0] == other_first[0]:
        return True
    ratio = difflib.SequenceMatcher(None, f"{first} {last}", f"{other_first} {other_last}").ratio()
    return ratio >= SIMILAR_NAME_RATIO


def duplicate_reason(full_name: str, date_of_birth: date | None, postcode: str, existing) -> str | None:
    """Why an existing client may be the same person ("date_of_birth" or "postcode"), or None."""
    if not similar_names(full_name, existing.full_name):
        return None
    if date_of_birth is not None and existing.date_of_birth == date_of_birth:
        return "date_of_birth"
    if postcode and existing.postcode == postcode:
        return "postcode"
    return None


# --- Usernames for client accounts ---------------------------------------------------------

USERNAME_FORMAT = re.compile(r"^[a-z0-9][a-z0-9._-]{1,58}[a-z0-9]$")


def username_base(full_name: str) -> str:
    """A username made from a name: "Zoë O'Neil" -> "zoe.oneil"."""
    plain = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9\s]", "", plain).split()
    base = ".".join(words[:1] + words[-1:] if len(words) > 1 else words)[:50]
    return base if len(base) >= 3 else f"client{('.' + base) if base else ''}"
