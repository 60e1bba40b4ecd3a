"""Closing the loop: a client's "I'm interested" and "I went", staff signposting from a listing,
and following signposts up.

Marks stay private to the client. A signpost for a client is part of their record: only
trainers and trainees pick a client (from their own caseload), and each change is audited.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, flash, redirect, request, url_for

from models import Client, Signpost
from pwa import db
from pwa.caseload import vocab as caseload_vocab
from pwa.caseload.session_store import open_episode
from pwa.caseload.signpost_rules import check_result
from pwa.caseload.signpost_store import record_result
from pwa.clock import london_today
from pwa.diary.rules import DAYS_BACK
from pwa.directory import loop_store as store
from pwa.directory.listing_store import times_of
from pwa.directory.loop_rules import (
    FOLLOW_UP_AFTER,
    check_listing_signpost,
    check_went_on,
    diary_prefill,
    follow_up_message,
    group_signposts,
    went_day_choices,
)
from pwa.identity import current_actor
from pwa.policy import (
    audit,
    can,
    client_for_staff,
    listing_in_service,
    may_see_signpost,
    my_client_record,
    own_client_record,
    requires,
    signpost_for_staff,
    visible_clients,
)
from pwa.rendering import render

bp = Blueprint("directory_loop", __name__)


def _listing_page(listing):
    return redirect(url_for("directory.listing", listing_id=listing.id))


# --- A client's marks -------------------------------------------------------------------------


@dataclass
class MyMarks:
    """What the listing page tells a client about their own marks."""

    interested: bool
    went_on: date | None
    diary_url: str | None  # the diary's activity form, filled in from the listing
    went_days: list[tuple[str, str]]


@bp.app_template_global()
def my_marks(listing) -> MyMarks | None:
    """The logged-in client's marks on this listing (None for anyone else)."""
    actor = current_actor()
    if not can(actor, "directory.mark") or listing.service_id != actor.service_id:
        return None
    record = own_client_record(actor)
    if record is None:
        return None
    session = db.session()
    marks = store.marks_of(session, listing.id, record.id)
    today = london_today()
    went = [mark.marked_on for mark in marks if mark.kind == "went"]
    went_on = max(went) if went else None
    diary_url = None
    if went_on and went_on >= today - timedelta(days=DAYS_BACK):
        prefill = diary_prefill(listing, times_of(session, [listing.id]).get(listing.id, []), went_on, today)
        if prefill:
            diary_url = url_for("diary.add", kind="activity", **prefill)
    return MyMarks(
        interested=any(mark.kind == "interested" for mark in marks),
        went_on=went_on,
        diary_url=diary_url,
        went_days=went_day_choices(today),
    )


@bp.post("/directory/<int:listing_id>/mark")
@requires("directory.mark")
def mark(listing_id: int):
    """ "I'm interested" (or take it back) and "I went", on the listing page."""
    record = my_client_record()
    listing = listing_in_service(listing_id)
    session, today = db.session(), london_today()
    kind = request.form.get("kind")
    if kind == "interested":
        store.add_mark(session, listing, record, "interested", today)
        flash("Saved. You said you are interested.", "success")
    elif kind == "not_interested":
        store.remove_interest(session, listing, record)
        flash("Done. You are no longer down as interested.", "success")
    elif kind == "went":
        went_on = check_went_on(request.form, today=today)
        if went_on is None:
            flash("Choose a day in the last week, then press 'I went' again.", "error")
        else:
            store.add_mark(session, listing, record, "went", went_on)
            flash("Thank you for telling us.", "success")
    else:
        flash("Sorry, that did not work. Please press the button again.", "error")
    return _listing_page(listing)


# --- Staff signposting from a listing ---------------------------------------------------------


def _pickable_clients(actor) -> list[Client]:
    """Clients the worker may signpost from the directory: their own caseload, trainers and
    trainees only. Champions never see or pick a client."""
    if not can(actor, "journey.record"):
        return []
    return list(db.session().exec(visible_clients(actor).order_by(Client.full_name, Client.id)).all())


@bp.route("/directory/<int:listing_id>/signpost", methods=["GET", "POST"])
@requires("directory.signpost")
def signpost(listing_id: int):
    """Signpost someone to this listing: one tap on Save for someone not registered."""
    listing = listing_in_service(listing_id)
    actor = current_actor()
    clients = _pickable_clients(actor)
    today = london_today()
    if request.method == "GET":
        values = {
            "kind": "signpost",
            "made_on": today.isoformat(),
            "follow_up_on": (today + FOLLOW_UP_AFTER).isoformat(),
        }
        return _signpost_page(listing, clients, values, {})
    checked = check_listing_signpost(
        request.form,
        today=today,
        listing=listing,
        may_pick_client=can(actor, "journey.record"),
        client_ids=[client.id for client in clients],
    )
    if not checked.ok:
        return _signpost_page(listing, clients, request.form.to_dict(), checked.errors)
    session = db.session()
    client, episode_id = None, None
    if checked.values["client_id"] is not None:
        client = client_for_staff(checked.values["client_id"], audit_as=None)
        episode = open_episode(session, client)
        episode_id = episode.id if episode else None
    made = store.add_listing_signpost(session, listing, client, episode_id, checked, actor.person.id)
    if client is not None:
        audit("add_signpost", client=client, detail=f"signpost {made.id}: {made.kind} to listing {listing.id}")
    else:
        session.commit()
    flash(follow_up_message(made.follow_up_on), "success")
    return _listing_page(listing)


def _signpost_page(listing, clients, values, errors):
    return render(
        "directory/signpost_form.html",
        listing=listing,
        clients=[(str(client.id), client.full_name) for client in clients],
        may_pick_client=can(current_actor(), "journey.record"),
        values=values,
        errors=errors,
        vocab=caseload_vocab,
        more_open=bool(set(errors) & {"kind", "made_on", "follow_up_on", "for_family_member"}),
    ), 422 if errors else 200


# --- Following signposts up -------------------------------------------------------------------


@dataclass
class SignpostRow:
    """One signpost as a worker's list shows it."""

    signpost: Signpost
    who: str
    may_follow_up: bool

    @property
    def where(self) -> str:
        signpost = self.signpost
        return signpost.destination_name or caseload_vocab.REFERRAL_SOURCE.get(signpost.destination, "A service")

    @property
    def kind(self) -> str:
        return caseload_vocab.SIGNPOST_KINDS.get(self.signpost.kind, self.signpost.kind)

    @property
    def result(self) -> str:
        """Went, did not go (and why), do not know; empty before the follow-up."""
        signpost = self.signpost
        if not signpost.result:
            return ""
        said = caseload_vocab.SIGNPOST_RESULTS.get(signpost.result, signpost.result)
        if signpost.barrier:
            said += f" ({caseload_vocab.BARRIERS.get(signpost.barrier, signpost.barrier)})"
        return said


def _rows(signposts: list[Signpost]) -> list[SignpostRow]:
    """Say who each signpost was for: a client's name only to someone who may see that client."""
    actor = current_actor()
    allowed = {signpost.id: may_see_signpost(actor, signpost) for signpost in signposts}
    names = store.client_names(
        db.session(), [signpost.client_id for signpost in signposts if allowed[signpost.id] and signpost.client_id]
    )
    rows = []
    for signpost in signposts:
        if signpost.client_id is None:
            who = signpost.person_label or "Someone not registered"
        elif allowed[signpost.id] and signpost.client_id in names:
            who = names[signpost.client_id]
        else:
            who = "A registered client"
        if signpost.for_family_member:
            who += " (for a family member)"
        rows.append(SignpostRow(signpost, who, allowed[signpost.id]))
    return rows


@bp.app_template_global()
def signposts_to_follow_up() -> list[SignpostRow]:
    """The logged-in worker's signposts due or overdue for a follow-up (for their home page)."""
    actor = current_actor()
    if not can(actor, "directory.signpost"):
        return []
    return _rows(store.due_signposts_by(db.session(), actor.service_id, actor.person.id, london_today()))


@bp.get("/signposts")
@requires("directory.signpost")
def my_signposts():
    """The signposts I made: to follow up now, coming up, and done."""
    actor = current_actor()
    today = london_today()
    sections = group_signposts(store.signposts_by(db.session(), actor.service_id, actor.person.id), today)
    return render(
        "directory/my_signposts.html",
        now=_rows(sections.now),
        coming=_rows(sections.coming),
        done=_rows(sections.done),
    )


@bp.route("/signposts/<int:signpost_id>/result", methods=["GET", "POST"])
@requires("directory.signpost")
def signpost_result(signpost_id: int):
    """Did they go? And if not, what got in the way."""
    signpost = signpost_for_staff(signpost_id)
    row = _rows([signpost])[0]
    today = london_today()
    if request.method == "GET":
        values = {"result_on": today.isoformat()}
        if signpost.result:
            values.update(
                result=signpost.result,
                barrier=signpost.barrier or "",
                result_note=signpost.result_note,
                result_on=(signpost.result_on or today).isoformat(),
            )
        return _result_page(row, values, {})
    checked = check_result(request.form, today=today, made_on=signpost.made_on)
    if not checked.ok:
        return _result_page(row, request.form.to_dict(), checked.errors)
    client = client_for_staff(signpost.client_id, audit_as=None) if signpost.client_id else None
    record_result(db.session(), signpost, checked)
    if client is not None:
        audit("record_signpost_result", client=client, detail=f"signpost {signpost.id}: {signpost.result}")
    flash("Result saved.", "success")
    return redirect(url_for("directory_loop.my_signposts"))


def _result_page(row: SignpostRow, values, errors):
    return render(
        "directory/signpost_result.html",
        row=row,
        signpost=row.signpost,
        values=values,
        errors=errors,
        vocab=caseload_vocab,
    ), 422 if errors else 200
