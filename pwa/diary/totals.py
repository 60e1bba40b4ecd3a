"""Day and week totals from diary entries, against the UK guidelines. Pure functions.

Days are London calendar days (the entry's `day`); weeks start on Monday.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pwa.diary import vocab


@dataclass
class DayTotals:
    day: date
    entries: int = 0
    portions: float = 0.0
    active_minutes: int = 0  # moderate and vigorous minutes done
    guideline_minutes: int = 0  # towards 150: a vigorous minute counts as two
    units: float = 0.0
    drinks: int = 0
    cigarettes: int = 0
    moods: list[int] = field(default_factory=list)
    weight_kg: float | None = None
    marked_drink_free: bool = False
    marked_smoke_free: bool = False

    @property
    def logged(self) -> bool:
        return self.entries > 0

    @property
    def drink_free(self) -> bool:
        """Marked drink-free and no drinks logged that day (a drink later wins)."""
        return self.marked_drink_free and self.drinks == 0

    @property
    def smoke_free(self) -> bool:
        return self.marked_smoke_free and self.cigarettes == 0

    @property
    def mood(self) -> int | None:
        """The day's mood: the average of the moods logged, rounded."""
        return round(sum(self.moods) / len(self.moods)) if self.moods else None

    @property
    def fruit_veg_met(self) -> bool:
        return self.portions >= vocab.FRUIT_VEG_A_DAY


def _add(totals: DayTotals, entry) -> None:
    totals.entries += 1
    if entry.kind == "food":
        totals.portions += entry.portions or 0
    elif entry.kind == "activity" and entry.intensity in ("moderate", "vigorous"):
        totals.active_minutes += entry.minutes or 0
        totals.guideline_minutes += (entry.minutes or 0) * (2 if entry.intensity == "vigorous" else 1)
    elif entry.kind == "alcohol":
        if entry.marker == "drink_free":
            totals.marked_drink_free = True
        else:
            totals.units += entry.units or 0
            totals.drinks += entry.quantity or 0
    elif entry.kind == "smoking":
        if entry.marker == "smoke_free":
            totals.marked_smoke_free = True
        else:
            totals.cigarettes += entry.cigarettes or 0
    elif entry.kind == "mood" and entry.mood:
        totals.moods.append(entry.mood)
    elif entry.kind == "weight":
        totals.weight_kg = entry.weight_kg  # entries come in time order: the last one wins


def day_totals(day: date, entries: Iterable) -> DayTotals:
    """Totals for one day from that day's entries (deleted ones are ignored)."""
    totals = DayTotals(day=day)
    for entry in sorted(entries, key=lambda entry: entry.occurred_at):
        if entry.day == day and entry.deleted_at is None:
            _add(totals, entry)
    totals.units = round(totals.units, 1)
    return totals


def week_start(day: date) -> date:
    """The Monday of the week holding this day."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeekSummary:
    monday: date
    days: list[DayTotals]

    @property
    def days_logged(self) -> int:
        return sum(day.logged for day in self.days)

    @property
    def guideline_minutes(self) -> int:
        return sum(day.guideline_minutes for day in self.days)

    @property
    def active_minutes(self) -> int:
        return sum(day.active_minutes for day in self.days)

    @property
    def units(self) -> float:
        return round(sum(day.units for day in self.days), 1)

    @property
    def drink_free_days(self) -> int:
        return sum(day.drink_free for day in self.days)

    @property
    def smoke_free_days(self) -> int:
        return sum(day.smoke_free for day in self.days)

    @property
    def fruit_veg_days(self) -> int:
        return sum(day.fruit_veg_met for day in self.days)

    @property
    def minutes_met(self) -> bool:
        return self.guideline_minutes >= vocab.ACTIVE_MINUTES_A_WEEK

    @property
    def units_within(self) -> bool:
        return self.units <= vocab.UNITS_A_WEEK


def week_summary(monday: date, entries: Iterable) -> WeekSummary:
    """Seven days from Monday, each with its totals."""
    entries = list(entries)
    by_day: dict[date, list] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    return WeekSummary(monday=monday, days=[day_totals(day, by_day.get(day, [])) for day in days])
