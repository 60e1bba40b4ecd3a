"""Checking group courses, their sessions and who came. No HTTP here.

A session is an event of type group_course_session. Its `reached` is everyone who came;
registered clients who came are a subset, kept as CourseAttendance rows. So the people who
came but are not registered are reached minus the registered ones.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from pwa.caseload.checked import Checked
from pwa.caseload.postcodes import normalise_postcode
from pwa.caseload.session_rules import clock_time, day, london_to_utc, many, small_id, text, whole_number
from pwa.community import vocab

MAX_SESSIONS = 52
MAX_AT_A_SESSION = 1000
MAX_SESSION_HOURS = 12
FAR = timedelta(days=3 * 366)


def _postcode(raw: Mapping, checked: Checked) -> None:
    postcode = normalise_postcode(raw.get("postcode"))
    if postcode is None:
        checked.errors["postcode"] = "This does not look like a UK postcode. Check it, or leave it empty."
    checked.values["postcode"] = postcode or ""


def _venue(raw: Mapping, checked: Checked) -> None:
    checked.values["venue"], problem = text(raw, "venue", 120)
    if problem:
        checked.errors["venue"] = problem


def check_course(raw: Mapping, *, today: date, partner_ids: Iterable[int], staff_ids: Iterable[int]) -> Checked:
    """A new course: what it is, how many sessions, when it starts, where, with whom, who leads it."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["title"], problem = text(raw, "title", 120)
    if problem:
        errors["title"] = problem
    elif not values["title"]:
        errors["title"] = "Give the course a name, like 'Healthy eating on a budget'."
    values["description"], problem = text(raw, "description", 1000, keep_lines=True)
    if problem:
        errors["description"] = problem
    topics = many(raw, "topics")
    if any(topic not in vocab.TOPICS for topic in topics):
        errors["topics"] = "Choose topics from the list."
    values["topics"] = [topic for topic in vocab.TOPICS if topic in topics]

    planned = whole_number(raw, "planned_sessions")
    if planned is None or not 1 <= planned <= MAX_SESSIONS:
        errors["planned_sessions"] = f"Write how many sessions you plan, from 1 to {MAX_SESSIONS}."
    values["planned_sessions"] = planned
    starts_on = day(raw, "starts_on")
    if starts_on is None:
        errors["starts_on"] = "Choose the day of the first session."
    elif abs(starts_on - today) > FAR:
        errors["starts_on"] = "Choose a day within three years of today."
    values["starts_on"] = starts_on
    _venue(raw, checked)
    _postcode(raw, checked)

    allowed_partners = set(partner_ids)
    chosen = [small_id(value) for value in many(raw, "partner_ids")]
    if any(partner not in allowed_partners for partner in chosen):
        errors["partner_ids"] = "Choose partners from the list."
    values["partner_ids"] = sorted({partner for partner in chosen if partner in allowed_partners})
    led_by = small_id(raw.get("led_by_id"))
    if led_by is None or led_by not in set(staff_ids):
        errors["led_by_id"] = "Choose who leads the course."
    values["led_by_id"] = led_by
    return checked


def check_session(raw: Mapping, *, today: date) -> Checked:
    """One session: the day, start and end time (London time, end after start), and where."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    on = day(raw, "on_date")
    if on is None:
        errors["on_date"] = "Choose the day of the session."
    elif abs(on - today) > FAR:
        errors["on_date"] = "Choose a day within three years of today."
    starts, ends = clock_time(raw, "starts"), clock_time(raw, "ends")
    if starts is None:
        errors["starts"] = "Write the time it starts, like 10:00."
    if ends is None:
        errors["ends"] = "Write the time it ends, like 11:30."
    elif starts is not None and ends <= starts:
        errors["ends"] = "The end must be after the start."
    if on and starts and ends and "ends" not in errors:
        values["starts_at"], values["ends_at"] = london_to_utc(on, starts), london_to_utc(on, ends)
        if values["starts_at"] is None or values["ends_at"] is None:
            errors["starts"] = "The clocks go forward then, so that time does not exist. Choose another."
        elif values["ends_at"] - values["starts_at"] > timedelta(hours=MAX_SESSION_HOURS):
            errors["ends"] = f"A session lasts at most {MAX_SESSION_HOURS} hours."
    _venue(raw, checked)
    _postcode(raw, checked)
    return checked


def next_session_number(numbers: Iterable[int | None]) -> int:
    """The number of the next session: one after the highest so far (1 for the first)."""
    return max((number for number in numbers if number), default=0) + 1


def suggested_day(starts_on: date, number: int) -> date:
    """Where a weekly course's session `number` falls: the start day, then a week apart."""
    return starts_on + timedelta(weeks=number - 1)


def check_attendance(raw: Mapping, *, choosable: Iterable[int]) -> Checked:
    """Registered clients who came (only from the list offered) and how many others came."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    allowed = set(choosable)
    ticked = [small_id(value) for value in many(raw, "client_id")]
    if any(client_id not in allowed for client_id in ticked):
        errors["client_id"] = "Tick only people from the list."
    values["client_ids"] = {client_id for client_id in ticked if client_id in allowed}
    typed = (raw.get("others") or "").strip() if isinstance(raw.get("others"), str) else ""
    others = whole_number(raw, "others") if typed else 0
    if others is None or others > MAX_AT_A_SESSION:
        errors["others"] = f"Write a whole number from 0 to {MAX_AT_A_SESSION}, or leave it empty."
    values["others"] = others
    return checked


def others_counted(reached: int, registered: int) -> int:
    """People at a session who are not registered: everyone reached minus registered ones."""
    return max(reached - registered, 0)


def session_title(course_title: str, number: int) -> str:
    """ "Healthy eating on a budget: session 2", shortened to fit the event's title."""
    ending = f": session {number}"
    return f"{course_title[: 120 - len(ending)]}{ending}"
