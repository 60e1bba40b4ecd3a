"""Measures (DOMAIN.md section 4): BMI and its band, WHO-5, report steps, and checking a
measures form. Pure functions: no database, no HTTP."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pwa.caseload import vocab

# Upper bounds of the BMI bands, [low, high) style: 19.99 is under 20, 20 is in 20 to 25.
_BMI_BANDS = [(20, "under_20"), (25, "20_25"), (30, "25_30"), (35, "30_35"), (40, "35_40")]
WHO5_COUNT = len(vocab.WHO5_ITEMS)

# Form fields for single numbers, in the order they are shown; WHO-5 is five radio questions.
NUMBER_FIELDS = [
    "height_cm",
    "weight_kg",
    "general_health",
    "self_efficacy",
    "bp_systolic",
    "bp_diastolic",
    "cholesterol",
    "waist_cm",
]
WHOLE_NUMBERS = {"general_health", "self_efficacy", "bp_systolic", "bp_diastolic"}
WHO5_FIELDS = [f"who5_{number}" for number in range(1, WHO5_COUNT + 1)]


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body mass index, kg per square metre, to one decimal place (halves round up)."""
    if height_cm <= 0 or weight_kg <= 0:
        raise ValueError("height and weight must be more than zero")
    exact = Decimal(str(weight_kg)) / (Decimal(str(height_cm)) / 100) ** 2
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bmi_band(value: float) -> str:
    """The report band of a BMI: under_20, 20_25, 25_30, 30_35, 35_40 or over_40."""
    for upper, band in _BMI_BANDS:
        if value < upper:
            return band
    return "over_40"


def who5_percent(items: Iterable[int]) -> int:
    """The WHO-5 wellbeing index: five answers 0..5 add up to 0..25, reported times 4 (0..100)."""
    answers = list(items)
    if len(answers) != WHO5_COUNT:
        raise ValueError(f"WHO-5 needs {WHO5_COUNT} answers, not {len(answers)}")
    if any(isinstance(answer, bool) or answer not in range(6) for answer in answers):
        raise ValueError("each WHO-5 answer is a whole number from 0 to 5")
    return sum(answers) * 4


def _nearest_step(value: float, size: int) -> int:
    """The nearest multiple of size; halves go away from zero, so steps are symmetric."""
    steps = math.floor(abs(value) / size + 0.5)
    return int(math.copysign(steps * size, value)) if steps else 0


def general_health_step(value: float) -> int:
    """General health (or its change) in the 10-point steps of the reports."""
    return _nearest_step(value, 10)


def self_efficacy_step(value: float) -> int:
    """Self-efficacy (or its change) in the 5-point steps of the reports."""
    return _nearest_step(value, 5)


# --- The measures form ---------------------------------------------------------------------


@dataclass
class CheckedMeasures:
    """What a measures form holds once checked: one value per instrument, ready to store."""

    values: dict[str, float] = field(default_factory=dict)  # instrument -> value, BMI included
    method: str = ""  # measured or self_reported, for height, weight and BMI
    who5_items: list[int] | None = None
    taken_on: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def empty(self) -> bool:
        return not self.values

    def rows(self) -> list[dict[str, Any]]:
        """One dict per Measure row: instrument, value, method, items."""
        rows = []
        for instrument, value in self.values.items():
            row = {"instrument": instrument, "value": value, "method": "", "items": None}
            if instrument in ("height_cm", "weight_kg", "bmi"):
                row["method"] = self.method
            if instrument == "who5_percent":
                row["items"] = list(self.who5_items or [])
            rows.append(row)
        return rows


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str) -> float | None:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _range_message(instrument: str) -> str:
    low, high = vocab.MEASURE_RANGES[instrument]
    label, unit = vocab.INSTRUMENTS[instrument]
    unit = f" {unit}" if unit in ("cm", "kg", "mmHg", "mmol/L") else ""
    return f"{label}: type a number from {low:g} to {high:g}{unit}."


def check_measures(
    raw: Mapping,
    stage: str,
    *,
    today: date,
    required: Iterable[str] = (),
    need_one: bool = False,
    known_height: float | None = None,
) -> CheckedMeasures:
    """Check a measures form. Each measure is optional unless named in `required` (field names,
    or "who5"); `need_one` asks for at least one. Height and weight give a BMI; a weight alone
    uses `known_height` (the client's last height) when there is one."""
    checked = CheckedMeasures()
    values, errors = checked.values, checked.errors
    required = set(required)
    if stage not in vocab.MEASURE_STAGES:
        errors["stage"] = "Choose when these were taken."
    checked.taken_on = _taken_on(raw, today, errors)
    for name in NUMBER_FIELDS:
        text = _text(raw, name)
        if not text:
            if name in required:
                errors[name] = f"{vocab.INSTRUMENTS[name][0]}: this is needed."
            continue
        number = _number(text)
        low, high = vocab.MEASURE_RANGES[name]
        if number is None or not low <= number <= high:
            errors[name] = _range_message(name)
        elif name in WHOLE_NUMBERS and number != int(number):
            errors[name] = f"{vocab.INSTRUMENTS[name][0]}: type a whole number."
        else:
            values[name] = round(number, 1)

    _check_body(raw, values, errors, checked, known_height)
    _check_blood_pressure(values, errors)
    _check_who5(raw, required, values, errors, checked)
    if need_one and not values and not errors:
        errors["height_cm"] = "Type at least one measure."
    # The measure order of the form, with BMI after weight.
    order = ["height_cm", "weight_kg", "bmi", "who5_percent", *NUMBER_FIELDS[2:]]
    checked.values = {name: values[name] for name in order if name in values}
    return checked


def _taken_on(raw: Mapping, today: date, errors: dict) -> date | None:
    """The day the measures were taken: today unless the form says another day (never ahead)."""
    text = _text(raw, "taken_on")
    if not text:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["taken_on"] = "Choose the day the measures were taken."
        return None
    if day > today:
        errors["taken_on"] = "The day cannot be in the future."
        return None
    return day


def _check_body(raw: Mapping, values: dict, errors: dict, checked: CheckedMeasures, known_height: float | None) -> None:
    """Height and weight need to say how they were taken; both together give the BMI."""
    method = _text(raw, "method")
    given = any(_text(raw, name) for name in ("height_cm", "weight_kg"))
    if given and method not in vocab.MEASURE_METHOD:
        errors["method"] = "Say whether height and weight were measured or the client told you."
    elif given:
        checked.method = method
    height = values.get("height_cm", known_height if "height_cm" not in errors else None)
    if height and "weight_kg" in values:
        values["bmi"] = bmi(height, values["weight_kg"])


def _check_blood_pressure(values: dict, errors: dict) -> None:
    top, bottom = values.get("bp_systolic"), values.get("bp_diastolic")
    if (top is None) != (bottom is None) and "bp_systolic" not in errors and "bp_diastolic" not in errors:
        missing = "bp_diastolic" if bottom is None else "bp_systolic"
        errors[missing] = "Blood pressure needs both numbers, top and bottom, or neither."
    elif top is not None and bottom is not None and top <= bottom:
        errors["bp_systolic"] = "The top number of blood pressure must be bigger than the bottom number."
    for name in ("bp_systolic", "bp_diastolic"):
        if name in errors:
            values.pop(name, None)


def _check_who5(raw: Mapping, required: set, values: dict, errors: dict, checked: CheckedMeasures) -> None:
    """All five WHO-5 questions, or none of them."""
    answers = [_text(raw, name) for name in WHO5_FIELDS]
    if not any(answers):
        if "who5" in required:
            errors["who5"] = "Ask all five wellbeing questions."
        return
    if not all(answers):
        errors["who5"] = "Answer all five wellbeing questions, or leave all five empty."
        return
    try:
        items = [int(answer) for answer in answers]
        percent = who5_percent(items)
    except ValueError:
        errors["who5"] = "Choose one answer for each wellbeing question."
        return
    checked.who5_items = items
    values["who5_percent"] = float(percent)


def form_values(measures: Iterable) -> dict[str, str]:
    """Stored Measure rows (or anything with instrument, value, method, items) as form values."""
    values: dict[str, str] = {}
    for measure in measures:
        if measure.instrument == "who5_percent" and measure.items:
            values.update({name: str(item) for name, item in zip(WHO5_FIELDS, measure.items, strict=False)})
        elif measure.instrument in NUMBER_FIELDS:
            values[measure.instrument] = f"{measure.value:g}"
        if measure.method:
            values["method"] = measure.method
    return values


# --- Comparing stages ----------------------------------------------------------------------


@dataclass
class MeasureChange:
    """One instrument's baseline and latest value, for the record's measures table."""

    instrument: str
    baseline: float | None
    latest: float | None
    latest_stage: str | None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.latest is None:
            return None
        return round(self.latest - self.baseline, 1)


def compare(measures: Iterable) -> list[MeasureChange]:
    """Baseline against the latest later value (exit, follow-up or review), per instrument.
    `measures` are oldest first; the last baseline and the last later value win."""
    baseline: dict[str, float] = {}
    latest: dict[str, tuple[float, str]] = {}
    for measure in measures:
        if measure.stage == "baseline":
            baseline[measure.instrument] = measure.value
        else:
            latest[measure.instrument] = (measure.value, measure.stage)
    names = [name for name in vocab.INSTRUMENTS if name in baseline or name in latest]
    return [
        MeasureChange(
            instrument=name,
            baseline=baseline.get(name),
            latest=latest[name][0] if name in latest else None,
            latest_stage=latest[name][1] if name in latest else None,
        )
        for name in names
    ]
