"""Checking sessions and contacts as the trainer types them, and numbering sessions. No HTTP here.

Times are typed as London wall-clock time and stored as aware UTC. On the day the clocks go
forward, 01:00 to 01:59 does not exist in London; on the day they go back it happens twice
(we take the first, still summer time).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pwa.caseload import vocab
from pwa.caseload.checked import Checked
from pwa.clock import LONDON, to_london

MAX_AHEAD = timedelta(days=365)
MAX_MINUTES = 240
USUAL_MAX_SESSIONS = 12
RECORDED_STATUSES = ("attended", "did_not_attend", "cancelled")
TIME_PATTERN = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})(?::[0-9]{2})?$")
ID_PATTERN = re.compile(r"^[0-9]{1,9}$")


# --- Small form readers shared by the other checks (signposts, journey, community...) -------


def text(raw: Mapping, name: str, limit: int, *, keep_lines: bool = False) -> tuple[str, str | None]:
    """Tidied text and a message when it is too long. Notes may keep their line breaks."""
    value = raw.get(name)
    value = value if isinstance(value, str) else ""
    if keep_lines:
        lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
        tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        tidy = " ".join(value.split())
    return tidy, (f"Keep this under {limit} letters." if len(tidy) > limit else None)


def many(raw: Mapping, name: str) -> list[str]:
    """Every value sent for a repeated field (checkboxes), from a form or a plain dict."""
    if hasattr(raw, "getlist"):
        return [value for value in raw.getlist(name) if isinstance(value, str)]
    value = raw.get(name)
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, str)]
    return [value] if isinstance(value, str) else []


def day(raw: Mapping, name: str) -> date | None:
    """A date from a date field (YYYY-MM-DD), or None when empty or not a real date."""
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def clock_time(raw: Mapping, name: str) -> time | None:
    """A time of day typed as 10:30 (or 10.30), or None."""
    value = raw.get(name)
    match = TIME_PATTERN.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def london_to_utc(on: date, at: time) -> datetime | None:
    """London wall-clock time on a day as aware UTC, or None when the clocks skip that time."""
    local = datetime.combine(on, at, tzinfo=LONDON)  # fold=0: the first of a repeated hour
    moment = local.astimezone(UTC)
    if moment.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # in the hour lost when the clocks go forward
    return moment


def small_id(value) -> int | None:
    """A record id typed or sent in a form: plain digits that fit a database integer, or None."""
    text_value = str(value).strip() if value is not None else ""
    return int(text_value) if ID_PATTERN.match(text_value) else None


def whole_number(raw: Mapping, name: str) -> int | None:
    """A whole number of plain digits, or None."""
    return small_id(raw.get(name))


# --- Sessions -------------------------------------------------------------------------------


def check_when(raw: Mapping, *, today: date, episode_start: date | None, checked: Checked) -> None:
    """Date, time, venue and mode of a session: shared by planning and recording."""
    values, errors = checked.values, checked.errors
    on, at = day(raw, "date"), clock_time(raw, "time")
    if on is None:
        errors["date"] = "Choose the day of the session."
    elif on > today + MAX_AHEAD:
        errors["date"] = "Plan sessions up to a year ahead."
    elif episode_start and on < episode_start:
        errors["date"] = f"The session cannot be before this plan started ({episode_start:%-d %B %Y})."
    if at is None:
        errors["time"] = "Type the time it starts, like 10:30."
    if on and at and "date" not in errors:
        starts_at = london_to_utc(on, at)
        if starts_at is None:
            errors["time"] = "The clocks go forward that night, so this time does not exist. Choose 2:00 or later."
        values["starts_at"] = starts_at
    mode = raw.get("mode")
    if mode not in vocab.SESSION_MODES:
        errors["mode"] = "Choose how you will meet."
    values["mode"] = mode
    values["venue"], problem = text(raw, "venue", 120)
    if problem:
        errors["venue"] = problem
    elif not values["venue"] and mode in ("face_to_face", "group"):
        errors["venue"] = "Say where you will meet, like 'Library, Station Road'."


def check_plan(raw: Mapping, *, today: date, episode_start: date | None = None) -> Checked:
    """A session to plan: when, where and how. Past days are fine (recording after the fact)."""
    checked = Checked()
    check_when(raw, today=today, episode_start=episode_start, checked=checked)
    return checked


def check_record(raw: Mapping, *, today: date, goal_ids: Iterable[int], episode_start: date | None = None) -> Checked:
    """A session as it went: status, minutes, notes, goals reviewed and agreed actions."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    check_when(raw, today=today, episode_start=episode_start, checked=checked)
    status = raw.get("status")
    if status not in RECORDED_STATUSES:
        errors["status"] = "Choose what happened: it took place, the client did not come, or it was cancelled."
    values["status"] = status
    starts_at = values.get("starts_at")
    if status in ("attended", "did_not_attend") and starts_at and to_london(starts_at).date() > today:
        errors["date"] = "This day is still to come. Record what happened on the day, or plan it instead."

    minutes = whole_number(raw, "minutes")
    values["minutes"] = None
    if status == "attended":
        if minutes is None or not 1 <= minutes <= MAX_MINUTES:
            errors["minutes"] = f"Type how many minutes it lasted, from 1 to {MAX_MINUTES}."
        else:
            values["minutes"] = minutes

    for name, limit in [("notes", 2000), ("agreed_actions", 1000)]:
        values[name], problem = text(raw, name, limit, keep_lines=True)
        if problem:
            errors[name] = problem

    allowed = set(goal_ids)
    chosen = raw.getlist("goals_reviewed") if hasattr(raw, "getlist") else raw.get("goals_reviewed") or []
    reviewed = []
    for value in chosen:
        goal_id = small_id(value)
        if goal_id not in allowed:
            errors["goals_reviewed"] = "Choose from this client's goals."
            break
        reviewed.append(goal_id)
    # Goals are only reviewed in a session that took place.
    values["goals_reviewed"] = sorted(set(reviewed)) if status == "attended" else []
    return checked


@dataclass
class SessionSummary:
    """The sessions of an episode as the trainer sees them: numbers, the next one, the count."""

    numbers: dict[int, int]  # session id -> its number among attended sessions
    attended: int
    planned: int  # sessions agreed in the episode
    next_session: Any = None  # the earliest session still planned
    next_number: int | None = None
    next_is_past: bool = False  # its time has gone and it is still not recorded


def number_sessions(sessions: Iterable) -> dict[int, int]:
    """Number the sessions that took place 1, 2, 3... in time order."""
    attended = sorted((s for s in sessions if s.status == "attended"), key=lambda s: (s.starts_at, s.id or 0))
    return {session.id: number for number, session in enumerate(attended, start=1)}


def number_for(sessions: Iterable, starts_at: datetime, exclude_id: int | None = None) -> int:
    """The number a session at this time would have if it took place."""
    earlier = [s for s in sessions if s.status == "attended" and s.id != exclude_id and s.starts_at < starts_at]
    return len(earlier) + 1


def summarise_sessions(episode, sessions: list, now: datetime | None = None) -> SessionSummary:
    """Numbers, the count of attended sessions and the next planned session of an episode."""
    numbers = number_sessions(sessions)
    planned = [s for s in sessions if s.status == "planned"]
    next_session = min(planned, key=lambda s: (s.starts_at, s.id or 0)) if planned else None
    return SessionSummary(
        numbers=numbers,
        attended=len(numbers),
        planned=episode.sessions_planned if episode else 0,
        next_session=next_session,
        next_number=number_for(sessions, next_session.starts_at, next_session.id) if next_session else None,
        next_is_past=bool(next_session and now and next_session.starts_at < now),
    )


def beyond_agreed_warning(number: int, agreed: int) -> str | None:
    """A gentle warning (never a block) when a session goes past the number agreed."""
    if number <= agreed:
        return None
    if number <= USUAL_MAX_SESSIONS:
        return f"This is session {number}. You agreed {agreed}. That is fine, up to {USUAL_MAX_SESSIONS} is usual."
    return (
        f"This is session {number}. You agreed {agreed}. Most plans end by session {USUAL_MAX_SESSIONS}: "
        "think about reviewing the plan or finishing together."
    )


# --- Contacts between sessions --------------------------------------------------------------


def check_contact(raw: Mapping, *, today: date, episode_start: date | None = None) -> Checked:
    """A text, call or visit between sessions: when, what kind, and what came of it."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    on = day(raw, "contact_on")
    if on is None:
        errors["contact_on"] = "Choose the day of the contact."
    elif on > today:
        errors["contact_on"] = "The contact cannot be in the future."
    elif episode_start and on < episode_start:
        errors["contact_on"] = f"The contact cannot be before this plan started ({episode_start:%-d %B %Y})."
    values["contact_on"] = on
    kind = raw.get("kind")
    if kind not in vocab.CONTACT_KINDS:
        errors["kind"] = "Choose what kind of contact it was."
    values["kind"] = kind
    values["outcome"], problem = text(raw, "outcome", 500)
    if problem:
        errors["outcome"] = problem
    elif not values["outcome"]:
        errors["outcome"] = "Say in a few words what came of it, like 'Went to the walking group with her'."
    return checked


def episode_refusal(episode) -> str | None:
    """Why sessions cannot be planned or recorded now, in plain words, or None when they can."""
    if episode is None or episode.ended_on is not None:
        return "This client has no open plan. Start a new one from their journey first."
    if episode.paused_on is not None:
        return "This client's plan is paused. Resume the plan first."
    return None
