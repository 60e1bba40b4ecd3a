"""Day and week totals against the guidelines, across London day, week and clock changes."""

from datetime import date

import pytest

from pwa.diary.totals import day_totals, week_start, week_summary
from tests.fake_diary import Entry, at


def test_day_totals_add_up_each_measure():
    moment = at("2026-07-15T12:00:00+01:00")
    entries = [
        Entry("food", moment, portions=2.5),
        Entry("food", moment, portions=3),
        Entry("activity", moment, minutes=30, intensity="moderate"),
        Entry("activity", moment, minutes=20, intensity="vigorous"),
        Entry("activity", moment, minutes=60, intensity="light"),
        Entry("alcohol", moment, units=2.27, quantity=1),
        Entry("alcohol", moment, units=2.1, quantity=1),
        Entry("smoking", moment, cigarettes=4),
        Entry("mood", moment, mood=2),
        Entry("mood", moment, mood=5),
        Entry("weight", moment, weight_kg=80),
        Entry("mood", moment, mood=1, deleted_at=moment),  # deleted: ignored
    ]
    totals = day_totals(date(2026, 7, 15), entries)
    assert totals.portions == 5.5 and totals.fruit_veg_met
    assert totals.active_minutes == 50  # light activity does not count
    assert totals.guideline_minutes == 70  # a vigorous minute counts as two
    assert totals.units == 4.4
    assert totals.cigarettes == 4
    assert totals.mood == 4  # (2 + 5) / 2 rounded
    assert totals.weight_kg == 80
    assert totals.entries == 11


def test_drink_free_and_smoke_free_only_when_nothing_was_logged_against_them():
    moment = at("2026-07-15T09:00:00+01:00")
    marked = [Entry("alcohol", moment, marker="drink_free"), Entry("smoking", moment, marker="smoke_free")]
    assert day_totals(date(2026, 7, 15), marked).drink_free
    assert day_totals(date(2026, 7, 15), marked).smoke_free
    later = [*marked, Entry("alcohol", moment, units=1.0, quantity=1), Entry("smoking", moment, cigarettes=1)]
    assert not day_totals(date(2026, 7, 15), later).drink_free
    assert not day_totals(date(2026, 7, 15), later).smoke_free


@pytest.mark.parametrize(
    "moment, day",
    [
        ("2026-07-14T23:30:00+00:00", date(2026, 7, 15)),  # summer: London is UTC+1
        ("2026-07-14T22:59:00+00:00", date(2026, 7, 14)),
        ("2026-12-14T23:30:00+00:00", date(2026, 12, 14)),  # winter: London is UTC
        ("2026-03-29T00:30:00+00:00", date(2026, 3, 29)),  # the night the clocks go forward
        ("2026-10-24T23:30:00+00:00", date(2026, 10, 25)),  # the night they go back (still BST)
        ("2026-10-25T23:30:00+00:00", date(2026, 10, 25)),  # after they went back (GMT)
    ],
)
def test_entries_count_on_their_london_day(moment, day):
    entry = Entry("activity", at(moment), minutes=10, intensity="moderate")
    assert entry.day == day
    assert day_totals(day, [entry]).active_minutes == 10


def test_week_starts_on_monday():
    assert week_start(date(2026, 11, 22)) == date(2026, 11, 16)  # Sunday
    assert week_start(date(2026, 11, 16)) == date(2026, 11, 16)  # Monday


def test_week_summary_across_the_clock_change():
    # The week of Monday 19 October 2026; the clocks go back early on Sunday 25 October.
    entries = [
        Entry("activity", at("2026-10-19T08:00:00+01:00"), minutes=60, intensity="moderate"),
        Entry("activity", at("2026-10-21T08:00:00+01:00"), minutes=50, intensity="vigorous"),
        Entry("alcohol", at("2026-10-23T20:00:00+01:00"), units=9.0, quantity=1),
        Entry("alcohol", at("2026-10-24T20:00:00+01:00"), units=6.0, quantity=1),
        Entry("alcohol", at("2026-10-20T09:00:00+01:00"), marker="drink_free"),
        Entry("alcohol", at("2026-10-22T09:00:00+01:00"), marker="drink_free"),
        Entry("smoking", at("2026-10-22T09:00:00+01:00"), marker="smoke_free"),
        # 23:30 on Sunday 25 October (GMT) still belongs to this week...
        Entry("food", at("2026-10-25T23:30:00+00:00"), portions=5),
        # ...but 00:30 on Monday 26 October does not, nor 23:30 UTC on Sunday 18 October (BST: Monday 19th!).
        Entry("food", at("2026-10-26T00:30:00+00:00"), portions=5),
        Entry("mood", at("2026-10-18T23:30:00+00:00"), mood=3),
    ]
    week = week_summary(date(2026, 10, 19), [entry for entry in entries])
    assert [totals.day.day for totals in week.days] == [19, 20, 21, 22, 23, 24, 25]
    assert week.days_logged == 7
    assert week.active_minutes == 110
    assert week.guideline_minutes == 160 and week.minutes_met
    assert week.units == 15.0 and not week.units_within
    assert week.drink_free_days == 2
    assert week.smoke_free_days == 1
    assert week.fruit_veg_days == 1
    assert week.days[0].mood == 3  # 23:30 UTC on the 18th is Monday the 19th in London


def test_empty_week_has_zero_everything():
    week = week_summary(date(2026, 11, 16), [])
    assert week.days_logged == 0 and week.units == 0 and week.guideline_minutes == 0
    assert week.units_within and not week.minutes_met
