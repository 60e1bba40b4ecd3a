"""Checking diary entries (pwa.diary.rules): every kind, ranges, times, units. No HTTP."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pwa.diary import vocab
from pwa.diary.rules import check_entry, day_choices

# A fixed "now": 10:00 in London on a summer day (09:00 UTC).
NOW = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)


_numbers = itertools.count(1)


def entry(kind, **fields):
    # Numbered, not random: test ids must be the same in every pytest-xdist worker.
    return {"uuid": str(uuid.UUID(int=next(_numbers), version=4)), "kind": kind, **fields}


VALID = [
    entry("food", meal="lunch", description="Beans on toast", food_groups=["starchy", "protein"], portions="1.5"),
    entry("food", meal="snack", portions=2),
    entry("food", meal="drink", food_groups=["dairy"], sugary_drinks="0"),
    entry("activity", activity="walking", minutes="30"),
    entry("activity", activity="swimming", minutes=1440, intensity="vigorous", steps="0"),
    entry("alcohol", drink="beer_pint_4", quantity="2"),
    entry("alcohol", drink="other", volume_ml="330", abv="5"),
    entry("alcohol", marker="drink_free"),
    entry("smoking", cigarettes="10"),
    entry("smoking", tobacco="vapes", cigarettes=3),
    entry("smoking", marker="smoke_free"),
    entry("mood", mood="4", mood_words=["tired", "calm"]),
    entry("mood", mood=1),
    entry("weight", weight_kg="72.5"),
    entry("weight", weight_kg=25),
    entry("weight", weight_kg="350"),
]


@pytest.mark.parametrize("raw", VALID, ids=lambda raw: f"{raw['kind']}-{sorted(raw)}")
def test_valid_entries_pass(raw):
    checked = check_entry(raw, now=NOW)
    assert checked.ok, checked.errors
    assert checked.values["occurred_at"] == NOW  # no time given: now
    assert checked.values["day"].isoformat() == "2026-07-15"
    assert len(checked.fingerprint) == 64


INVALID = [
    (entry("food", meal="brunch", description="x"), "meal"),
    (entry("food", description="toast"), "meal"),
    (entry("food", meal="lunch"), "description"),
    (entry("food", meal="lunch", portions="21"), "portions"),
    (entry("food", meal="lunch", portions="-1"), "portions"),
    (entry("food", meal="lunch", portions="lots"), "portions"),
    (entry("food", meal="lunch", description="x", sugary_drinks="1.5"), "sugary_drinks"),
    (entry("food", meal="lunch", food_groups=["pizza"]), "food_groups"),
    (entry("food", meal="lunch", description="x" * 201), "description"),
    (entry("activity", activity="walking", minutes="0"), "minutes"),
    (entry("activity", activity="walking", minutes="1441"), "minutes"),
    (entry("activity", activity="walking"), "minutes"),
    (entry("activity", activity="flying", minutes="10"), "activity"),
    (entry("activity", activity="walking", minutes="10", intensity="extreme"), "intensity"),
    (entry("activity", activity="walking", minutes="10", steps="-5"), "steps"),
    (entry("alcohol", drink="moonshine"), "drink"),
    (entry("alcohol"), "drink"),
    (entry("alcohol", drink="other", abv="5"), "volume_ml"),
    (entry("alcohol", drink="other", volume_ml="330"), "abv"),
    (entry("alcohol", drink="other", volume_ml="330", abv="101"), "abv"),
    (entry("alcohol", drink="wine_bottle_12", quantity="20"), "quantity"),  # 180 units: over 100
    (entry("alcohol", drink="beer_pint_4", quantity="0"), "quantity"),
    (entry("alcohol", marker="smoke_free"), "marker"),
    (entry("smoking"), "cigarettes"),
    (entry("smoking", cigarettes="201"), "cigarettes"),
    (entry("smoking", cigarettes="2", tobacco="pipe-dream"), "tobacco"),
    (entry("mood", mood="6"), "mood"),
    (entry("mood", mood="0"), "mood"),
    (entry("mood"), "mood"),
    (entry("mood", mood="3", mood_words=["fine", "ok"]), "mood_words"),
    (entry("weight", weight_kg="24.9"), "weight_kg"),
    (entry("weight", weight_kg="350.1"), "weight_kg"),
    (entry("weight", weight_kg="NaN"), "weight_kg"),
    (entry("weight", weight_kg="inf"), "weight_kg"),
    (entry("weight", weight_kg=True), "weight_kg"),
    (entry("weight"), "weight_kg"),
    (entry("weight", weight_kg="70", note="x" * 501), "note"),
    (entry("weight", weight_kg="70", colour="blue"), "entry"),
    (entry("sleep", hours=8), "kind"),
    ({"kind": "mood", "mood": 3, "uuid": "not-a-uuid"}, "uuid"),
    ({"kind": "mood", "mood": 3}, "uuid"),
]


@pytest.mark.parametrize("raw, field", INVALID, ids=lambda value: str(value)[:60])
def test_bad_values_are_refused_with_a_message_on_the_field(raw, field):
    checked = check_entry(raw, now=NOW)
    assert not checked.ok
    assert field in checked.errors, checked.errors
    assert checked.errors[field].endswith((".", "?"))


@pytest.mark.parametrize("raw", [None, [], "mood", 42, {"uuid": [], "kind": {}}])
def test_things_that_are_not_entries_are_refused(raw):
    assert not check_entry(raw, now=NOW).ok


def test_units_are_computed_from_presets_and_volume():
    pint = check_entry(entry("alcohol", drink="beer_pint_4", quantity=2), now=NOW).values
    assert pint["units"] == pytest.approx(4.54) and pint["volume_ml"] == 568 and pint["abv"] == 4
    other = check_entry(entry("alcohol", drink="other", volume_ml="330", abv="5"), now=NOW).values
    assert other["units"] == pytest.approx(1.65)
    assert vocab.DRINK_PRESETS["wine_175_12"].units == 2.1
    assert vocab.DRINK_PRESETS["spirit_25_40"].units == 1.0
    assert vocab.DRINK_PRESETS["cider_can_4_5"].units == 2.0
    assert vocab.DRINK_PRESETS["beer_pint_4"].units == 2.3


def test_time_can_be_earlier_today_or_up_to_14_days_back():
    checked = check_entry(entry("mood", mood=3, day="2026-07-15", time="07:30"), now=NOW)
    assert checked.values["occurred_at"] == datetime(2026, 7, 15, 6, 30, tzinfo=UTC)  # BST: UTC+1
    assert check_entry(entry("mood", mood=3, day="2026-07-01", time="23:59"), now=NOW).ok
    too_old = check_entry(entry("mood", mood=3, day="2026-06-30", time="23:59"), now=NOW)
    assert "14 days" in too_old.errors["time"]


def test_time_in_the_future_is_refused_but_small_clock_drift_is_allowed():
    later_today = check_entry(entry("mood", mood=3, day="2026-07-15", time="11:00"), now=NOW)
    assert "not happened yet" in later_today.errors["time"]
    assert check_entry(entry("mood", mood=3, occurred_at=(NOW + timedelta(minutes=3)).isoformat()), now=NOW).ok
    assert not check_entry(entry("mood", mood=3, day="2026-07-16", time="00:00"), now=NOW).ok


def test_earlier_day_needs_a_time_and_bad_times_are_explained():
    assert "time for an earlier day" in check_entry(entry("mood", mood=3, day="2026-07-14"), now=NOW).errors["time"]
    assert "like 08:30" in check_entry(entry("mood", mood=3, time="25:99"), now=NOW).errors["time"]
    wrong_day = check_entry(entry("mood", mood=3, day="yesterday", time="08:00"), now=NOW)
    assert "day from the list" in wrong_day.errors["time"]
    no_zone = check_entry(entry("mood", mood=3, occurred_at="2026-07-15 08:00"), now=NOW)
    assert "2026-11-21T08:30" in no_zone.errors["time"]


def test_day_is_the_london_day_of_the_time():
    # 23:30 UTC on 14 July is 00:30 on 15 July in London (summer time).
    checked = check_entry(entry("mood", mood=3, occurred_at="2026-07-14T23:30:00+00:00"), now=NOW)
    assert checked.values["day"].isoformat() == "2026-07-15"


def test_fingerprint_ignores_now_but_not_a_given_time_or_content():
    raw = entry("mood", mood=3)
    first = check_entry(raw, now=NOW).fingerprint
    assert check_entry(raw, now=NOW + timedelta(minutes=1)).fingerprint == first
    assert check_entry({**raw, "mood": 4}, now=NOW).fingerprint != first
    timed = entry("mood", mood=3, occurred_at="2026-07-15T08:00:00+00:00")
    moved = {**timed, "occurred_at": "2026-07-15T08:05:00+00:00"}
    assert check_entry(timed, now=NOW).fingerprint != check_entry(moved, now=NOW).fingerprint


def test_day_choices_cover_today_and_14_days_back():
    choices = day_choices(NOW.date())
    assert len(choices) == 15
    assert choices[0] == ("2026-07-15", "Today") and choices[1] == ("2026-07-14", "Yesterday")
    assert choices[-1][0] == "2026-07-01"
