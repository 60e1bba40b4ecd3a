"""Measures (DOMAIN.md section 4): BMI and its bands, WHO-5 scoring, report steps, and the
measures form's checks. Pure functions: no app, no database."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from pwa.caseload import vocab
from pwa.caseload.measures import (
    bmi,
    bmi_band,
    check_measures,
    compare,
    form_values,
    general_health_step,
    self_efficacy_step,
    who5_percent,
)

TODAY = date(2025, 6, 11)
WHO5_ALL_THREES = {f"who5_{number}": "3" for number in range(1, 6)}


@pytest.mark.parametrize(
    "height, weight, expected",
    [
        (170, 70, 24.2),  # 24.221...
        (180, 81, 25.0),
        (160, 102.4, 40.0),
        (150, 45, 20.0),
        (175, 61.25, 20.0),  # exactly 20.0
        (200, 159.8, 40.0),  # 39.95 rounds half up
    ],
)
def test_bmi_is_weight_over_height_squared_to_one_decimal(height, weight, expected):
    assert bmi(height, weight) == expected


def test_bmi_refuses_zero_height():
    with pytest.raises(ValueError):
        bmi(0, 70)


@pytest.mark.parametrize(
    "value, band",
    [
        (12.0, "under_20"),
        (19.99, "under_20"),
        (20, "20_25"),
        (24.99, "20_25"),
        (25, "25_30"),
        (29.99, "25_30"),
        (30, "30_35"),
        (34.99, "30_35"),
        (35, "35_40"),
        (39.99, "35_40"),
        (40, "over_40"),
        (55.5, "over_40"),
    ],
)
def test_bmi_bands_include_their_lower_bound_and_exclude_the_upper(value, band):
    assert bmi_band(value) == band
    assert band in vocab.BMI_BANDS


@pytest.mark.parametrize(
    "items, percent",
    [
        ([0, 0, 0, 0, 0], 0),
        ([5, 5, 5, 5, 5], 100),
        ([3, 3, 3, 3, 3], 60),
        ([1, 2, 3, 4, 5], 60),
        ([0, 0, 0, 0, 1], 4),
    ],
)
def test_who5_percent_is_the_raw_score_times_four(items, percent):
    assert who5_percent(items) == percent


@pytest.mark.parametrize("items", [[3, 3, 3, 3], [3, 3, 3, 3, 3, 3], [], [6, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [1.5] * 5])
def test_who5_refuses_wrong_count_or_range(items):
    with pytest.raises(ValueError):
        who5_percent(items)


@pytest.mark.parametrize(
    "value, step",
    [(0, 0), (4, 0), (5, 10), (14, 10), (15, 20), (47, 50), (100, 100), (-4, 0), (-5, -10), (-26, -30)],
)
def test_general_health_rounds_to_ten_point_steps(value, step):
    assert general_health_step(value) == step


@pytest.mark.parametrize(
    "value, step", [(0, 0), (2, 0), (2.5, 5), (7, 5), (8, 10), (23, 25), (-2.5, -5), (-7, -5), (-8, -10)]
)
def test_self_efficacy_rounds_to_five_point_steps(value, step):
    assert self_efficacy_step(value) == step


# --- The form -------------------------------------------------------------------------------


def test_an_empty_form_is_fine_when_nothing_is_required():
    checked = check_measures({}, "baseline", today=TODAY)
    assert checked.ok and checked.empty and checked.taken_on == TODAY


def test_height_and_weight_give_a_bmi_with_the_same_method():
    checked = check_measures(
        {"height_cm": "170", "weight_kg": "72,5", "method": "self_reported"}, "baseline", today=TODAY
    )
    assert checked.ok
    assert checked.values == {"height_cm": 170.0, "weight_kg": 72.5, "bmi": 25.1}
    rows = {row["instrument"]: row for row in checked.rows()}
    assert {rows[name]["method"] for name in ("height_cm", "weight_kg", "bmi")} == {"self_reported"}


def test_weight_alone_is_kept_without_a_bmi():
    checked = check_measures({"weight_kg": "80", "method": "measured"}, "review", today=TODAY)
    assert checked.ok and checked.values == {"weight_kg": 80.0}


def test_weight_alone_uses_a_known_height_for_the_bmi():
    checked = check_measures({"weight_kg": "72.5", "method": "measured"}, "exit", today=TODAY, known_height=170)
    assert checked.values == {"weight_kg": 72.5, "bmi": 25.1}
    assert {row["method"] for row in checked.rows()} == {"measured"}


def test_height_or_weight_needs_the_method():
    checked = check_measures({"weight_kg": "80"}, "review", today=TODAY)
    assert "measured" in checked.errors["method"]


@pytest.mark.parametrize(
    "name, low, high, too_low, too_high",
    [
        ("height_cm", 100, 250, "99.9", "251"),
        ("weight_kg", 25, 350, "24", "351"),
        ("general_health", 0, 100, "-1", "101"),
        ("self_efficacy", 0, 100, "-5", "105"),
        ("cholesterol", 1, 20, "0.5", "21"),
        ("waist_cm", 40, 200, "39", "201"),
    ],
)
def test_each_measure_keeps_to_its_plausible_range(name, low, high, too_low, too_high):
    assert vocab.MEASURE_RANGES[name] == (low, high)
    extra = {"method": "measured"}
    for good in (str(low), str(high)):
        assert check_measures({name: good, **extra}, "review", today=TODAY).values[name] == float(good)
    for bad in (too_low, too_high, "lots"):
        errors = check_measures({name: bad, **extra}, "review", today=TODAY).errors
        assert f"from {low:g} to {high:g}" in errors[name]


def test_scores_must_be_whole_numbers():
    errors = check_measures({"general_health": "55.5"}, "review", today=TODAY).errors
    assert errors["general_health"] == "General health: type a whole number."


def review_errors(raw: dict) -> dict:
    return check_measures(raw, "review", today=TODAY).errors


def test_blood_pressure_needs_both_numbers_with_the_top_one_bigger():
    assert check_measures({"bp_systolic": "130", "bp_diastolic": "85"}, "review", today=TODAY).values == {
        "bp_systolic": 130.0,
        "bp_diastolic": 85.0,
    }
    assert "both numbers" in review_errors({"bp_systolic": "130"})["bp_diastolic"]
    assert "bigger" in review_errors({"bp_systolic": "80", "bp_diastolic": "90"})["bp_systolic"]
    assert "70 to 250" in review_errors({"bp_systolic": "60", "bp_diastolic": "45"})["bp_systolic"]
    assert "40 to 150" in review_errors({"bp_systolic": "200", "bp_diastolic": "160"})["bp_diastolic"]


def test_who5_answers_all_five_or_none():
    checked = check_measures(WHO5_ALL_THREES, "baseline", today=TODAY)
    assert checked.ok and checked.values == {"who5_percent": 60.0} and checked.who5_items == [3, 3, 3, 3, 3]
    assert checked.rows()[0]["items"] == [3, 3, 3, 3, 3]
    partial = {**WHO5_ALL_THREES, "who5_5": ""}
    assert "all five" in check_measures(partial, "baseline", today=TODAY).errors["who5"]
    wrong = {**WHO5_ALL_THREES, "who5_2": "7"}
    assert "who5" in check_measures(wrong, "baseline", today=TODAY).errors


def test_required_measures_are_asked_for():
    checked = check_measures({}, "exit", today=TODAY, required=["weight_kg", "who5"])
    assert set(checked.errors) == {"weight_kg", "who5"}
    assert "at least one" in check_measures({}, "review", today=TODAY, need_one=True).errors["height_cm"]


def test_stage_and_day_are_checked():
    assert "stage" in check_measures({}, "someday", today=TODAY).errors
    assert "future" in review_errors({"taken_on": (TODAY + timedelta(days=1)).isoformat()})["taken_on"]
    assert check_measures({"taken_on": "2025-06-01"}, "review", today=TODAY).taken_on == date(2025, 6, 1)


def _measure(instrument, value, stage, method="", items=None):
    return SimpleNamespace(instrument=instrument, value=value, stage=stage, method=method, items=items)


def test_compare_puts_the_start_beside_the_latest_later_value():
    rows = compare(
        [
            _measure("weight_kg", 90, "baseline"),
            _measure("who5_percent", 40, "baseline"),
            _measure("weight_kg", 88, "review"),
            _measure("weight_kg", 85.5, "exit"),
            _measure("self_efficacy", 70, "review"),
        ]
    )
    by_name = {row.instrument: row for row in rows}
    assert [row.instrument for row in rows] == ["weight_kg", "who5_percent", "self_efficacy"]
    assert (by_name["weight_kg"].latest, by_name["weight_kg"].latest_stage, by_name["weight_kg"].change) == (
        85.5,
        "exit",
        -4.5,
    )
    assert by_name["who5_percent"].change is None and by_name["self_efficacy"].baseline is None


def test_form_values_refill_a_form_from_stored_measures():
    values = form_values(
        [_measure("weight_kg", 80.5, "exit", "measured"), _measure("who5_percent", 60, "exit", items=[3] * 5)]
    )
    assert values == {"weight_kg": "80.5", "method": "measured", **WHO5_ALL_THREES}
