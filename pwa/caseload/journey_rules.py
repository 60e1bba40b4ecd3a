"""Checking the journey forms: eligibility, assessment, agreement, pause, exit, follow-up and a
new episode. Each `check_xxx(raw, ..., today=)` returns values and errors; no HTTP, no database.

Dates must keep the journey in order: nothing before registration or the episode's start,
the assessment after eligibility, the agreement after the assessment, the exit after all of
them, and nothing in the future."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from pwa.caseload import vocab
from pwa.caseload.checked import Checked as FormChecked
from pwa.caseload.measures import CheckedMeasures, check_measures
from pwa.caseload.session_rules import many

REASON_TEXT = 200
NOTE_TEXT = 500
PLAN_TEXT = 1000
SESSIONS_DEFAULT, SESSIONS_MAX = 6, 12


@dataclass
class Checked(FormChecked):
    """A journey form's check, with the measures it carries (assessment, exit, follow-up)."""

    measures: CheckedMeasures | None = None


def day_words(day: date) -> str:
    return day.strftime("%-d %B %Y")


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _long_text(raw: Mapping, name: str) -> str:
    """Free text that keeps its line breaks (a maintenance plan in the client's words)."""
    value = raw.get(name)
    return "\n".join(" ".join(line.split()) for line in value.strip().splitlines()) if isinstance(value, str) else ""


def _limit(values: dict, errors: dict, name: str, limit: int) -> None:
    if len(values[name]) > limit:
        errors[name] = f"Keep this under {limit} letters."


def _check_day(
    raw: Mapping, name: str, what: str, errors: dict, *, today: date, after: Iterable[tuple[date | None, str]] = ()
) -> date | None:
    """A date field: given, a real date, not in the future and not before any of `after`
    ((date, what happened then) pairs). Empty means today."""
    text = _text(raw, name)
    if not text:
        day = today
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors[name] = f"Choose the date of the {what}."
            return None
    if day > today:
        errors[name] = f"The date of the {what} cannot be in the future."
        return None
    for earliest, event in after:
        if earliest is not None and day < earliest:
            errors[name] = f"The {what} cannot be before {event} ({day_words(earliest)})."
            return None
    return day


def _starts(episode, client) -> list[tuple[date | None, str]]:
    return [
        (getattr(client, "registered_on", None), "registration"),
        (getattr(episode, "started_on", None), "the start of this episode"),
    ]


def _yes_no(raw: Mapping, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(_text(raw, name))


def check_eligibility(raw: Mapping, episode, client, *, today: date) -> Checked:
    """Eligible yes or no; a reason when not; the day it was decided."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["eligible"] = _yes_no(raw, "eligible")
    values["eligibility_reason"] = _text(raw, "eligibility_reason")
    if values["eligible"] is None:
        errors["eligible"] = "Choose yes or no."
    elif values["eligible"] is False and not values["eligibility_reason"]:
        errors["eligibility_reason"] = "Say why they are not eligible, so the service can learn from it."
    _limit(values, errors, "eligibility_reason", REASON_TEXT)
    values["eligibility_on"] = _check_day(
        raw, "eligibility_on", "eligibility check", errors, today=today, after=_starts(episode, client)
    )
    return checked


def check_assessment(raw: Mapping, episode, client, *, today: date) -> Checked:
    """The first assessment: primary issue, other needs, readiness and baseline measures."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["assessed_on"] = _check_day(
        raw,
        "assessed_on",
        "assessment",
        errors,
        today=today,
        after=[*_starts(episode, client), (episode.eligibility_on, "the eligibility check")],
    )
    values["primary_issue"] = _text(raw, "primary_issue")
    if values["primary_issue"] not in vocab.PRIMARY_ISSUE:
        errors["primary_issue"] = (
            "Choose the one thing they most want to change. If they are not sure yet, "
            "choose what matters most to them today: the national list has no 'not known'."
        )
    needs = many(raw, "secondary_needs")
    if any(need not in vocab.SECONDARY_NEEDS for need in needs):
        errors["secondary_needs"] = "Choose other needs from the list."
    values["secondary_needs"] = [need for need in vocab.SECONDARY_NEEDS if need in needs]
    values["secondary_other"] = _text(raw, "secondary_other")
    _limit(values, errors, "secondary_other", 120)
    if "other" in needs and not values["secondary_other"] and "secondary_other" not in errors:
        errors["secondary_other"] = "Say what the other need is."
    values["readiness"] = _text(raw, "readiness")
    if values["readiness"] not in vocab.READINESS:
        errors["readiness"] = "Choose how ready they feel to change."
    checked.measures = check_measures(raw, "baseline", today=today)
    errors.update(checked.measures.errors)
    return checked


def check_agreement(raw: Mapping, episode, *, today: date) -> Checked:
    """The first-session agreement: how many sessions, and the client's contact and diary choices."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["agreed_on"] = _check_day(
        raw, "agreed_on", "agreement", errors, today=today, after=[(episode.assessed_on, "the assessment")]
    )
    text = _text(raw, "sessions_planned")
    if not text:
        values["sessions_planned"] = SESSIONS_DEFAULT
    elif not text.isdigit() or not 1 <= int(text) <= SESSIONS_MAX:
        errors["sessions_planned"] = f"Type a number of sessions from 1 to {SESSIONS_MAX}. Most people need about six."
    else:
        values["sessions_planned"] = int(text)
    for name in ("contact_by_text", "contact_by_phone", "contact_by_app"):
        values[name] = _text(raw, name) in ("yes", "on")
    values["diary_shared"] = _yes_no(raw, "diary_shared")
    if values["diary_shared"] is None:
        errors["diary_shared"] = "Ask the client, then choose yes or no."
    return checked


def check_pause(raw: Mapping, episode, *, today: date) -> Checked:
    """Pausing keeps everything: it needs a reason and a date."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["pause_reason"] = _text(raw, "pause_reason")
    if not values["pause_reason"]:
        errors["pause_reason"] = "Say why, like 'In hospital' or 'Away for a month'."
    _limit(values, errors, "pause_reason", REASON_TEXT)
    values["paused_on"] = _check_day(
        raw, "paused_on", "pause", errors, today=today, after=[(episode.started_on, "the start of this episode")]
    )
    return checked


def latest_event(episode) -> list[tuple[date | None, str]]:
    """Everything an exit must not come before."""
    return [
        (episode.started_on, "the start of this episode"),
        (episode.eligibility_on, "the eligibility check"),
        (episode.assessed_on, "the assessment"),
        (episode.agreed_on, "the agreement"),
    ]


def check_exit(
    raw: Mapping, episode, client, goals: Iterable, *, today: date, known_height: float | None = None
) -> Checked:
    """Finishing: date, reason, an outcome for every goal that has none, exit measures, and a
    plan to keep going."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["ended_on"] = _check_day(
        raw, "ended_on", "exit", errors, today=today, after=[*_starts(episode, client), *latest_event(episode)]
    )
    values["exit_reason"] = _text(raw, "exit_reason")
    if values["exit_reason"] not in vocab.EXIT_REASONS:
        errors["exit_reason"] = "Choose why they are finishing."
    values["exit_reason_other"] = _text(raw, "exit_reason_other") if values["exit_reason"] == "other" else ""
    if values["exit_reason"] == "other" and not values["exit_reason_other"]:
        errors["exit_reason_other"] = "Say what the other reason is."
    _limit(values, errors, "exit_reason_other", REASON_TEXT)
    values["outcomes"] = {}
    for goal in goals:
        if goal.outcome is not None:
            continue
        outcome = _text(raw, f"outcome_{goal.id}")
        if outcome not in vocab.GOAL_OUTCOMES:
            errors[f"outcome_{goal.id}"] = f"Choose an outcome for '{goal.wording}'. 'None yet' is a fine answer."
        else:
            values["outcomes"][goal.id] = outcome
    values["maintenance_plan"] = _long_text(raw, "maintenance_plan")
    if not values["maintenance_plan"]:
        errors["maintenance_plan"] = "Write the plan to keep going in plain words, like 'Walk with Sue on Tuesdays'."
    _limit(values, errors, "maintenance_plan", PLAN_TEXT)
    checked.measures = check_measures(raw, "exit", today=today, known_height=known_height)
    errors.update(checked.measures.errors)
    return checked


def check_follow_up(
    raw: Mapping, episode, goals: Iterable, *, today: date, known_height: float | None = None
) -> Checked:
    """A follow-up after exit: was the change kept up, per client and maybe per goal."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    values["done_on"] = _check_day(
        raw, "done_on", "follow-up", errors, today=today, after=[(episode.ended_on, "the exit")]
    )
    values["result"] = _text(raw, "result")
    if values["result"] not in vocab.MAINTAINED:
        errors["result"] = "Choose whether they kept the change up, or that you could not reach them."
    values["note"] = _long_text(raw, "note")
    _limit(values, errors, "note", NOTE_TEXT)
    values["maintained"] = {}
    for goal in goals:
        answer = _text(raw, f"maintained_{goal.id}")
        if not answer:
            continue
        if answer not in vocab.MAINTAINED:
            errors[f"maintained_{goal.id}"] = "Choose from the list."
        else:
            values["maintained"][goal.id] = answer
    checked.measures = check_measures(raw, "follow_up", today=today, known_height=known_height)
    errors.update(checked.measures.errors)
    if values["result"] == "not_contacted" and not checked.measures.empty:
        errors["result"] = "You could not reach them, so leave the measures empty."
    return checked


def check_new_episode(raw: Mapping, latest, *, today: date) -> Checked:
    """A returning client starts again: not before the last episode ended."""
    checked = Checked()
    ended = latest.ended_on if latest is not None else None
    checked.values["started_on"] = _check_day(
        raw, "started_on", "new start", checked.errors, today=today, after=[(ended, "the last episode ended")]
    )
    return checked


def check_measures_page(
    raw: Mapping, episode, stages: Iterable[str], *, today: date, known_height: float | None = None
) -> Checked:
    """Measures on their own, at a stage that fits the episode; at least one measure."""
    checked = Checked()
    stage = _text(raw, "stage")
    stages = list(stages)
    checked.measures = check_measures(
        raw, stage if stage in stages else "", today=today, need_one=True, known_height=known_height
    )
    checked.errors.update(checked.measures.errors)
    taken_on = checked.measures.taken_on
    if taken_on is not None and taken_on < episode.started_on:
        checked.errors["taken_on"] = f"The day cannot be before this episode started ({day_words(episode.started_on)})."
    checked.values.update(stage=stage, taken_on=taken_on)
    return checked
