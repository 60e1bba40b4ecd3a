"""What a client's diary says over a run of days, for the pre-session digest. Pure functions.

Day totals come from pwa/diary/totals.py (`day_totals`); a period's sums from its `WeekSummary`,
which adds up whatever days it is given. Entries may be stored rows or light rows with the same names.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pwa.diary import vocab as diary_vocab
from pwa.diary.totals import DayTotals, WeekSummary, day_totals

# A day counts as active with 30 guideline minutes: 150 a week is 30 a day on 5 days.
ACTIVE_DAY_MINUTES = 30


@dataclass
class DayHighlight:
    """A day that stands out, and what happened that day in plain words."""

    day: date
    mood: int | None
    facts: list[str]
    mood_words: list[str]
    notes: list[str]

    @property
    def mood_label(self) -> str | None:
        return diary_vocab.MOODS[self.mood][0] if self.mood else None


@dataclass
class GuidelineLine:
    """A total over the period against a UK guideline. met: True, False, or None (no verdict)."""

    label: str
    text: str
    guideline: str
    met: bool | None = None


@dataclass
class Trend:
    """One measure, this period against the period before. better: None when neither is better."""

    label: str
    now: float
    before: float
    direction: str  # "up", "down" or "same"
    better: bool | None
    unit: str = ""

    @property
    def words(self) -> str:
        now, before = _number(self.now), _number(self.before)
        unit = f" {self.unit}" if self.unit else ""
        if self.direction == "same":
            return f"about the same ({now}{unit}, was {before})"
        return f"{self.direction} to {now}{unit}, from {before}"


@dataclass
class MoodDay:
    day: date
    mood: int | None  # the day's mood, rounded (DayTotals.mood)

    @property
    def label(self) -> str:
        return diary_vocab.MOODS[self.mood][0] if self.mood else "No mood logged"


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def _plural(count: float, word: str) -> str:
    """ "1 day", "3 days"."""
    return f"{_number(count)} {word}" if count == 1 else f"{_number(count)} {word}s"


def direction(now: float, before: float, tolerance: float) -> str:
    if abs(now - before) <= tolerance:
        return "same"
    return "up" if now > before else "down"


def daily_totals(first: date, last: date, entries: Iterable) -> dict[date, DayTotals]:
    """Totals for every day from first to last (totals.day_totals), worked out once for the whole page."""
    by_day: dict[date, list] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return {day: day_totals(day, by_day.get(day, [])) for day in days}


def period_summary(days: list[DayTotals]) -> WeekSummary:
    """The sums of a period's days."""
    # WeekSummary only adds up the days it is given, so it serves a period of any length.
    return WeekSummary(monday=days[0].day, days=days)


def average_mood(entries: Iterable) -> float | None:
    """The mean of the moods logged (1 to 5), to one decimal place; None when there are none."""
    moods = [entry.mood for entry in entries if entry.kind == "mood" and entry.mood]
    return round(sum(moods) / len(moods), 1) if moods else None


def mood_words(entries: Iterable) -> list[tuple[str, int]]:
    """The words chosen with moods, most used first, with how often."""
    return Counter(word for entry in entries if entry.kind == "mood" for word in entry.mood_words or []).most_common()


def day_wins(totals: DayTotals) -> int:
    """Guideline "wins" on a day: 5 fruit and veg, 30 active minutes, drink-free, smoke-free."""
    return sum(
        [
            totals.fruit_veg_met,
            totals.guideline_minutes >= ACTIVE_DAY_MINUTES,
            totals.drink_free,
            totals.smoke_free,
        ]
    )


def day_facts(totals: DayTotals) -> list[str]:
    """What a day held, in plain words."""
    facts = []
    if totals.portions:
        facts.append(f"{_number(totals.portions)} portions of fruit and veg")
    if totals.active_minutes:
        facts.append(f"{totals.active_minutes} active minutes")
    if totals.drink_free:
        facts.append("drink-free")
    elif totals.units:
        facts.append(f"{_number(totals.units)} units of alcohol")
    if totals.smoke_free:
        facts.append("smoke-free")
    elif totals.cigarettes:
        facts.append(f"{totals.cigarettes} cigarettes")
    return facts


def best_and_hardest(days: list[DayTotals]) -> tuple[DayTotals | None, DayTotals | None]:
    """The best and the hardest day of the period.

    The rule: only days with diary entries count. The best day has the highest mood; a tie goes
    to the day with more guideline wins (see day_wins), then to the later day. The hardest day has
    the lowest mood; a tie goes to fewer wins, then to the later day. When no day has a mood,
    wins alone decide. There is no hardest day when it would rank the same as the best day
    (one day logged, or every day alike): nothing stands out.
    """
    logged = [day for day in days if day.logged]
    with_mood = [day for day in logged if day.mood is not None]
    candidates = with_mood or logged
    if not candidates:
        return None, None

    def rank(day: DayTotals) -> tuple[int, int]:
        return (day.mood or 0, day_wins(day))

    best = max(reversed(candidates), key=rank)  # reversed: on a tie the later day wins
    hardest = min(reversed(candidates), key=rank)
    if rank(hardest) == rank(best):
        return best, None
    return best, hardest


def highlight(totals: DayTotals | None, entries: list) -> DayHighlight | None:
    """The day of these totals, told from its entries (facts, mood words, up to 3 notes)."""
    if totals is None:
        return None
    that_day = [entry for entry in entries if entry.day == totals.day]
    return DayHighlight(
        day=totals.day,
        mood=totals.mood,
        facts=day_facts(totals),
        mood_words=[word for word, _count in mood_words(that_day)],
        notes=[entry.note for entry in that_day if entry.note][:3],
    )


def guideline_lines(days: int, summary: WeekSummary) -> list[GuidelineLine]:
    """A period of `days` days against the UK guidelines (DOMAIN.md section 5)."""
    per_week = 7 / days
    lines = [
        GuidelineLine(
            "Fruit and veg",
            f"5 a day on {summary.fruit_veg_days} of {days} days",
            f"{diary_vocab.FRUIT_VEG_A_DAY} portions every day",
        )
    ]
    weekly_minutes = round(summary.guideline_minutes * per_week)
    lines.append(
        GuidelineLine(
            "Being active",
            f"{'About ' if days < 7 else ''}{weekly_minutes} active minutes a week "
            f"({summary.guideline_minutes} in {days} days)",
            f"{diary_vocab.ACTIVE_MINUTES_A_WEEK} minutes a week; a vigorous minute counts as two",
            met=weekly_minutes >= diary_vocab.ACTIVE_MINUTES_A_WEEK,
        )
    )
    drank = any(day.drinks for day in summary.days)
    if drank or summary.drink_free_days:
        weekly_units = round(summary.units * per_week, 1)
        lines.append(
            GuidelineLine(
                "Alcohol",
                f"{_number(weekly_units)} units a week ({_number(summary.units)} in {days} days); "
                + _plural(summary.drink_free_days, "drink-free day"),
                f"No more than {diary_vocab.UNITS_A_WEEK} units a week, with several drink-free days",
                met=weekly_units <= diary_vocab.UNITS_A_WEEK,
            )
        )
    else:
        lines.append(
            GuidelineLine("Alcohol", "No drinks logged", f"No more than {diary_vocab.UNITS_A_WEEK} units a week")
        )
    cigarettes = sum(day.cigarettes for day in summary.days)
    if cigarettes or summary.smoke_free_days:
        smoking_days = sum(day.cigarettes > 0 for day in summary.days)
        average = f" (about {_number(cigarettes / smoking_days)} a day on days they smoked)" if smoking_days else ""
        lines.append(
            GuidelineLine(
                "Smoking",
                f"{_plural(cigarettes, 'cigarette')} in {days} days{average}; "
                + _plural(summary.smoke_free_days, "smoke-free day"),
                "Smoke-free every day",
                met=cigarettes == 0,
            )
        )
    else:
        lines.append(GuidelineLine("Smoking", "No smoking logged", "Smoke-free every day"))
    return lines


# (label, how to read it from a summary, unit, tolerance for "about the same", True if more is better)
_TREND_MEASURES = [
    ("Days with diary entries", lambda s: s.days_logged, "days", 0, True),
    ("Days with 5 fruit and veg", lambda s: s.fruit_veg_days, "days", 0, True),
    ("Active minutes (vigorous count double)", lambda s: s.guideline_minutes, "minutes", 10, True),
    ("Alcohol", lambda s: s.units, "units", 1, False),
    ("Drink-free days", lambda s: s.drink_free_days, "days", 0, True),
    ("Cigarettes", lambda s: sum(day.cigarettes for day in s.days), "", 1, False),
    ("Smoke-free days", lambda s: s.smoke_free_days, "days", 0, True),
]
MOOD_TOLERANCE = 0.25


def trends(now: WeekSummary, before: WeekSummary, mood_now: float | None, mood_before: float | None) -> list[Trend]:
    """Each measure against the period before (the same number of days, so totals compare).
    Measures that are nothing in both periods are left out. Empty when nothing was logged before."""
    if not before.days_logged:
        return []
    found = []
    for label, read, unit, tolerance, more_is_better in _TREND_MEASURES:
        value, was = read(now), read(before)
        if not value and not was:
            continue
        # 10% either way is "about the same" for the larger totals.
        way = direction(value, was, max(tolerance, 0.1 * max(value, was)) if tolerance else 0)
        better = None if way == "same" else (way == "up") == more_is_better
        found.append(Trend(label, value, was, way, better, unit))
    if mood_now is not None and mood_before is not None:
        way = direction(mood_now, mood_before, MOOD_TOLERANCE)
        found.append(Trend("Average mood (1 to 5)", mood_now, mood_before, way, None if way == "same" else way == "up"))
    return found
