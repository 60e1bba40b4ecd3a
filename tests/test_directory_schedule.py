"""When a listing next runs (weeks on and off, first and last days, one-off dates, clock
changes) and its times in words. Pure functions: no database."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from pwa.clock import LONDON
from pwa.directory.schedule import (
    describe_time,
    describe_times,
    next_occurrence,
    session_label,
    start_label,
    upcoming,
)


@dataclass
class Slot:
    """A stand-in for ListingTime."""

    weekday: int | None = None
    on_date: date | None = None
    starts_at: time = time(10, 0)
    ends_at: time = time(11, 0)
    weeks_on: int = 1
    weeks_off: int = 0
    from_date: date | None = None
    until_date: date | None = None


def london(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def starts(times, after, count):
    return [start for start, _end in upcoming(times, after, count)]


TUESDAY = 1


def test_next_weekly_session_is_the_coming_weekday():
    walk = Slot(weekday=TUESDAY)
    # Monday 24 November 2025, midday: the walk is on Tuesday 25th at 10am.
    assert next_occurrence([walk], london(2025, 11, 24, 12)) == london(2025, 11, 25, 10)
    # After it ends, the next one is a week later.
    assert next_occurrence([walk], london(2025, 11, 25, 11)) == london(2025, 12, 2, 10)
    assert next_occurrence([walk], london(2025, 11, 25, 9, 59)) == london(2025, 11, 25, 10)


def test_a_session_on_now_still_counts():
    walk = Slot(weekday=TUESDAY)
    assert next_occurrence([walk], london(2025, 11, 25, 10, 30)) == london(2025, 11, 25, 10)
    assert start_label(london(2025, 11, 25, 10), london(2025, 11, 25, 10, 30)) == "On now"
    start, end = upcoming([walk], london(2025, 11, 25, 10, 30), 1)[0]
    assert session_label(start, end, london(2025, 11, 25, 10, 30)) == "On now, until 11am"


def test_a_session_past_midnight_is_on_until_it_ends():
    disco = Slot(weekday=4, starts_at=time(22, 0), ends_at=time(1, 0))  # Friday 10pm to 1am
    assert next_occurrence([disco], london(2025, 11, 29, 0, 30)) == london(2025, 11, 28, 22)
    assert next_occurrence([disco], london(2025, 11, 29, 1, 0)) == london(2025, 12, 5, 22)


def test_fortnightly_counts_weeks_from_the_first_day():
    walk = Slot(weekday=TUESDAY, weeks_on=1, weeks_off=1, from_date=date(2025, 11, 4))
    assert starts([walk], london(2025, 11, 1), 4) == [
        london(2025, 11, 4, 10),
        london(2025, 11, 18, 10),
        london(2025, 12, 2, 10),
        london(2025, 12, 16, 10),
    ]
    # In a week off, the next is the week after.
    assert next_occurrence([walk], london(2025, 11, 10)) == london(2025, 11, 18, 10)


def test_three_weeks_on_one_week_off():
    course = Slot(weekday=0, starts_at=time(18, 0), ends_at=time(19, 30), weeks_on=3, weeks_off=1)
    course.from_date = date(2025, 11, 3)
    assert [start.date() for start in starts([course], london(2025, 11, 1), 7)] == [
        date(2025, 11, 3),
        date(2025, 11, 10),
        date(2025, 11, 17),
        # 24 November is the week off
        date(2025, 12, 1),
        date(2025, 12, 8),
        date(2025, 12, 15),
        date(2025, 12, 29),
    ]


def test_weeks_count_from_the_monday_of_the_first_days_week():
    # First day Thursday 6 November: that week (from Monday 3rd) is a week on, but Tuesday 4th is
    # before the first day; the week of the 10th is off; so the first walk is Tuesday 18th.
    walk = Slot(weekday=TUESDAY, weeks_on=1, weeks_off=1, from_date=date(2025, 11, 6))
    assert next_occurrence([walk], london(2025, 11, 1)) == london(2025, 11, 18, 10)


def test_until_date_ends_the_run():
    walk = Slot(weekday=TUESDAY, until_date=date(2025, 12, 2))
    assert starts([walk], london(2025, 11, 20), 5) == [london(2025, 11, 25, 10), london(2025, 12, 2, 10)]
    assert next_occurrence([walk], london(2025, 12, 3)) is None


def test_from_date_in_the_future_waits():
    walk = Slot(weekday=TUESDAY, from_date=date(2026, 1, 6))
    assert next_occurrence([walk], london(2025, 11, 24)) == london(2026, 1, 6, 10)


def test_one_off_dates_and_weekly_times_together_in_order():
    fair = Slot(on_date=date(2025, 12, 6), starts_at=time(14, 0), ends_at=time(16, 0))
    walk = Slot(weekday=TUESDAY)
    assert starts([walk, fair], london(2025, 12, 1), 3) == [
        london(2025, 12, 2, 10),
        london(2025, 12, 6, 14),
        london(2025, 12, 9, 10),
    ]
    assert next_occurrence([fair], london(2025, 12, 6, 16)) is None
    assert next_occurrence([], london(2025, 12, 6)) is None


def test_wall_clock_time_stays_across_the_spring_clock_change():
    # The clocks go forward on Sunday 30 March 2025: 10am is 10:00 UTC before, 09:00 UTC after.
    walk = Slot(weekday=TUESDAY)
    before, after = starts([walk], london(2025, 3, 24), 2)
    assert (before.hour, before.astimezone(UTC).hour) == (10, 10)
    assert (after.hour, after.astimezone(UTC).hour) == (10, 9)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(days=7, hours=-1)
    sunday = Slot(weekday=6)
    assert next_occurrence([sunday], london(2025, 3, 30, 1)).astimezone(UTC) == datetime(2025, 3, 30, 9, tzinfo=UTC)


def test_wall_clock_time_stays_across_the_autumn_clock_change():
    # The clocks go back on Sunday 26 October 2025.
    sunday = Slot(weekday=6)
    before, on_the_day = starts([sunday], london(2025, 10, 18), 2)
    assert before.astimezone(UTC) == datetime(2025, 10, 19, 9, tzinfo=UTC)
    assert on_the_day.astimezone(UTC) == datetime(2025, 10, 26, 10, tzinfo=UTC)
    assert on_the_day.hour == 10


def test_a_start_in_the_skipped_hour_moves_an_hour_on():
    # 1:30am does not exist on 30 March 2025 in London: it becomes 2:30am BST (01:30 UTC).
    night = Slot(weekday=6, starts_at=time(1, 30), ends_at=time(3, 0))
    start = next_occurrence([night], london(2025, 3, 29, 12))
    assert (start.hour, start.minute) == (2, 30)
    assert start.astimezone(UTC) == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    # 1:30am happens twice on 26 October 2025: the first time (BST) is used.
    autumn = next_occurrence([night], london(2025, 10, 25, 12))
    assert autumn.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_weeks_off_without_a_first_day_still_gives_a_steady_answer():
    walk = Slot(weekday=TUESDAY, weeks_on=1, weeks_off=1)
    first = starts([walk], london(2025, 11, 1), 3)
    assert [b - a for a, b in zip(first, first[1:], strict=False)] == [timedelta(days=14)] * 2
    assert starts([walk], london(2025, 11, 1), 3) == first


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        next_occurrence([Slot(weekday=TUESDAY)], datetime(2025, 11, 24, 9))


@pytest.mark.parametrize(
    "slot, words",
    [
        (Slot(weekday=TUESDAY), "Tuesdays, 10am to 11am"),
        (
            Slot(weekday=TUESDAY, weeks_on=1, weeks_off=1, from_date=date(2025, 11, 4)),
            "Every other Tuesday, 10am to 11am (from 4 November)",
        ),
        (
            Slot(weekday=0, starts_at=time(18), ends_at=time(19, 30), weeks_on=3, weeks_off=1),
            "Mondays, 6pm to 7:30pm, 3 weeks on, 1 week off",
        ),
        (Slot(on_date=date(2025, 12, 6), starts_at=time(14), ends_at=time(16)), "Saturday 6 December, 2pm to 4pm"),
        (
            Slot(weekday=2, starts_at=time(12), ends_at=time(13, 15), until_date=date(2026, 3, 25)),
            "Wednesdays, midday to 1:15pm (until 25 March)",
        ),
        (
            Slot(weekday=3, from_date=date(2026, 1, 8), until_date=date(2026, 3, 26)),
            "Thursdays, 10am to 11am (8 January to 26 March)",
        ),
    ],
)
def test_times_in_words(slot, words):
    assert describe_time(slot) == words


def test_all_times_in_words_and_a_start_in_short():
    times = [Slot(weekday=TUESDAY), Slot(weekday=4, starts_at=time(9, 30), ends_at=time(10, 30))]
    assert describe_times(times) == "Tuesdays, 10am to 11am; Fridays, 9:30am to 10:30am"
    assert describe_times([]) == ""
    assert start_label(london(2025, 11, 25, 10), london(2025, 11, 24)) == "Tue 25 Nov, 10am"
    assert start_label(None) == ""
