"""A diary entry without a database, for tests of the pure totals and progress functions."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pwa.clock import london_today


@dataclass
class Entry:
    """Just the attributes the totals read; `day` is worked out from the time, as the app does."""

    kind: str
    occurred_at: datetime
    day: date | None = None
    deleted_at: datetime | None = None
    portions: float | None = None
    minutes: int | None = None
    intensity: str | None = None
    units: float | None = None
    quantity: int | None = None
    cigarettes: int | None = None
    marker: str | None = None
    mood: int | None = None
    weight_kg: float | None = None

    def __post_init__(self):
        self.day = london_today(self.occurred_at)


def at(text: str) -> datetime:
    """An ISO time with an offset, as aware UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)
