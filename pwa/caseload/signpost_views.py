"""Signposting and referral from the client record, and what came of it.

The signpost to follow up travels as a form field (prefilled from ?signpost=3), so the result
page also works as a list to choose from; another client's signpost is a 404.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for

from models import Client, Signpost
from pwa import db
from pwa.caseload import signpost_store as store
from pwa.caseload import vocab
from pwa.caseload.session_rules import small_id
from pwa.caseload.session_store import open_episode
from pwa.caseload.signpost_rules import (
    STORED_STATUSES,
    check_result,
    check_signpost,
    destination_options,
    follow_up_state,
    signposting_status,
)
from pwa.clock import london_today
from pwa.identity import current_actor
from pwa.policy import audit, client_for_staff, requires
from pwa.rendering import render

bp = Blueprint("signposts", __name__)


@bp.app_template_global()
def signposting_status_of(record) -> str:
    """The client's signposting status on the record: done, not_required or not_yet_done."""
    return signposting_status(record.episode, record.signposts)


@bp.app_template_global()
def signpost_follow_up(signpost) -> str | None:
    """due, overdue or None, for the list on the client record."""
    return follow_up_state(signpost, london_today())


def _back(client: Client):
    return redirect(url_for("clients.show", client_id=client.id) + "#signposts")


def _signpost_or_404(client: Client, raw) -> Signpost:
    signpost_id = small_id(raw)
    signpost = store.signpost_of_client(db.session(), client, signpost_id) if signpost_id else None
    if signpost is None:
        abort(404)
    return signpost


@bp.route("/clients/<int:client_id>/signposts/new", methods=["GET", "POST"])
@requires("journey.record")
def new_signpost(client_id: int):
    """Signpost, refer or go with the client (or someone in their family) to a group or service."""
    client = client_for_staff(client_id, audit_as=None)
    today = london_today()
    if request.method == "GET":
        return _signpost_page(client, {"made_on": today.isoformat(), "kind": "signpost"}, {})
    checked = check_signpost(request.form, today=today)
    if not checked.ok:
        return _signpost_page(client, request.form.to_dict(), checked.errors)
    session = db.session()
    signpost = store.add_signpost(session, client, open_episode(session, client), checked, current_actor().person.id)
    audit("add_signpost", client=client, detail=f"signpost {signpost.id}: {signpost.kind} to {signpost.destination}")
    flash("Signpost saved.", "success")
    return _back(client)


def _signpost_page(client, values, errors):
    return render(
        "caseload/signposts/new.html",
        client=client,
        destinations=destination_options(),
        values=values,
        errors=errors,
        vocab=vocab,
    ), 422 if errors else 200


@bp.route("/clients/<int:client_id>/signposts/result", methods=["GET", "POST"])
@requires("journey.record")
def record_result(client_id: int):
    """What came of a signpost: went, did not go (and what got in the way), or do not know."""
    client = client_for_staff(client_id, audit_as=None)
    signposts = store.signposts_of(db.session(), client)
    if request.method == "GET":
        chosen = _signpost_or_404(client, request.args["signpost"]) if request.args.get("signpost") else None
        values = {"result_on": london_today().isoformat()}
        if chosen:
            values["signpost"] = str(chosen.id)
            if chosen.result:
                values.update(
                    result=chosen.result,
                    barrier=chosen.barrier or "",
                    result_note=chosen.result_note,
                    result_on=chosen.result_on.isoformat() if chosen.result_on else values["result_on"],
                )
        return _result_page(client, signposts, values, {})
    raw = request.form.get("signpost", "")
    signpost = _signpost_or_404(client, raw) if raw else None
    checked = check_result(request.form, today=london_today(), made_on=signpost.made_on if signpost else None)
    if signpost is None:
        checked.errors = {"signpost": "Choose which signpost this is about.", **checked.errors}
    if not checked.ok:
        return _result_page(client, signposts, request.form.to_dict(), checked.errors)
    store.record_result(db.session(), signpost, checked)
    audit("record_signpost_result", client=client, detail=f"signpost {signpost.id}: {signpost.result}")
    flash("Result saved.", "success")
    return _back(client)


def _result_page(client, signposts, values, errors):
    options = [
        (
            str(signpost.id),
            f"{signpost.destination_name or destination_options().get(signpost.destination, signpost.destination)}"
            f" ({vocab.SIGNPOST_KINDS.get(signpost.kind, signpost.kind)}, {signpost.made_on:%-d %B %Y})",
        )
        for signpost in signposts
    ]
    return render(
        "caseload/signposts/result.html",
        client=client,
        signpost_options=options,
        values=values,
        errors=errors,
        vocab=vocab,
    ), 422 if errors else 200


@bp.post("/clients/<int:client_id>/signposting")
@requires("journey.record")
def set_status(client_id: int):
    """Set the episode's signposting choice: not needed, or not done yet."""
    client = client_for_staff(client_id, audit_as=None)
    session = db.session()
    episode = open_episode(session, client)
    if episode is None:
        flash("This client has no open plan. Start a new one from their journey first.", "error")
        return _back(client)
    choice = request.form.get("signposting")
    if choice not in STORED_STATUSES:
        errors = {"signposting": "Choose 'Not needed' or 'Not done yet'."}
        current = signposting_status(episode, store.signposts_of(session, client))
        return render(
            "caseload/signposts/status.html", client=client, status=current, values={}, errors=errors, vocab=vocab
        ), 422
    store.set_signposting(session, episode, choice)
    audit("set_signposting_status", client=client, detail=choice)
    flash(f"Signposting: {vocab.SIGNPOSTING_STATUS[choice]}.", "success")
    return _back(client)
