"""Goal progress from diary weeks: every target kind by hand, habit strength, runs, week boundaries, properties.

Pure tests: diary entries are faked with a dataclass (as in test_diary_totals), so no database is needed.
"""

import math
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pwa.clock import LONDON, london_day_bounds, london_today
from pwa.diary.totals import week_summary
from pwa.plans import vocab
from pwa.plans.progress import (
    Target,
    WeekProgress,
    best_run,
    celebrate,
    describe_target,
    progress_over_weeks,
    strength,
    this_week,
    week_progress,
)
from tests.fake_diary import Entry, at

MON = date(2026, 7, 13)  # a summer week, Monday 13 to Sunday 19 July 2026
AFTER = date(2026, 8, 1)  # a day long after it: the week is complete


def on(offset: int, hour: int = 12) -> datetime:
    """A London time on day `offset` of the week of MON."""
    return datetime.combine(MON + timedelta(days=offset), time(hour), tzinfo=LONDON).astimezone(UTC)


def measure(target: Target, entries: list, *, today: date = AFTER, monday: date = MON, **options) -> WeekProgress:
    return week_progress(target, week_summary(monday, entries), today=today, **options)


def food(offset, portions, hour=12):
    return Entry("food", on(offset, hour), portions=portions)


def activity(offset, minutes, intensity="moderate"):
    return Entry("activity", on(offset), minutes=minutes, intensity=intensity)


def drink(offset, units, quantity=1):
    return Entry("alcohol", on(offset, 20), units=units, quantity=quantity)


def marker(offset, kind):
    return Entry("alcohol" if kind == "drink_free" else "smoking", on(offset, 9), marker=kind)


def smoked(offset, cigarettes, hour=12):
    return Entry("smoking", on(offset, hour), cigarettes=cigarettes)


# --- every target kind, by hand -------------------------------------------------------------------------


def test_fruit_veg_days_count_days_with_enough_portions():
    entries = [food(0, 3), food(0, 2, hour=18), food(1, 4), food(2, 6), food(3, 5), food(4, None)]
    week = measure(Target("fruit_veg_days", 4, {"portions": 5}), entries)
    assert (week.value, week.met, week.fraction) == (3, False, 0.75)  # Monday, Wednesday, Thursday
    assert week.complete and week.logged and not week.excused and week.check_in is None
    assert measure(Target("fruit_veg_days", 4, {"portions": 5}), [*entries, food(5, 5)]).met
    three = measure(Target("fruit_veg_days", 4, {"portions": 3}), entries)
    assert (three.value, three.met, three.fraction) == (4, True, 1.0)  # Tuesday's 4 now counts
    assert measure(Target("fruit_veg_days", 4), entries).value == 3  # portions default to 5


def test_active_minutes_week_uses_guideline_minutes():
    entries = [activity(0, 30), activity(1, 20, "vigorous"), activity(2, 60, "light")]
    week = measure(Target("active_minutes_week", 150), entries)
    assert week.value == 70 and not week.met  # 30 + 2 x 20; light activity does not count
    assert week.fraction == pytest.approx(70 / 150)
    more = measure(Target("active_minutes_week", 150), [*entries, activity(3, 40, "vigorous")])
    assert (more.value, more.met, more.fraction) == (150, True, 1.0)


def test_active_days_week_count_days_with_enough_active_minutes():
    entries = [
        activity(0, 30),  # 30: yes
        activity(1, 20),
        activity(1, 15, "vigorous"),  # 35 minutes (not doubled): yes
        activity(2, 20, "vigorous"),  # 20 minutes, though 40 towards the guideline: no
        activity(3, 90, "light"),  # light: no
    ]
    week = measure(Target("active_days_week", 3, {"minutes": 30}), entries)
    assert week.value == 2 and not week.met and week.fraction == pytest.approx(2 / 3)
    assert measure(Target("active_days_week", 3, {"minutes": 20}), entries).met


def test_units_week_is_at_most_and_needs_a_logged_day():
    entries = [drink(0, 4.6, 2), drink(4, 6.3, 3)]
    week = measure(Target("units_week", 14), entries)
    assert (week.value, week.met, week.fraction) == (10.9, True, 1.0)
    over = measure(Target("units_week", 14), [*entries, drink(5, 4.0, 2)])
    assert over.value == 14.9 and not over.met
    assert over.fraction == pytest.approx(14 / 14.9)
    exactly = measure(Target("units_week", 14), [drink(0, 7.0), drink(1, 7.0)])
    assert exactly.met and exactly.fraction == 1.0


def test_an_empty_diary_week_does_not_meet_an_at_most_target():
    for kind in ("units_week", "cigarettes_day"):
        week = measure(Target(kind, 14), [])
        assert (week.value, week.met, week.fraction, week.logged) == (None, False, 0.0, False)
    # Anything logged makes it a diary week: no drinks that week is then a success.
    assert measure(Target("units_week", 14), [Entry("mood", on(2), mood=4)]).met
    assert measure(Target("units_week", 0), [marker(2, "drink_free")]).value == 0


def test_drink_free_and_smoke_free_days_count_marked_days_without_drinks_or_cigarettes():
    drinks = [marker(0, "drink_free"), marker(1, "drink_free"), marker(2, "drink_free"), drink(2, 2.3)]
    week = measure(Target("drink_free_days_week", 3), drinks)
    assert week.value == 2 and not week.met and week.fraction == pytest.approx(2 / 3)  # Wednesday had a drink
    smoking = [marker(0, "smoke_free"), marker(1, "smoke_free"), smoked(3, 4)]
    week = measure(Target("smoke_free_days_week", 2), smoking)
    assert (week.value, week.met, week.fraction) == (2, True, 1.0)


def test_cigarettes_day_is_judged_by_the_highest_logged_day():
    entries = [smoked(0, 5), smoked(0, 3, hour=18), smoked(1, 10), smoked(2, 12)]
    week = measure(Target("cigarettes_day", 10), entries)
    assert week.value == 12 and not week.met and week.fraction == pytest.approx(10 / 12)
    fine = measure(Target("cigarettes_day", 10), entries[:3])
    assert (fine.value, fine.met, fine.fraction) == (10, True, 1.0)
    assert measure(Target("cigarettes_day", 0), [smoked(0, 3)]).fraction == 0.0
    stopped = measure(Target("cigarettes_day", 0), [marker(0, "smoke_free")])
    assert (stopped.value, stopped.met) == (0, True)


def test_logging_days_week_counts_days_with_entries_and_ignores_deleted_ones():
    entries = [food(0, 1), Entry("mood", on(1), mood=3), activity(3, 10, "light"), smoked(6, 2)]
    deleted = Entry("mood", on(4), mood=2, deleted_at=on(4))
    week = measure(Target("logging_days_week", 5), [*entries, deleted])
    assert (week.value, week.met, week.fraction) == (4, False, 0.8)


def test_weight_uses_the_latest_weight_of_the_week():
    entries = [
        Entry("weight", on(0, 8), weight_kg=86),
        Entry("weight", on(3, 8), weight_kg=84.5),
        Entry("weight", on(3, 21), weight_kg=84),
    ]
    target = Target("weight_by_date", 80, {"start_weight": 90, "by": date(2027, 3, 12)})
    week = measure(target, entries)
    assert week.value == 84 and not week.met and week.fraction == pytest.approx(0.6)  # 6 of the 10 kg
    reached = measure(target, [*entries, Entry("weight", on(5), weight_kg=79.5)])
    assert (reached.value, reached.met, reached.fraction) == (79.5, True, 1.0)
    gained = measure(target, [Entry("weight", on(0), weight_kg=91)])
    assert gained.fraction == 0.0
    no_start = measure(Target("weight_by_date", 80, {}), entries)
    assert no_start.fraction == pytest.approx(80 / 84)
    nothing = measure(target, [food(0, 5)])
    assert (nothing.value, nothing.met, nothing.fraction, nothing.logged) == (None, False, 0.0, True)


@pytest.mark.parametrize(
    "answer, value, met, fraction",
    [("yes", 1.0, True, 1.0), ("partly", 0.5, False, 0.5), ("no", 0.0, False, 0.0), (None, None, False, 0.0)],
)
def test_check_in_is_measured_by_the_answer(answer, value, met, fraction):
    week = measure(Target("check_in", None), [], check_in=answer)
    assert (week.value, week.met, week.fraction, week.target) == (value, met, fraction, 1.0)
    assert week.check_in == answer
    assert week.partly == (answer == "partly")
    assert week.missed == (answer is None)  # no diary and no answer


def test_other_targets_keep_the_check_in_answer_and_it_stops_the_week_counting_as_missed():
    week = measure(Target("fruit_veg_days", 3), [], check_in="partly", excused=True)
    assert week.check_in == "partly" and week.excused and not week.met and not week.missed


def test_unknown_kinds_and_answers_are_refused():
    with pytest.raises(ValueError):
        measure(Target("steps_week", 1000), [])
    with pytest.raises(ValueError):
        measure(Target("check_in", None), [], check_in="maybe")
    with pytest.raises(ValueError):
        describe_target(Target("steps_week", 1000))


# --- the week in progress -------------------------------------------------------------------------------


def test_the_current_week_is_not_complete_and_at_least_targets_can_be_met_early():
    wednesday = MON + timedelta(days=2)
    week = measure(Target("fruit_veg_days", 2, {"portions": 5}), [food(0, 5), food(1, 5)], today=wednesday)
    assert week.met and not week.complete and celebrate(week)
    assert not measure(Target("fruit_veg_days", 2), [], today=MON + timedelta(days=6)).complete  # Sunday
    assert measure(Target("fruit_veg_days", 2), [], today=MON + timedelta(days=7)).complete  # next Monday


def test_an_at_most_target_in_the_current_week_is_only_on_track():
    wednesday = MON + timedelta(days=2)
    so_far = measure(Target("units_week", 14), [drink(0, 4.6, 2)], today=wednesday)
    assert so_far.met and not so_far.complete
    assert not celebrate(so_far)  # the week can still go over
    assert celebrate(measure(Target("units_week", 14), [drink(0, 4.6, 2)]))
    assert not celebrate(measure(Target("units_week", 14), [drink(0, 15.0, 6)]))
    assert not celebrate(None)


def test_this_week_is_the_week_in_progress():
    weeks = [outcome("met", 0), outcome("met", 1), outcome("not_met", 2, complete=False)]
    assert this_week(weeks) is weeks[2]
    assert this_week(weeks[:2]) is None
    assert this_week([]) is None


# --- over the weeks of a goal ---------------------------------------------------------------------------


def test_progress_over_weeks_runs_from_the_start_week_to_this_week():
    entries = [Entry("food", at("2026-07-07T12:00:00+01:00"), portions=5)]  # Tuesday 7 July
    entries += [Entry("food", at(f"2026-07-{day}T12:00:00+01:00"), portions=5) for day in (13, 14, 15)]
    weeks = [week_summary(monday, entries) for monday in (date(2026, 6, 1), date(2026, 7, 6), date(2026, 7, 13))]
    progress = progress_over_weeks(
        Target("fruit_veg_days", 3),
        weeks,
        today=date(2026, 7, 22),  # a Wednesday
        start=date(2026, 7, 1),  # a Wednesday: the goal starts in the week of Monday 29 June
        excused_weeks={date(2026, 7, 8)},  # any day of the week will do
        check_ins={date(2026, 7, 13): "yes"},
    )
    assert [week.monday for week in progress] == [
        date(2026, 6, 29),
        date(2026, 7, 6),
        date(2026, 7, 13),
        date(2026, 7, 20),
    ]
    assert [week.value for week in progress] == [0, 1, 3, 0]  # the week of 1 June is before the start
    assert [week.met for week in progress] == [False, False, True, False]
    assert [week.excused for week in progress] == [False, True, False, False]
    assert [week.complete for week in progress] == [True, True, True, False]
    assert [week.logged for week in progress] == [False, True, True, False]
    assert [week.check_in for week in progress] == [None, None, "yes", None]
    assert this_week(progress) is progress[-1]
    # Missed (0.9 of 0), excused, met: 35.
    assert strength(progress) == 35 and best_run(progress) == 1


def test_progress_over_weeks_is_empty_before_the_goal_starts():
    assert progress_over_weeks(Target("check_in", None), [], today=date(2026, 7, 1), start=date(2026, 7, 8)) == []
    one = progress_over_weeks(Target("check_in", None), [], today=date(2026, 7, 8), start=date(2026, 7, 6))
    assert len(one) == 1 and not one[0].complete and one[0].missed


# --- week boundaries and clock changes ------------------------------------------------------------------


def test_late_on_a_summer_sunday_in_utc_is_monday_in_london():
    entries = [
        Entry("food", at("2026-07-19T23:30:00+00:00"), portions=5),  # 00:30 on Monday 20 July in London
        Entry("food", at("2026-07-19T22:59:00+00:00"), portions=4),  # 23:59 on Sunday 19 July
    ]
    mondays = (date(2026, 7, 13), date(2026, 7, 20))
    progress = progress_over_weeks(
        Target("fruit_veg_days", 1),
        [week_summary(monday, entries) for monday in mondays],
        today=date(2026, 7, 26),  # the Sunday of the second week
        start=mondays[0],
    )
    assert [week.value for week in progress] == [0, 1]
    assert [week.complete for week in progress] == [True, False]
    assert [week.logged for week in progress] == [True, True]


def test_the_week_the_clocks_go_back():
    # Monday 19 October 2026; the clocks go back at 02:00 BST on Sunday 25 October.
    entries = [
        Entry("mood", at("2026-10-18T23:30:00+00:00"), mood=3),  # 00:30 BST on Monday 19th: this week
        *[Entry("mood", at(f"2026-10-{day}T12:00:00+01:00"), mood=4) for day in range(20, 25)],
        Entry("alcohol", at("2026-10-24T21:00:00+01:00"), units=2.3, quantity=1),
        Entry("alcohol", at("2026-10-25T00:30:00+00:00"), units=2.3, quantity=1),  # 01:30 BST, Sunday
        Entry("alcohol", at("2026-10-25T23:30:00+00:00"), units=2.3, quantity=1),  # 23:30 GMT, still Sunday
        Entry("alcohol", at("2026-10-26T00:30:00+00:00"), units=9.0, quantity=4),  # Monday 26th: next week
    ]
    mondays = (date(2026, 10, 19), date(2026, 10, 26))
    weeks = [week_summary(monday, entries) for monday in mondays]
    logging = progress_over_weeks(Target("logging_days_week", 7), weeks, today=date(2026, 11, 1), start=mondays[0])
    assert [week.value for week in logging] == [7, 1] and logging[0].met
    units = progress_over_weeks(Target("units_week", 7), weeks, today=date(2026, 11, 1), start=mondays[0])
    assert [week.value for week in units] == [6.9, 9.0]
    assert [week.met for week in units] == [True, False]
    # Late on Sunday in London (after the change, London is on UTC again) the week is not over yet.
    sunday_night = london_today(at("2026-10-25T23:30:00+00:00"))
    assert sunday_night == date(2026, 10, 25)
    assert not week_progress(Target("units_week", 7), weeks[0], today=sunday_night).complete
    assert week_progress(Target("units_week", 7), weeks[0], today=london_today(at("2026-10-26T00:00:00Z"))).complete


# --- habit strength and runs ----------------------------------------------------------------------------

OUTCOMES = ["met", "partly", "not_met", "missed", "excused"]


def outcome(kind: str, index: int, *, complete: bool = True) -> WeekProgress:
    """A week of a logging target (5 days) with the given outcome, `index` weeks after 5 January 2026."""
    value = {"met": 5, "partly": 3, "not_met": 1, "missed": 0, "excused": 0}[kind]
    return WeekProgress(
        monday=date(2026, 1, 5) + timedelta(weeks=index),
        kind="logging_days_week",
        value=value,
        target=5,
        met=kind == "met",
        fraction=value / 5,
        excused=kind == "excused",
        complete=complete,
        logged=kind not in ("missed", "excused"),
    )


def weeks_of(*kinds: str) -> list[WeekProgress]:
    return [outcome(kind, index) for index, kind in enumerate(kinds)]


@pytest.mark.parametrize(
    "kinds, expected",
    [
        ((), 0),
        (("met",), 35),
        (("met", "met"), 58),  # 35 + 65 x 0.35 = 57.75
        (("met", "met", "missed"), 52),  # 57.75 x 0.9 = 51.975
        (("met", "met", "missed", "met"), 69),  # 51.975 + 48.025 x 0.35 = 68.78875
        (("met", "not_met"), 30),  # 35 x 0.85 = 29.75
        (("partly",), 10),
        (("partly", "partly"), 19),  # 10 + 90 x 0.1
        (("met", "met", "partly"), 62),  # 57.75 + 42.25 x 0.1 = 61.975
        (("met", "excused", "met"), 58),  # as if the excused week were not there
        (("excused", "excused"), 0),
        (("not_met", "missed"), 0),  # nothing to lose yet
        (("met",) * 30, 100),
    ],
)
def test_strength_by_hand(kinds, expected):
    assert strength(weeks_of(*kinds)) == expected


def test_strength_ignores_the_week_in_progress_and_takes_weeks_in_date_order():
    weeks = weeks_of("met", "met", "missed", "met")
    assert strength([*weeks, outcome("not_met", 4, complete=False)]) == 69
    assert strength(list(reversed(weeks))) == 69


def test_a_missed_week_does_not_wipe_out_progress():
    assert strength(weeks_of("met", *["missed"] * 10)) == 12  # 35 x 0.9^10 = 12.2
    assert strength(weeks_of("met", "met", "met", "missed")) > strength(weeks_of("met", "met", "met", "not_met"))


@pytest.mark.parametrize(
    "kinds, expected",
    [
        ((), 0),
        (("excused",), 0),
        (("met", "met", "excused", "met", "not_met", "met"), 3),
        (("met", "excused", "excused", "met", "met", "missed", "met"), 3),
        (("met", "not_met", "met", "met"), 2),
        (("met", "partly", "met"), 1),
    ],
)
def test_best_run_by_hand(kinds, expected):
    assert best_run(weeks_of(*kinds)) == expected


def test_best_run_counts_only_complete_weeks():
    assert best_run([outcome("met", 0), outcome("met", 1, complete=False)]) == 1


# --- targets: checks, words, goals ----------------------------------------------------------------------


def test_check_reports_problems_in_plain_english():
    assert Target("fruit_veg_days", 4, {"portions": 5}).check() == []
    assert Target("check_in", None).check() == []
    assert Target("weight_by_date", 80, {"start_weight": 90, "by": date(2027, 3, 12)}).check() == []
    assert Target("steps_week", 5).check() == ["There is no kind of target called 'steps_week'."]
    assert Target("fruit_veg_days", 8).check() == ["The number of days must be between 1 and 7."]
    assert Target("fruit_veg_days", 2.5).check() == ["The number of days must be a whole number."]
    assert Target("units_week", None).check() == ["The number of units must be a number."]
    assert Target("units_week", 14.5).check() == []
    assert Target("fruit_veg_days", 4, {"portions": 25}).check() == ["The number of portions must be between 1 and 20."]
    assert Target("active_days_week", 4, {"minutes": 2}).check() == ["The number of minutes must be between 5 and 300."]
    assert Target("units_week", 14, {"portions": 5}).check() == ["This target has no setting called 'portions'."]
    assert Target("weight_by_date", 80).check() == ["Say what the weight is now, in kg."]
    assert Target("weight_by_date", 80, {"start_weight": 80}).check() == [
        "The target weight must be less than the weight now."
    ]
    assert Target("weight_by_date", 80, {"start_weight": 90, "by": "2027-03-12"}).check() == [
        "The date to reach the target weight by must be a date."
    ]


@pytest.mark.parametrize(
    "target, words",
    [
        (Target("fruit_veg_days", 4, {"portions": 5}), "5 portions of fruit and veg on 4 days a week"),
        (Target("fruit_veg_days", 7, {"portions": 2.5}), "2.5 portions of fruit and veg every day"),
        (Target("fruit_veg_days", 1), "5 portions of fruit and veg on 1 day a week"),
        (Target("active_minutes_week", 150), "150 active minutes a week"),
        (Target("active_days_week", 5, {"minutes": 30}), "30 active minutes on 5 days a week"),
        (Target("units_week", 14), "14 units a week or less"),
        (Target("units_week", 1), "1 unit a week or less"),
        (Target("units_week", 0), "no alcohol"),
        (Target("drink_free_days_week", 3), "3 drink-free days a week"),
        (Target("drink_free_days_week", 1), "1 drink-free day a week"),
        (Target("drink_free_days_week", 7), "drink-free every day"),
        (Target("cigarettes_day", 10), "10 cigarettes a day or fewer"),
        (Target("cigarettes_day", 0), "no cigarettes"),
        (Target("smoke_free_days_week", 3.0), "3 smoke-free days a week"),
        (Target("logging_days_week", 5), "something in the diary on 5 days a week"),
        (Target("weight_by_date", 80.0, {"start_weight": 90, "by": date(2027, 3, 12)}), "80 kg by 12 March"),
        (Target("weight_by_date", 72.5, {"start_weight": 90}), "72.5 kg or less"),
        (Target("check_in", None), "a weekly check-in on how it went"),
    ],
)
def test_describe_target(target, words):
    assert describe_target(target) == words


def test_target_from_a_stored_goal_takes_the_review_date_for_weight():
    goal = SimpleNamespace(
        target_kind="weight_by_date",
        target_value=80.0,
        target_extra={"start_weight": 90},
        review_date=date(2027, 3, 12),
    )
    target = Target.from_goal(goal)
    assert target == Target("weight_by_date", 80.0, {"start_weight": 90, "by": date(2027, 3, 12)})
    assert target.check() == [] and target.direction == "at_most"
    assert goal.target_extra == {"start_weight": 90}  # the goal's own settings are not changed
    fruit = SimpleNamespace(target_kind="fruit_veg_days", target_value=4, target_extra={}, review_date=date(2027, 1, 1))
    assert Target.from_goal(fruit) == Target("fruit_veg_days", 4, {})
    assert hash(Target.from_goal(fruit)) == hash(Target("fruit_veg_days", 4, {"portions": 5}))


# --- properties -----------------------------------------------------------------------------------------

# A summer week, the week the clocks go back (25-hour Sunday) and the week they go forward (23-hour Sunday).
WEEKS = [date(2026, 7, 13), date(2026, 10, 19), date(2026, 3, 23)]


# Usual amounts, so that days often add up to exactly a target's setting.
PORTIONS = st.sampled_from([0, 0.5, 1, 2, 3, 5])
MINUTES = st.sampled_from([0, 10, 15, 20, 30, 45, 60])


@st.composite
def moments(draw, monday: date) -> datetime:
    """Any minute of any London day from the Sunday before the week to the Monday after it (23- and 25-hour
    days included), so that the week's boundaries get tested too."""
    start, end = london_day_bounds(monday + timedelta(days=draw(st.sampled_from(range(-1, 8)))))
    return start + timedelta(minutes=draw(st.integers(0, (end - start) // timedelta(minutes=1) - 1)))


@st.composite
def entries(draw, monday: date, near: tuple[datetime, ...] = ()) -> Entry:
    """Any diary entry around the week; often at one of the moments `near`, so that days fill up."""
    kind = draw(st.sampled_from(["food", "activity", "alcohol", "smoking", "mood", "weight"]))
    moment = draw(st.sampled_from(near) | moments(monday) if near else moments(monday))
    deleted = moment if draw(st.integers(0, 9)) == 0 else None
    if kind == "food":
        fields = {"portions": draw(st.none() | PORTIONS)}
    elif kind == "activity":
        fields = {
            "minutes": draw(MINUTES),
            "intensity": draw(st.sampled_from(["light", "moderate", "vigorous"])),
        }
    elif kind == "alcohol":
        drink_free = draw(st.booleans())
        fields = (
            {"marker": "drink_free"}
            if drink_free
            else {"units": draw(st.integers(0, 60)) / 10, "quantity": draw(st.integers(0, 3))}
        )
    elif kind == "smoking":
        smoke_free = draw(st.booleans())
        fields = {"marker": "smoke_free"} if smoke_free else {"cigarettes": draw(st.integers(0, 20))}
    elif kind == "mood":
        fields = {"mood": draw(st.integers(1, 5))}
    else:
        fields = {"weight_kg": draw(st.integers(600, 1000)) / 10}
    return Entry(kind, moment, deleted_at=deleted, **fields)


@st.composite
def qualifying(draw, kind: str, monday: date, near: tuple[datetime, ...] = ()) -> Entry:
    """An entry that counts towards an at_least target of this kind; often at one of the moments `near`."""
    moment = draw(st.sampled_from(near) | moments(monday) if near else moments(monday))
    if kind == "fruit_veg_days":
        return Entry("food", moment, portions=draw(PORTIONS))
    if kind in ("active_minutes_week", "active_days_week"):
        return Entry(
            "activity",
            moment,
            minutes=draw(MINUTES),
            intensity=draw(st.sampled_from(["moderate", "vigorous"])),
        )
    if kind == "drink_free_days_week":
        return Entry("alcohol", moment, marker="drink_free")
    if kind == "smoke_free_days_week":
        return Entry("smoking", moment, marker="smoke_free")
    entry = draw(entries(monday, near))  # for logging, any entry that is not deleted
    entry.deleted_at = None
    return entry


@st.composite
def targets(draw, kind: str) -> Target:
    """A valid target of this kind, small enough that random weeks often reach it, with the usual settings
    (so that days often land exactly on them)."""
    low, high = vocab.TARGET_KINDS[kind]["range"]
    value = draw(st.integers(low, high)) if high <= 7 else draw(st.integers(low, high // 4))
    usual = {"portions": st.sampled_from([1, 2, 3, 5]), "minutes": st.sampled_from([10, 20, 30, 45, 60])}
    extra = {name: draw(usual[name]) for name in vocab.TARGET_KINDS[kind].get("extra", {})}
    return Target(kind, value, extra)


AT_LEAST_KINDS = [
    "fruit_veg_days",
    "active_minutes_week",
    "active_days_week",
    "drink_free_days_week",
    "smoke_free_days_week",
    "logging_days_week",
]


@pytest.mark.parametrize("kind", AT_LEAST_KINDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data(), monday=st.sampled_from(WEEKS), today_offset=st.integers(0, 8))
def test_another_qualifying_entry_never_lowers_an_at_least_week(kind, data, monday, today_offset):
    target = data.draw(targets(kind))
    # A mix of any entries and ones of the kind that counts, crowded onto a few days (`busy`), and then one
    # more that counts, often on a day that already has something: days often sit right at the target.
    busy = tuple(data.draw(st.lists(moments(monday), min_size=1, max_size=3)))
    before_entries = data.draw(st.lists(entries(monday, busy) | qualifying(kind, monday, busy), max_size=15))
    extra = data.draw(qualifying(kind, monday, busy + tuple(entry.occurred_at for entry in before_entries)))
    today = monday + timedelta(days=today_offset)
    before = week_progress(target, week_summary(monday, before_entries), today=today)
    after = week_progress(target, week_summary(monday, [*before_entries, extra]), today=today)
    assert after.fraction >= before.fraction
    assert after.met or not before.met
    assert 0.0 <= after.fraction <= 1.0
    assert after.complete == (today_offset >= 7)


outcome_lists = st.lists(st.sampled_from(OUTCOMES), max_size=25)


@settings(max_examples=120, deadline=None)
@given(kinds=outcome_lists, data=st.data())
def test_excusing_a_week_never_lowers_strength_compared_with_not_meeting_it(kinds, data):
    index = data.draw(st.integers(0, len(kinds)))
    for instead in ("not_met", "missed"):
        excused = weeks_of(*kinds[:index], "excused", *kinds[index:])
        failed = weeks_of(*kinds[:index], instead, *kinds[index:])
        assert strength(excused) >= strength(failed)
        assert best_run(excused) >= best_run(failed)


@settings(max_examples=120, deadline=None)
@given(kinds=outcome_lists, data=st.data())
def test_strength_stays_within_bounds_and_a_met_week_never_lowers_it(kinds, data):
    weeks = weeks_of(*kinds)
    assert 0 <= strength(weeks) <= 100
    assert strength([*weeks, outcome("met", len(kinds))]) >= strength(weeks)
    if kinds:
        index = data.draw(st.integers(0, len(kinds) - 1))
        assert strength(weeks_of(*kinds[:index], "met", *kinds[index + 1 :])) >= strength(weeks)
        if strength(weeks) >= 2:  # a missed week never drops real progress to zero
            assert strength([*weeks, outcome("missed", len(kinds))]) >= 1


numbers = st.one_of(
    st.integers(-50, 2000),
    st.floats(-50, 400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, True, "5"]),
)


def in_range(value, low, high, *, whole=False) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    return low <= value <= high and (not whole or value == int(value))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from([kind for kind, spec in vocab.TARGET_KINDS.items() if spec["range"]]), value=numbers)
def test_check_accepts_exactly_the_values_in_range(kind, value):
    low, high = vocab.TARGET_KINDS[kind]["range"]
    extra = {"start_weight": 350} if kind == "weight_by_date" else {}
    expected = in_range(value, low, high, whole=high <= 7) and (kind != "weight_by_date" or value < 350)
    assert (Target(kind, value, extra).check() == []) == expected


@settings(max_examples=120, deadline=None)
@given(kind=st.sampled_from(["fruit_veg_days", "active_days_week"]), setting=numbers)
def test_check_accepts_exactly_the_settings_in_range(kind, setting):
    [(name, (low, high, _default))] = vocab.TARGET_KINDS[kind]["extra"].items()
    assert (Target(kind, 3, {name: setting}).check() == []) == in_range(setting, low, high)
