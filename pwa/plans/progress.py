"""How a goal's target is going, week by week, measured from the diary. Pure functions: no HTTP, no database.

A goal may carry a *target* (vocab.TARGET_KINDS): a weekly number the diary can check ("5 portions of fruit
and veg on 4 days a week", "14 units a week or less"), a weight to reach by the review date, or, for goals the
diary cannot measure, the client's weekly check-in answer ("did it go well this week? yes / partly / no").

- `Target` holds the kind, the number and its extra settings, and can `check()` itself.
- `week_progress` measures one week (a `pwa.diary.totals.WeekSummary`: London days, Monday to Sunday).
- `progress_over_weeks` measures every week from the goal's start week to this week.
- `strength` turns the complete weeks into a forgiving 0..100 habit-strength score; `best_run` is the
  longest run of met weeks; `this_week` and `celebrate` help the "My goals" page.
- `describe_target` says the target in plain words.

Weeks are identified by their Monday (`pwa.diary.totals.week_start`), and "today" is always the London date
(`pwa.clock.london_today()`), passed in so that everything here stays pure and testable.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pwa.diary.totals import WeekSummary, week_start, week_summary
from pwa.plans import vocab

AT_LEAST = "at_least"
AT_MOST = "at_most"

# What each kind's number counts, for messages like "The number of days must be between 1 and 7."
_VALUE_NAMES = {
    "fruit_veg_days": "number of days",
    "active_minutes_week": "number of active minutes",
    "active_days_week": "number of days",
    "units_week": "number of units",
    "drink_free_days_week": "number of days",
    "cigarettes_day": "number of cigarettes",
    "smoke_free_days_week": "number of days",
    "logging_days_week": "number of days",
    "weight_by_date": "target weight",
}
# The weight target's settings, which vocab does not list: the weight when the goal was set (the form asks
# for it; it lets progress show how far along the way the client is) and the date to reach the target by
# (the goal's review date, passed in by `Target.from_goal`, so optional here).
WEIGHT_SETTINGS = ("start_weight", "by")
CHECK_IN_SCORES = {"yes": 1.0, "partly": 0.5, "no": 0.0}


@dataclass(frozen=True)
class Target:
    """A goal's measurable target.

    kind: a key of vocab.TARGET_KINDS. value: the number (None for "check_in", which has none).
    extra: the kind's settings: "portions" (fruit_veg_days) and "minutes" (active_days_week), which default
    to vocab's defaults when missing; "start_weight" (kg) and "by" (a date) for weight_by_date.
    """

    kind: str
    value: float | None
    extra: dict = field(default_factory=dict, hash=False)

    @classmethod
    def from_goal(cls, goal) -> "Target":
        """The target of a stored goal (anything with target_kind, target_value, target_extra, review_date)."""
        extra = dict(goal.target_extra or {})
        if goal.target_kind == "weight_by_date" and getattr(goal, "review_date", None) is not None:
            extra.setdefault("by", goal.review_date)
        return cls(goal.target_kind, goal.target_value, extra)

    @property
    def direction(self) -> str:
        """Either "at_least" (met at or above the number) or "at_most" (met at or below it)."""
        return vocab.TARGET_KINDS[self.kind]["direction"]

    def setting(self, name: str):
        """An extra setting, or its default from vocab when not given (None when there is no default)."""
        if name in self.extra:
            return self.extra[name]
        spec = vocab.TARGET_KINDS.get(self.kind, {}).get("extra", {})
        return spec[name][2] if name in spec else None

    def check(self) -> list[str]:
        """Problems with this target, in plain English; an empty list when it is fine."""
        spec = vocab.TARGET_KINDS.get(self.kind)
        if spec is None:
            return [f"There is no kind of target called {self.kind!r}."]
        problems: list[str] = []
        if spec["range"] is not None:
            low, high = spec["range"]
            problems += _check_number(f"The {_VALUE_NAMES[self.kind]}", self.value, low, high, whole=high <= 7)
        allowed = dict(spec.get("extra", {}))
        for name in self.extra:
            if name not in allowed and not (self.kind == "weight_by_date" and name in WEIGHT_SETTINGS):
                problems.append(f"This target has no setting called {name!r}.")
        for name, (low, high, _default) in allowed.items():
            if name in self.extra:
                problems += _check_number(f"The number of {name}", self.extra[name], low, high)
        if self.kind == "weight_by_date":
            problems += self._check_weight_settings()
        return problems

    def _check_weight_settings(self) -> list[str]:
        low, high = vocab.TARGET_KINDS["weight_by_date"]["range"]
        problems = []
        if "start_weight" not in self.extra:
            problems.append("Say what the weight is now, in kg.")
        else:
            start_problems = _check_number("The weight now", self.extra["start_weight"], low, high)
            problems += start_problems
            if not start_problems and _is_number(self.value) and self.extra["start_weight"] <= self.value:
                problems.append("The target weight must be less than the weight now.")
        by = self.extra.get("by")
        if by is not None and (not isinstance(by, date) or isinstance(by, datetime)):
            problems.append("The date to reach the target weight by must be a date.")
        return problems


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_number(what: str, value, low: float, high: float, *, whole: bool = False) -> list[str]:
    if not _is_number(value):
        return [f"{what} must be a number."]
    if not low <= value <= high:
        return [f"{what} must be between {low:g} and {high:g}."]
    if whole and value != int(value):
        return [f"{what} must be a whole number."]
    return []


@dataclass
class WeekProgress:
    """One week of one target.

    value: what was measured (days, minutes, units, the highest day's cigarettes, the latest weight, or
    1 / 0.5 / 0 for a check-in answer); 0 for an at_least count with nothing logged, and None when there
    is nothing to measure (an at_most target with no diary that week, no weight logged, no check-in answer).
    target: the number aimed at (1 for a check-in). met: the target was met (for an at_most target in the
    week still in progress: on track so far). fraction: 0..1, how far towards the target.
    excused: the trainer excused the week (ill, away). complete: the week is over (False for this week).
    logged: anything at all was in the diary that week. check_in: the client's answer, when given.
    """

    monday: date
    kind: str
    value: float | None
    target: float
    met: bool
    fraction: float
    excused: bool = False
    complete: bool = True
    logged: bool = False
    check_in: str | None = None

    @property
    def partly(self) -> bool:
        """Not met, but at least half way there."""
        return not self.met and self.fraction >= 0.5

    @property
    def missed(self) -> bool:
        """Nothing to go on: no diary entries and no check-in answer that week."""
        return not self.logged and self.check_in is None


def _towards(value: float, target: float) -> float:
    """How far an at_least count has got towards its target, 0..1."""
    return 1.0 if target <= 0 else max(0.0, min(1.0, value / target))


def _under(value: float, target: float) -> float:
    """For an at_most target: 1 at or under it, falling as the value goes over (target / value)."""
    if value <= target:
        return 1.0
    return max(0.0, min(1.0, target / value))


def _at_least(value: float, target: float) -> tuple[float, bool, float]:
    return value, value >= target, _towards(value, target)


def _measure(target: Target, week: WeekSummary, check_in: str | None) -> tuple[float | None, bool, float]:
    """(value, met, fraction) for one week."""
    kind, number = target.kind, target.value
    days = week.days
    if kind == "fruit_veg_days":
        portions = target.setting("portions")
        return _at_least(sum(day.portions >= portions for day in days), number)
    if kind == "active_minutes_week":
        return _at_least(week.guideline_minutes, number)
    if kind == "active_days_week":
        minutes = target.setting("minutes")
        return _at_least(sum(day.active_minutes >= minutes for day in days), number)
    if kind == "drink_free_days_week":
        return _at_least(week.drink_free_days, number)
    if kind == "smoke_free_days_week":
        return _at_least(week.smoke_free_days, number)
    if kind == "logging_days_week":
        return _at_least(week.days_logged, number)
    if kind == "units_week":
        # An empty diary week is not a success: with nothing logged there is nothing to measure.
        if not week.days_logged:
            return None, False, 0.0
        return week.units, week.units <= number, _under(week.units, number)
    if kind == "cigarettes_day":
        logged = [day.cigarettes for day in days if day.logged]
        if not logged:
            return None, False, 0.0
        highest = max(logged)
        return highest, highest <= number, _under(highest, number)
    if kind == "weight_by_date":
        weights = [day.weight_kg for day in days if day.weight_kg is not None]
        if not weights:
            return None, False, 0.0
        latest, start = weights[-1], target.extra.get("start_weight")
        if _is_number(start) and start > number:
            fraction = max(0.0, min(1.0, (start - latest) / (start - number)))
        else:
            fraction = _under(latest, number)
        return latest, latest <= number, fraction
    if kind == "check_in":
        score = CHECK_IN_SCORES.get(check_in) if check_in is not None else None
        return score, check_in == "yes", score or 0.0
    raise ValueError(f"Unknown target kind: {kind!r}")


def week_progress(
    target: Target, week: WeekSummary, *, today: date, excused: bool = False, check_in: str | None = None
) -> WeekProgress:
    """Measure one week of a target from that week's diary summary.

    today: the London date; the week holding it (or any later week) is not complete. A week can be met early
    for an at_least target; for an at_most target, met in an incomplete week means "on track so far".
    check_in: "yes", "partly", "no" or None; it is the measure for a "check_in" target and is kept on the
    week for the others. Raises ValueError for an unknown target kind or check-in answer.
    """
    if check_in is not None and check_in not in CHECK_IN_SCORES:
        raise ValueError(f"Unknown check-in answer: {check_in!r}")
    value, met, fraction = _measure(target, week, check_in)
    return WeekProgress(
        monday=week.monday,
        kind=target.kind,
        value=value,
        target=1.0 if target.kind == "check_in" else target.value,
        met=bool(met),
        fraction=float(fraction),
        excused=excused,
        complete=today >= week.monday + timedelta(days=7),
        logged=week.days_logged > 0,
        check_in=check_in,
    )


def progress_over_weeks(
    target: Target,
    weeks: Iterable[WeekSummary],
    *,
    today: date,
    start: date,
    excused_weeks: Iterable[date] = (),
    check_ins: Mapping[date, str] | None = None,
) -> list[WeekProgress]:
    """Every week from the week holding `start` to the week holding `today`, oldest first.

    weeks: diary summaries by week; a week not given counts as an empty diary week, and weeks outside the
    range are ignored. excused_weeks and check_ins are keyed by a date in the week (normally its Monday).
    Empty when the goal starts after this week.
    """
    by_monday = {week.monday: week for week in weeks}
    excused = {week_start(day) for day in excused_weeks}
    answers = {week_start(day): answer for day, answer in (check_ins or {}).items()}
    monday, last = week_start(start), week_start(today)
    result = []
    while monday <= last:
        week = by_monday.get(monday) or week_summary(monday, [])
        result.append(week_progress(target, week, today=today, excused=monday in excused, check_in=answers.get(monday)))
        monday += timedelta(days=7)
    return result


# Habit strength: a score that builds slowly with met weeks and fades slowly, so one bad or missed week
# never wipes out progress. Each step moves the score part of the way towards 100 (a gain) or towards 0
# (a fade), so it can never leave 0..100:
# - a met week closes 35% of the gap to 100: 35, 58, 73, 82, 88... after 1..5 met weeks in a row;
MET_GAIN = 0.35
# - a partly met week (at least half way) closes 10% of the gap: effort counts for something;
PARTLY_GAIN = 0.10
# - a week not met keeps 85% of the score: about four such weeks in a row to halve it;
NOT_MET_KEEP = 0.85
# - a week with nothing in the diary (and no check-in) keeps 90%: it may be forgetting to log rather than
#   slipping, so it fades a little less than a week that was logged and not met;
MISSED_KEEP = 0.90
# - an excused week (ill, away) leaves the score as it was. A week still in progress does not count yet.


def _complete_in_order(weeks: Iterable[WeekProgress]) -> list[WeekProgress]:
    return sorted((week for week in weeks if week.complete), key=lambda week: week.monday)


def strength(weeks: Iterable[WeekProgress]) -> int:
    """A forgiving habit-strength score, 0..100, from the complete weeks in date order (see the constants)."""
    score = 0.0
    for week in _complete_in_order(weeks):
        if week.excused:
            continue
        if week.met:
            score += (100 - score) * MET_GAIN
        elif week.partly:
            score += (100 - score) * PARTLY_GAIN
        elif week.missed:
            score *= MISSED_KEEP
        else:
            score *= NOT_MET_KEEP
    return max(0, min(100, round(score)))


def best_run(weeks: Iterable[WeekProgress]) -> int:
    """The longest run of met complete weeks; excused weeks neither break nor extend a run."""
    best = run = 0
    for week in _complete_in_order(weeks):
        if week.excused:
            continue
        run = run + 1 if week.met else 0
        best = max(best, run)
    return best


def this_week(weeks: Iterable[WeekProgress]) -> WeekProgress | None:
    """The week still in progress (the last that progress_over_weeks gives), or None when there is none."""
    in_progress = [week for week in weeks if not week.complete]
    return max(in_progress, key=lambda week: week.monday) if in_progress else None


def celebrate(week: WeekProgress | None) -> bool:
    """Worth a short "well done": the weekly target is met for sure. An at_least target can be met before
    the week ends; an at_most target ("14 units or less") only once the week is over."""
    if week is None or not week.met:
        return False
    return week.complete or vocab.TARGET_KINDS[week.kind]["direction"] == AT_LEAST


def _plural(number: float, word: str, plural: str | None = None) -> str:
    return f"{number:g} {word if number == 1 else plural or word + 's'}"


def _on_days(days: float) -> str:
    return "every day" if days == 7 else f"on {_plural(days, 'day')} a week"


def describe_target(target: Target) -> str:
    """The target in plain words, like "5 portions of fruit and veg on 4 days a week" or "80 kg by 12 March"."""
    kind, number = target.kind, target.value
    if kind == "fruit_veg_days":
        return f"{_plural(target.setting('portions'), 'portion')} of fruit and veg {_on_days(number)}"
    if kind == "active_minutes_week":
        return f"{_plural(number, 'active minute')} a week"
    if kind == "active_days_week":
        return f"{_plural(target.setting('minutes'), 'active minute')} {_on_days(number)}"
    if kind == "units_week":
        return "no alcohol" if number == 0 else f"{_plural(number, 'unit')} a week or less"
    if kind in ("drink_free_days_week", "smoke_free_days_week"):
        free = "drink-free" if kind == "drink_free_days_week" else "smoke-free"
        return f"{free} every day" if number == 7 else f"{_plural(number, free + ' day')} a week"
    if kind == "cigarettes_day":
        return "no cigarettes" if number == 0 else f"{_plural(number, 'cigarette')} a day or fewer"
    if kind == "logging_days_week":
        return f"something in the diary {_on_days(number)}"
    if kind == "weight_by_date":
        by = target.extra.get("by")
        if isinstance(by, date):
            return f"{number:g} kg by {by.day} {by:%B}"
        return f"{number:g} kg or less"
    if kind == "check_in":
        return "a weekly check-in on how it went"
    raise ValueError(f"Unknown target kind: {kind!r}")
