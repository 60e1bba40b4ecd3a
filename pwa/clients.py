"""A client's record as staff see it. Every view is audited (DOMAIN.md section 8)."""

from flask import Blueprint, abort, url_for

from models import Person
from pwa import db
from pwa.account import hand_over_code
from pwa.caseload import vocab
from pwa.caseload.record import load_record
from pwa.policy import client_for_staff, requires
from pwa.rendering import render

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.get("/<int:client_id>")
@requires("client.view")
def show(client_id: int):
    """The client's record: the hub from which every part of their journey is reached."""
    client = client_for_staff(client_id)
    session = db.session()
    trainer = session.get(Person, client.trainer_id) if client.trainer_id else None
    person = session.get(Person, client.person_id) if client.person_id else None
    return render(
        "clients/show.html",
        client=client,
        trainer=trainer,
        account=person,
        record=load_record(session, client),
        vocab=vocab,
    )


@bp.post("/<int:client_id>/code")
@requires("client.issue_code")
def issue_code(client_id: int):
    """Give the client a new one-time code to choose (or reset) their password."""
    client = client_for_staff(client_id, audit_as=None)
    if client.person_id is None:
        abort(400)
    person = db.session().get(Person, client.person_id)
    return hand_over_code(person, back=url_for("clients.show", client_id=client.id), client=client)
