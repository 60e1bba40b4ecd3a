"""When a listing next runs, and its times in words. Pure: no database, no clock of its own.

Times are London wall-clock times (ListingTime.starts_at/ends_at), so a 10am walk is at 10am
in winter (GMT) and in summer (BST). Decisions:

- A session that has started but not ended is "on now": it still counts, so the start returned
  can be before `after` (the page then says "On now").
- Weeks on and off count in whole weeks from the Monday of from_date's week. A pattern with weeks
  off but no from_date (only from an odd import: the form asks for it) counts from Monday
  1 January 2024, so the answer never changes from one day to the next.
- A start in the hour the clocks skip (1:30am on the last Sunday of March) is moved an hour on,
  to 2:30am BST: the time it would be had the clocks not changed. In the hour that happens twice
  (last Sunday of October) the first one (still BST) is used.
- A session that ends at or before its start (say 10pm to 1am) ends the next day.
"""

import heapq
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Protocol

from pwa.clock import LONDON

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Weeks on and off without a first day count from this Monday.
DEFAULT_CYCLE_START = date(2024, 1, 1)
WEEK = timedelta(days=7)


class TimeLike(Protocol):
    """What a ListingTime has (tests use plain stand-ins)."""

    weekday: int | None
    on_date: date | None
    starts_at: time
    ends_at: time
    weeks_on: int
    weeks_off: int
    from_date: date | None
    until_date: date | None


def london_moment(day: date, at: time) -> datetime:
    """A London wall-clock time on a day, as an aware London datetime (skipped times move on)."""
    # Going through UTC settles the offset, and a time in the skipped hour comes back an hour on.
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


def _session(day: date, slot: TimeLike) -> tuple[datetime, datetime]:
    start = london_moment(day, slot.starts_at)
    end_day = day if slot.ends_at > slot.starts_at else day + timedelta(days=1)
    return start, london_moment(end_day, slot.ends_at)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks_into_cycle(slot: TimeLike, day: date) -> int:
    """Which week of the on/off cycle a day falls in (0 = the first week on)."""
    cycle = max(slot.weeks_on, 1) + max(slot.weeks_off, 0)
    weeks = (_monday(day) - _monday(slot.from_date or DEFAULT_CYCLE_START)).days // 7
    return weeks % cycle


def _days(slot: TimeLike, first: date) -> Iterator[date]:
    """The days the slot runs on, from `first` on, in order."""
    if slot.on_date is not None:
        if slot.on_date >= first and within_bounds(slot, slot.on_date):
            yield slot.on_date
        return
    if slot.weekday is None or not 0 <= slot.weekday <= 6:
        return
    if slot.from_date and slot.from_date > first:
        first = slot.from_date
    day = first + timedelta(days=(slot.weekday - first.weekday()) % 7)
    weeks_on, weeks_off = max(slot.weeks_on, 1), max(slot.weeks_off, 0)
    while slot.until_date is None or day <= slot.until_date:
        position = _weeks_into_cycle(slot, day)
        if position < weeks_on:
            yield day
            day += WEEK
        else:
            # Jump over the weeks off to the first week on again.
            day += WEEK * (weeks_on + weeks_off - position)


def within_bounds(slot: TimeLike, day: date) -> bool:
    """True when the day is inside the slot's from and until dates (either may be missing)."""
    return (slot.from_date is None or day >= slot.from_date) and (slot.until_date is None or day <= slot.until_date)


def sessions(slot: TimeLike, after: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) of each session of one slot that has not ended by `after`, in order."""
    _check_aware(after)
    # Start a day early: a session past midnight may still be on.
    for day in _days(slot, after.astimezone(LONDON).date() - timedelta(days=1)):
        start, end = _session(day, slot)
        if end > after:
            yield start, end


def upcoming(times: Iterable[TimeLike], after: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The next `count` sessions of all the times together, soonest first (ones on now included)."""
    merged = heapq.merge(*(sessions(slot, after) for slot in times))
    return list(islice(merged, max(count, 0)))


def next_occurrence(times: Iterable[TimeLike], after: datetime) -> datetime | None:
    """The start (London time) of the next session not over by `after`, or None if none is left.
    A session on now counts, so its start can be before `after`."""
    found = upcoming(times, after, 1)
    return found[0][0] if found else None


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Give an aware datetime: wall-clock times need to know the time zone.")


# --- In words ----------------------------------------------------------------------------


def clock_time(at: time) -> str:
    """10am, 10:30am, midday, 5:15pm, midnight (GOV.UK style)."""
    if at.hour == 12 and at.minute == 0:
        return "midday"
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


def _span(slot: TimeLike) -> str:
    return f"{clock_time(slot.starts_at)} to {clock_time(slot.ends_at)}"


def _bounds(slot: TimeLike) -> str:
    first = slot.from_date.strftime("%-d %B") if slot.from_date else ""
    last = slot.until_date.strftime("%-d %B") if slot.until_date else ""
    if first and last:
        return f" ({first} to {last})"
    if first:
        return f" (from {first})"
    return f" (until {last})" if last else ""


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def describe_time(slot: TimeLike) -> str:
    """One time in words: "Tuesdays, 10am to 11am", "Every other Tuesday, ...",
    "Mondays, 6pm to 7pm, 3 weeks on, 1 week off", "Saturday 6 December, 2pm to 4pm"."""
    if slot.on_date is not None:
        return f"{slot.on_date.strftime('%A %-d %B')}, {_span(slot)}"
    if slot.weekday is None or not 0 <= slot.weekday <= 6:
        return _span(slot)
    day = DAY_NAMES[slot.weekday]
    weeks_on, weeks_off = max(slot.weeks_on, 1), max(slot.weeks_off, 0)
    if weeks_off == 0:
        words = f"{day}s, {_span(slot)}"
    elif weeks_on == 1 and weeks_off == 1:
        words = f"Every other {day}, {_span(slot)}"
    else:
        words = f"{day}s, {_span(slot)}, {_plural(weeks_on, 'week')} on, {_plural(weeks_off, 'week')} off"
    return words + _bounds(slot)


def describe_times(times: Iterable[TimeLike]) -> str:
    """All of a listing's times in words, joined with "; " ("" when it has none)."""
    return "; ".join(describe_time(slot) for slot in times)


def start_label(start: datetime | None, now: datetime | None = None) -> str:
    """A session start as "Tue 25 Nov, 10am", or "On now" when it started before `now`."""
    if start is None:
        return ""
    local = start.astimezone(LONDON)
    if now is not None and start <= now:
        return "On now"
    return f"{local.strftime('%a %-d %b')}, {clock_time(local.time())}"


def session_label(start: datetime, end: datetime, now: datetime | None = None) -> str:
    """A session as "Tue 25 Nov, 10am to 11am", or "On now, until 11am" once it has started."""
    local_start, local_end = start.astimezone(LONDON), end.astimezone(LONDON)
    if now is not None and start <= now:
        return f"On now, until {clock_time(local_end.time())}"
    return f"{local_start.strftime('%a %-d %b')}, {clock_time(local_start.time())} to {clock_time(local_end.time())}"
