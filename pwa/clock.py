"""Time: stored as aware UTC, and every day boundary taken in Europe/London."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow  # one definition of "now" for the models and the app

LONDON = ZoneInfo("Europe/London")
__all__ = ["LONDON", "london_day_bounds", "london_today", "to_london", "utcnow"]


def to_london(moment: datetime) -> datetime:
    """A stored UTC datetime as London local time."""
    return moment.astimezone(LONDON)


def london_today(now: datetime | None = None) -> date:
    """Today's date in London (a day in the diary starts at London midnight)."""
    return to_london(now or utcnow()).date()


def london_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of a London calendar day.

    Days are 23 or 25 hours long when the clocks change, so the end is the next
    London midnight, not start + 24 hours.
    """
    start = datetime.combine(day, time.min, tzinfo=LONDON)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)
