"""Checking signposts and referrals, their results, and the client's signposting status. No HTTP here."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from pwa.caseload import vocab
from pwa.caseload.checked import Checked
from pwa.caseload.session_rules import day, text

MAX_FOLLOW_UP_AHEAD = timedelta(days=366)

# Where a client can be sent: the referral-source categories (DOMAIN.md section 3).
DESTINATIONS = {code: label for code, label in vocab.REFERRAL_SOURCE.items() if code != vocab.NOT_RECORDED}
STORED_STATUSES = ("not_required", "not_yet_done")


def destination_options() -> dict[str, str]:
    """Destination categories offered on the form. The directory (issue 6) will add listings."""
    return DESTINATIONS


def check_signpost(raw: Mapping, *, today: date) -> Checked:
    """A new signpost or referral: where to, what kind, for whom, when, and when to follow up."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    destination = raw.get("destination")
    if destination not in destination_options():
        errors["destination"] = "Choose what kind of place or service it is."
    values["destination"] = destination
    values["destination_name"], problem = text(raw, "destination_name", 120)
    if problem:
        errors["destination_name"] = problem
    elif destination == "other" and not values["destination_name"]:
        errors["destination_name"] = "Write the name of the group or service, like 'Tuesday Health Walk'."
    kind = raw.get("kind")
    if kind not in vocab.SIGNPOST_KINDS:
        errors["kind"] = "Choose signposted, referred or went with them."
    values["kind"] = kind
    values["for_family_member"] = raw.get("for_family_member") in ("yes", "on", "true", "1")

    made_on = day(raw, "made_on")
    if made_on is None:
        errors["made_on"] = "Choose the day you made it."
    elif made_on > today:
        errors["made_on"] = "The day you made it cannot be in the future."
    values["made_on"] = made_on
    follow_up_on = day(raw, "follow_up_on")
    if follow_up_on is None and (raw.get("follow_up_on") or "").strip():
        errors["follow_up_on"] = "Choose a real date, or leave it empty."
    elif follow_up_on and made_on and follow_up_on < made_on:
        errors["follow_up_on"] = "The follow-up cannot be before the day you made it."
    elif follow_up_on and made_on and follow_up_on > made_on + MAX_FOLLOW_UP_AHEAD:
        errors["follow_up_on"] = "Follow it up within a year."
    values["follow_up_on"] = follow_up_on
    return checked


def check_result(raw: Mapping, *, today: date, made_on: date | None) -> Checked:
    """What came of a signpost: went, did not go (and what got in the way), or do not know."""
    checked = Checked()
    values, errors = checked.values, checked.errors
    result = raw.get("result")
    if result not in vocab.SIGNPOST_RESULTS:
        errors["result"] = "Choose whether they went."
    values["result"] = result
    barrier = raw.get("barrier") or None
    if result == "not_attended":
        if barrier not in vocab.BARRIERS:
            errors["barrier"] = "Choose what got in the way. Choose 'Other' and say what, if none fits."
    else:
        barrier = None
    values["barrier"] = barrier
    values["result_note"], problem = text(raw, "result_note", 300)
    if problem:
        errors["result_note"] = problem
    elif barrier == "other" and not values["result_note"]:
        errors["result_note"] = "Say in a few words what got in the way."
    result_on = day(raw, "result_on")
    if result_on is None:
        errors["result_on"] = "Choose the day you found out."
    elif result_on > today:
        errors["result_on"] = "The day cannot be in the future."
    elif made_on and result_on < made_on:
        errors["result_on"] = f"The day cannot be before the signpost was made ({made_on:%-d %B %Y})."
    values["result_on"] = result_on
    return checked


def signposting_status(episode, signposts: Iterable) -> str:
    """done, not_required or not_yet_done; never blank.

    "done" when any signpost was made in the episode; otherwise the episode's stored choice.
    Without an episode, any signpost at all counts.
    """
    signposts = list(signposts)
    if episode is None:
        return "done" if signposts else "not_yet_done"
    if any(signpost.episode_id == episode.id for signpost in signposts):
        return "done"
    return episode.signposting if episode.signposting in STORED_STATUSES else "not_yet_done"


def follow_up_state(signpost, today: date) -> str | None:
    """due (today or later), overdue, or None when there is no follow-up to do."""
    if signpost.result or not signpost.follow_up_on:
        return None
    return "overdue" if signpost.follow_up_on < today else "due"
