"""Closing the loop, without HTTP: a client's "I went" day and what it offers to the diary, a
staff signpost made from a listing, and how signposts are grouped for following up."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pwa.caseload.checked import Checked
from pwa.caseload.session_rules import small_id, text
from pwa.caseload.signpost_rules import check_signpost
from pwa.directory import vocab

MARK_KINDS = ("interested", "went", "not_interested")  # not_interested takes "interested" back
WENT_DAYS_BACK = 7
FOLLOW_UP_AFTER = timedelta(days=7)
PERSON_LABEL_LIMIT = 60
DONE_SHOWN = 20


def went_day_choices(today: date) -> list[tuple[str, str]]:
    """(value, label) for "When did you go?": today back to a week ago."""
    labels = {0: "Today", 1: "Yesterday"}
    days = [today - timedelta(days=back) for back in range(WENT_DAYS_BACK + 1)]
    return [(day.isoformat(), labels.get(back, f"{day:%A %-d %B}")) for back, day in enumerate(days)]


def check_went_on(raw: Mapping, *, today: date) -> date | None:
    """The day the client went: today when not given, else a day in the last week (None if not)."""
    value = raw.get("on")
    if not isinstance(value, str) or not value.strip():
        return today
    try:
        on = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return on if today - timedelta(days=WENT_DAYS_BACK) <= on <= today else None


def destination_of(listing) -> str:
    """The signposting category of a listing: that of its first category which has one."""
    for category in listing.categories or []:
        if category in vocab.CATEGORY_DESTINATION:
            return vocab.CATEGORY_DESTINATION[category]
    return "other"


def diary_activity_of(listing) -> str | None:
    """The diary activity kind of a listing's first category that maps to one, or None."""
    for category in listing.categories or []:
        if category in vocab.CATEGORY_DIARY_KIND:
            return vocab.CATEGORY_DIARY_KIND[category]
    return None


def minutes_on(times: Iterable, day: date) -> int | None:
    """How long the listing runs on that day (its first session that day), if it has set times."""
    for slot in sorted(times, key=lambda slot: slot.starts_at):
        if slot.on_date == day or (slot.on_date is None and slot.weekday == day.weekday()):
            length = datetime.combine(day, slot.ends_at) - datetime.combine(day, slot.starts_at)
            minutes = int(length.total_seconds() // 60)
            return minutes if 0 < minutes <= 1440 else None
    return None


def start_on(times: Iterable, day: date):
    """When the listing's first session starts on that day, or None."""
    for slot in sorted(times, key=lambda slot: slot.starts_at):
        if slot.on_date == day or (slot.on_date is None and slot.weekday == day.weekday()):
            return slot.starts_at
    return None


def diary_prefill(listing, times: Iterable, went_on: date, today: date) -> dict | None:
    """Query values for the diary's activity form after "I went", or None when the listing is not
    an activity. An earlier day needs a time in the diary, so the session's start goes with it."""
    activity = diary_activity_of(listing)
    if activity is None:
        return None
    times = list(times)
    prefill = {"day": went_on.isoformat(), "activity": activity, "note": listing.name}
    minutes = minutes_on(times, went_on)
    if minutes:
        prefill["minutes"] = str(minutes)
    starts = start_on(times, went_on)
    if starts is not None and went_on < today:
        prefill["time"] = starts.strftime("%H:%M")
    return prefill


def check_listing_signpost(
    raw: Mapping, *, today: date, listing, may_pick_client: bool, client_ids: Iterable[int]
) -> Checked:
    """A signpost from a listing: the usual signpost checks (where to comes from the listing),
    plus who it is for: someone not registered, or a client the worker may pick."""
    fields = {name: raw.get(name) for name in ("kind", "for_family_member", "made_on", "follow_up_on")}
    checked = check_signpost(
        {**fields, "destination": destination_of(listing), "destination_name": listing.name[:120]}, today=today
    )
    values, errors = checked.values, checked.errors
    posted_client = (raw.get("client_id") or "").strip()
    wants_client = bool(posted_client) or raw.get("who") == "client"
    values["client_id"], values["person_label"] = None, ""
    if wants_client and not may_pick_client:
        errors["who"] = "You can signpost someone not registered here. Do not choose a client."
    elif wants_client:
        client_id = small_id(posted_client)
        if not posted_client:
            errors["client_id"] = "Choose the client, or choose 'Someone not registered'."
        elif client_id is None or client_id not in set(client_ids):
            errors["client_id"] = "Choose a client from your own caseload."
        values["client_id"] = client_id
    if values["client_id"] is None and "who" not in errors:
        values["person_label"], problem = text(raw, "person_label", PERSON_LABEL_LIMIT)
        if problem:
            errors["person_label"] = problem
    return checked


def follow_up_message(follow_up_on: date | None) -> str:
    """What to say once a signpost is saved."""
    if follow_up_on is None:
        return "Signpost saved."
    return f"Signpost saved. Follow it up on {follow_up_on:%A %-d %B}."


@dataclass
class SignpostSections:
    """A worker's signposts, grouped for following up."""

    now: list = field(default_factory=list)  # due today or overdue, no result yet
    coming: list = field(default_factory=list)  # follow-up later, or none planned
    done: list = field(default_factory=list)  # with a result, latest first


def group_signposts(signposts: Iterable, today: date) -> SignpostSections:
    """Sort signposts into "follow up now", "coming up" and the latest done."""
    sections = SignpostSections()
    for signpost in signposts:
        if signpost.result:
            sections.done.append(signpost)
        elif signpost.follow_up_on and signpost.follow_up_on <= today:
            sections.now.append(signpost)
        else:
            sections.coming.append(signpost)
    sections.now.sort(key=lambda s: (s.follow_up_on, s.id))
    sections.coming.sort(key=lambda s: (s.follow_up_on is None, s.follow_up_on or today, s.id))
    sections.done.sort(key=lambda s: (s.result_on or s.made_on, s.id), reverse=True)
    sections.done = sections.done[:DONE_SHOWN]
    return sections
