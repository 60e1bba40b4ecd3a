"""When reminders fall due: London wall-clock times, clock changes, quiet hours and switches.

Every expected moment is written out in UTC. London is UTC+0 in winter and UTC+1 in summer;
in 2026 the clocks go forward on 29 March and back on 25 October.
"""

from datetime import UTC, date, datetime, time

import pytest

from models import ReminderChoice
from pwa.reminders.due import (
    Due,
    after_quiet_hours,
    due_reminders,
    in_quiet_hours,
    local_moment,
    message_due,
    session_id_from_key,
    session_key,
)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def choice(**values) -> ReminderChoice:
    """A client's choice as stored, with quiet hours off unless a test turns them on."""
    values.setdefault("quiet_hours", False)
    return ReminderChoice(service_id=1, client_id=1, **values)


def keys(chosen, now, sessions=()) -> list[str]:
    return sorted(due.dedupe_key for due in due_reminders(chosen, now, sessions))


# --- wall-clock times and clock changes ---


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 11, 24), time(19, 0), utc(2026, 11, 24, 19, 0)),  # winter: London is UTC
        (date(2026, 7, 14), time(19, 0), utc(2026, 7, 14, 18, 0)),  # summer: BST is UTC+1
        # 29 March: 01:00-02:00 does not exist; 01:30 means 02:30 BST, which is 01:30 UTC
        (date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30)),
        (date(2026, 3, 29), time(0, 30), utc(2026, 3, 29, 0, 30)),
        (date(2026, 3, 29), time(19, 0), utc(2026, 3, 29, 18, 0)),
        # 25 October: 01:00-02:00 happens twice; 01:30 means the first one, 01:30 BST
        (date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 25), time(19, 0), utc(2026, 10, 25, 19, 0)),
    ],
)
def test_local_moment(day, at, expected):
    assert local_moment(day, at) == expected


def test_a_7pm_diary_reminder_in_winter_is_due_at_19_utc_until_midnight():
    chosen = choice(diary_time=time(19, 0))
    assert due_reminders(chosen, utc(2026, 11, 24, 18, 59)) == []
    assert due_reminders(chosen, utc(2026, 11, 24, 19, 0)) == [
        Due("diary", "diary:2026-11-24", utc(2026, 11, 24, 19, 0), utc(2026, 11, 25, 0, 0))
    ]
    assert keys(chosen, utc(2026, 11, 24, 23, 59)) == ["diary:2026-11-24"]  # caught up late
    assert due_reminders(chosen, utc(2026, 11, 25, 0, 0)) == []  # that day is over


def test_a_7pm_diary_reminder_in_summer_is_due_at_18_utc_until_23_utc():
    chosen = choice(diary_time=time(19, 0))
    assert due_reminders(chosen, utc(2026, 7, 14, 17, 59)) == []
    assert due_reminders(chosen, utc(2026, 7, 14, 18, 0)) == [
        Due("diary", "diary:2026-07-14", utc(2026, 7, 14, 18, 0), utc(2026, 7, 14, 23, 0))
    ]
    assert keys(chosen, utc(2026, 7, 14, 22, 59)) == ["diary:2026-07-14"]
    assert due_reminders(chosen, utc(2026, 7, 14, 23, 0)) == []  # midnight BST


def test_a_missed_reminder_is_caught_up_for_six_hours_only():
    chosen = choice(diary_time=time(9, 0))
    assert keys(chosen, utc(2026, 11, 24, 15, 0)) == ["diary:2026-11-24"]
    assert keys(chosen, utc(2026, 11, 24, 15, 1)) == []


def test_diary_reminders_on_the_days_the_clocks_change():
    early = choice(diary_time=time(1, 30))
    evening = choice(diary_time=time(19, 0))
    # Spring: the day is 23 hours long and ends at 23:00 UTC.
    assert due_reminders(early, utc(2026, 3, 29, 1, 29)) == []
    assert due_reminders(early, utc(2026, 3, 29, 1, 30)) == [
        Due("diary", "diary:2026-03-29", utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 23, 0))
    ]
    assert keys(evening, utc(2026, 3, 29, 17, 59)) == []
    assert keys(evening, utc(2026, 3, 29, 18, 0)) == ["diary:2026-03-29"]
    # Autumn: the day is 25 hours long; 01:30 is sent once, the first time it comes round.
    assert due_reminders(early, utc(2026, 10, 25, 0, 30)) == [
        Due("diary", "diary:2026-10-25", utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 0, 0))
    ]
    assert keys(early, utc(2026, 10, 25, 0, 29)) == []
    assert keys(evening, utc(2026, 10, 25, 18, 59)) == []
    assert keys(evening, utc(2026, 10, 25, 19, 0)) == ["diary:2026-10-25"]


# --- sessions and goals ---


def test_the_day_before_reminder_is_at_6pm_the_day_before_until_the_session_starts():
    chosen = choice(diary_daily=False, session_hour_before=False)
    sessions = [(7, utc(2026, 11, 26, 10, 0))]
    assert keys(chosen, utc(2026, 11, 25, 17, 59), sessions) == []
    assert due_reminders(chosen, utc(2026, 11, 25, 18, 0), sessions) == [
        Due("session_day_before", "session:7:202611261000:day_before", utc(2026, 11, 25, 18, 0), utc(2026, 11, 26, 10))
    ]
    assert keys(chosen, utc(2026, 11, 26, 9, 59), sessions) == []  # over six hours late by now


def test_the_day_before_reminder_in_summer_is_at_17_utc():
    chosen = choice(diary_daily=False, session_hour_before=False)
    sessions = [(7, utc(2026, 7, 16, 8, 0))]  # 09:00 BST
    assert keys(chosen, utc(2026, 7, 15, 16, 59), sessions) == []
    assert due_reminders(chosen, utc(2026, 7, 15, 17, 0), sessions) == [
        Due("session_day_before", "session:7:202607160800:day_before", utc(2026, 7, 15, 17, 0), utc(2026, 7, 16, 8))
    ]


def test_the_hour_before_reminder_is_due_an_hour_before_until_the_start():
    chosen = choice(diary_daily=False, session_day_before=False)
    sessions = [(8, utc(2026, 11, 24, 15, 0))]
    assert keys(chosen, utc(2026, 11, 24, 13, 59), sessions) == []
    assert due_reminders(chosen, utc(2026, 11, 24, 14, 0), sessions) == [
        Due("session_hour_before", "session:8:202611241500:hour_before", utc(2026, 11, 24, 14), utc(2026, 11, 24, 15))
    ]
    assert keys(chosen, utc(2026, 11, 24, 14, 59), sessions) == ["session:8:202611241500:hour_before"]
    assert keys(chosen, utc(2026, 11, 24, 15, 0), sessions) == []


def test_a_session_booked_late_still_gets_its_day_before_reminder_after_midnight():
    chosen = choice(diary_daily=False, session_hour_before=False)
    sessions = [(9, utc(2026, 11, 25, 3, 0))]  # 18:00 on the 24th, caught up until midnight
    assert keys(chosen, utc(2026, 11, 24, 23, 59), sessions) == ["session:9:202611250300:day_before"]
    assert keys(chosen, utc(2026, 11, 25, 0, 1), sessions) == []  # over six hours late


def test_a_moved_session_gets_a_new_key():
    assert session_key(5, utc(2026, 11, 26, 10), "session_day_before") == "session:5:202611261000:day_before"
    assert session_key(5, utc(2026, 11, 27, 10), "session_day_before") == "session:5:202611271000:day_before"
    assert session_id_from_key("session:5:202611261000:hour_before") == 5
    assert session_id_from_key("session:5:hour_before") == 5
    assert session_id_from_key("diary:2026-11-24") is None


def test_the_goal_check_in_comes_on_the_chosen_weekday_only():
    chosen = choice(diary_daily=False, goal_weekly=True, goal_weekday=6, goal_time=time(18, 0))  # Sunday
    assert due_reminders(chosen, utc(2026, 11, 29, 18, 0)) == [
        Due("goal_check_in", "goals:2026-11-29", utc(2026, 11, 29, 18), utc(2026, 11, 30, 0))
    ]
    assert keys(chosen, utc(2026, 11, 29, 17, 59)) == []
    assert keys(chosen, utc(2026, 11, 30, 18, 0)) == []  # Monday
    assert keys(chosen, utc(2026, 11, 28, 18, 0)) == []  # Saturday


# --- switches ---

# At 19:00 UTC on Tuesday 24 November every kind is due at once.
EVERYTHING_AT = utc(2026, 11, 24, 19, 0)
SESSIONS = [(1, utc(2026, 11, 24, 20, 0)), (2, utc(2026, 11, 25, 19, 30))]
EVERY_KEY = {
    "diary_daily": "diary:2026-11-24",
    "goal_weekly": "goals:2026-11-24",
    "session_day_before": "session:2:202611251930:day_before",
    "session_hour_before": "session:1:202611242000:hour_before",
}


def everything(**values) -> ReminderChoice:
    return choice(**{"diary_time": time(19), "goal_weekly": True, "goal_weekday": 1, "goal_time": time(19), **values})


def test_every_kind_is_due_when_every_switch_is_on():
    assert keys(everything(), EVERYTHING_AT, SESSIONS) == sorted(EVERY_KEY.values())


@pytest.mark.parametrize("switch", sorted(EVERY_KEY))
def test_a_switch_turned_off_stops_its_reminders_only(switch):
    left = sorted(key for name, key in EVERY_KEY.items() if name != switch)
    assert keys(everything(**{switch: False}), EVERYTHING_AT, SESSIONS) == left


def test_the_one_switch_turns_everything_off():
    chosen = everything(enabled=False)
    assert due_reminders(chosen, EVERYTHING_AT, SESSIONS) == []
    assert message_due(chosen, 3, EVERYTHING_AT) is None


def test_messages_can_be_turned_off():
    assert message_due(choice(trainer_messages=False), 3, EVERYTHING_AT) is None
    assert message_due(choice(), 3, EVERYTHING_AT) == Due(
        "message", "message:3", EVERYTHING_AT, utc(2026, 11, 25, 19, 0)
    )


# --- quiet hours ---


def quiet(start: time = time(21), end: time = time(8), **values) -> ReminderChoice:
    return choice(quiet_hours=True, quiet_start=start, quiet_end=end, **values)


def test_a_message_sent_at_half_past_ten_at_night_waits_until_8am():
    assert message_due(quiet(), 4, utc(2026, 11, 24, 22, 30)) == Due(
        "message", "message:4", utc(2026, 11, 25, 8, 0), utc(2026, 11, 25, 22, 30)
    )
    # Summer: 22:30 BST is 21:30 UTC; 08:00 BST is 07:00 UTC.
    assert message_due(quiet(), 4, utc(2026, 7, 14, 21, 30)).due_at == utc(2026, 7, 15, 7, 0)


def test_quiet_hours_after_midnight_end_the_same_morning():
    assert message_due(quiet(), 4, utc(2026, 11, 25, 2, 0)).due_at == utc(2026, 11, 25, 8, 0)


@pytest.mark.parametrize(
    ("moment", "quiet_now"),
    [
        (utc(2026, 11, 24, 20, 59), False),
        (utc(2026, 11, 24, 21, 0), True),
        (utc(2026, 11, 24, 23, 59), True),
        (utc(2026, 11, 25, 7, 59), True),
        (utc(2026, 11, 25, 8, 0), False),
        (utc(2026, 7, 14, 20, 0), True),  # 21:00 BST
        (utc(2026, 7, 14, 19, 59), False),
    ],
)
def test_quiet_hours_that_wrap_midnight(moment, quiet_now):
    assert in_quiet_hours(quiet(), moment) is quiet_now
    assert (after_quiet_hours(quiet(), moment) != moment) is quiet_now


def test_quiet_hours_within_one_day():
    lunch = quiet(time(13), time(14))
    assert in_quiet_hours(lunch, utc(2026, 11, 24, 12, 59)) is False
    assert in_quiet_hours(lunch, utc(2026, 11, 24, 13, 0)) is True
    assert in_quiet_hours(lunch, utc(2026, 11, 24, 22, 0)) is False
    assert after_quiet_hours(lunch, utc(2026, 11, 24, 13, 30)) == utc(2026, 11, 24, 14, 0)
    assert after_quiet_hours(lunch, utc(2026, 11, 24, 14, 0)) == utc(2026, 11, 24, 14, 0)
    assert message_due(lunch, 4, utc(2026, 11, 24, 13, 30)).due_at == utc(2026, 11, 24, 14, 0)


def test_quiet_hours_off_or_empty_never_delay():
    late = utc(2026, 11, 24, 23, 0)
    assert in_quiet_hours(choice(quiet_start=time(21), quiet_end=time(8)), late) is False
    assert in_quiet_hours(quiet(time(21), time(21)), late) is False
    assert message_due(choice(), 4, late).due_at == late


def test_a_reminder_in_quiet_hours_waits_and_is_then_due():
    chosen = quiet(time(18), time(20), diary_time=time(19))
    assert keys(chosen, utc(2026, 11, 24, 19, 59)) == []
    assert due_reminders(chosen, utc(2026, 11, 24, 20, 0)) == [
        Due("diary", "diary:2026-11-24", utc(2026, 11, 24, 20, 0), utc(2026, 11, 25, 0, 0))
    ]


def test_a_diary_reminder_pushed_past_midnight_by_quiet_hours_is_dropped():
    chosen = quiet(diary_time=time(22, 0))
    assert keys(chosen, utc(2026, 11, 24, 22, 0)) == []
    assert keys(chosen, utc(2026, 11, 25, 8, 0)) == []


def test_an_hour_before_reminder_pushed_past_the_start_by_quiet_hours_is_dropped():
    chosen = quiet(diary_daily=False, session_day_before=False)
    early = [(11, utc(2026, 11, 25, 7, 30))]  # hour before is 06:30: quiet until 08:00, too late
    assert keys(chosen, utc(2026, 11, 25, 7, 29), early) == []
    assert keys(chosen, utc(2026, 11, 25, 8, 0), early) == []
    later = [(12, utc(2026, 11, 25, 8, 30))]  # hour before is 07:30: waits until 08:00
    assert due_reminders(chosen, utc(2026, 11, 25, 8, 0), later) == [
        Due(
            "session_hour_before", "session:12:202611250830:hour_before", utc(2026, 11, 25, 8), utc(2026, 11, 25, 8, 30)
        )
    ]
