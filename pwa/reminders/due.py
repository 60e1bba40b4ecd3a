"""When each reminder falls due: London wall-clock times, clock changes and quiet hours.

Pure functions, no database: planning (plan.py) loads the rows and asks these what is due now.
Every datetime going in or out is aware UTC; wall-clock `time`s are London times.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from models import ReminderChoice
from pwa.clock import LONDON, london_day_bounds, to_london

# A run that missed a reminder (the server was down, cron was late) still sends it within this.
CATCH_UP = timedelta(hours=6)
# A trainer's message alert is no use after a day: the client will have opened the app by then.
MESSAGE_LIFETIME = timedelta(hours=24)
DAY_BEFORE_AT = time(18, 0)
HOUR_BEFORE = timedelta(hours=1)

DIARY = "diary"
SESSION_DAY_BEFORE = "session_day_before"
SESSION_HOUR_BEFORE = "session_hour_before"
GOAL_CHECK_IN = "goal_check_in"
MESSAGE = "message"
KINDS = (DIARY, SESSION_DAY_BEFORE, SESSION_HOUR_BEFORE, GOAL_CHECK_IN, MESSAGE)
SESSION_KINDS = (SESSION_DAY_BEFORE, SESSION_HOUR_BEFORE)


@dataclass(frozen=True)
class Due:
    """One reminder that should be pushed between due_at and expires_at (both aware UTC)."""

    kind: str
    dedupe_key: str
    due_at: datetime
    expires_at: datetime


def local_moment(day: date, at: time) -> datetime:
    """The UTC moment of a London wall-clock time on a London day.

    fold=0 gives exactly the rules we want: a time in the hour skipped in March is read on the
    old clock (01:30 means 02:30 BST), and a time in the hour repeated in October is its first
    occurrence (01:30 BST).
    """
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The UTC moment a London day ends (the next London midnight)."""
    return london_day_bounds(day)[1]


def in_quiet_hours(choice: ReminderChoice, moment: datetime) -> bool:
    """True when `moment` falls in the client's quiet hours (which may wrap past midnight)."""
    start, end = choice.quiet_start, choice.quiet_end
    if not choice.quiet_hours or start == end:
        return False
    clock = to_london(moment).time().replace(tzinfo=None)
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def after_quiet_hours(choice: ReminderChoice, moment: datetime) -> datetime:
    """`moment` itself, or when the quiet hours it falls in end."""
    if not in_quiet_hours(choice, moment):
        return moment
    local = to_london(moment)
    day = local.date()
    if choice.quiet_start > choice.quiet_end and local.time().replace(tzinfo=None) >= choice.quiet_start:
        day += timedelta(days=1)  # quiet since this evening: they end tomorrow morning
    return local_moment(day, choice.quiet_end)


def _waited(choice: ReminderChoice, kind: str, key: str, due_at: datetime, expires_at: datetime) -> Due | None:
    """The reminder after quiet hours, or None when they push it to or past its expiry."""
    due_at = after_quiet_hours(choice, due_at)
    if due_at >= expires_at:
        return None
    return Due(kind, key, due_at, expires_at)


def session_key(session_id: int, starts_at: datetime, kind: str) -> str:
    """ "session:<id>:<YYYYMMDDHHMM UTC start>:day_before" (or hour_before).

    The start time is in the key so that a session moved to another time gets fresh reminders;
    the old ones are skipped at send time because the start no longer matches their expiry.
    """
    stamp = starts_at.astimezone(UTC).strftime("%Y%m%d%H%M")
    return f"session:{session_id}:{stamp}:{kind.removeprefix('session_')}"


def session_id_from_key(key: str) -> int | None:
    """The session id in a session reminder's dedupe key, or None when it has none."""
    parts = key.split(":")
    if len(parts) < 3 or parts[0] != "session" or not parts[1].isdigit():
        return None
    return int(parts[1])


def reminders_for_day(choice: ReminderChoice, day: date) -> list[Due]:
    """The diary and goal check-in reminders of one London day, after quiet hours."""
    found = []
    if choice.diary_daily:
        due = _waited(choice, DIARY, f"diary:{day.isoformat()}", local_moment(day, choice.diary_time), end_of_day(day))
        found.append(due)
    if choice.goal_weekly and day.weekday() == choice.goal_weekday:
        key = f"goals:{day.isoformat()}"
        found.append(_waited(choice, GOAL_CHECK_IN, key, local_moment(day, choice.goal_time), end_of_day(day)))
    return [due for due in found if due]


def reminders_for_session(choice: ReminderChoice, session_id: int, starts_at: datetime) -> list[Due]:
    """The day-before (18:00 London) and hour-before reminders of one planned session."""
    found = []
    if choice.session_day_before:
        day_before = to_london(starts_at).date() - timedelta(days=1)
        key = session_key(session_id, starts_at, SESSION_DAY_BEFORE)
        found.append(_waited(choice, SESSION_DAY_BEFORE, key, local_moment(day_before, DAY_BEFORE_AT), starts_at))
    if choice.session_hour_before:
        key = session_key(session_id, starts_at, SESSION_HOUR_BEFORE)
        found.append(_waited(choice, SESSION_HOUR_BEFORE, key, starts_at - HOUR_BEFORE, starts_at))
    return [due for due in found if due]


def due_reminders(choice: ReminderChoice, now: datetime, sessions: Iterable[tuple[int, datetime]] = ()) -> list[Due]:
    """Every reminder (not messages) due at `now`: due_at <= now < expires_at, and due no more
    than CATCH_UP ago. `sessions` are (id, starts_at) of the client's planned sessions near now."""
    if not choice.enabled:
        return []
    today = to_london(now).date()
    candidates = [*reminders_for_day(choice, today - timedelta(days=1)), *reminders_for_day(choice, today)]
    for session_id, starts_at in sessions:
        candidates.extend(reminders_for_session(choice, session_id, starts_at))
    return [due for due in candidates if now - CATCH_UP <= due.due_at <= now < due.expires_at]


def message_due(choice: ReminderChoice, message_id: int, created_at: datetime) -> Due | None:
    """The alert for a trainer's message: now (or after quiet hours), for 24 hours.
    None when the client turned everything or trainer messages off."""
    if not choice.enabled or not choice.trainer_messages:
        return None
    return _waited(choice, MESSAGE, f"message:{message_id}", created_at, created_at + MESSAGE_LIFETIME)
