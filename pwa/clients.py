"""A client's record as staff see it. Every view is audited (DOMAIN.md section 8)."""

import math
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, request, url_for
from sqlalchemy import func
from sqlmodel import select

from models import AuditEvent, Person
from pwa import db
from pwa.account import hand_over_code
from pwa.caseload import vocab
from pwa.caseload.record import load_record
from pwa.policy import client_for_staff, requires
from pwa.rendering import render
from pwa.roles import ROLE_LABELS

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


AUDIT_PAGE_SIZE = 50


@dataclass
class AuditLine:
    """One row of a client's audit log, in words."""

    at: datetime
    name: str | None
    role: str
    what: str
    detail: str


@bp.get("/<int:client_id>/audit")
@requires("client.audit_log")
def audit_log(client_id: int):
    """Who opened or changed the client's record, newest first, 50 to a page. Reading it is audited too."""
    client = client_for_staff(client_id, audit_as="view_audit_log")
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    session = db.session()
    total = session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.client_id == client.id)).one()
    pages = max(math.ceil(total / AUDIT_PAGE_SIZE), 1)
    if page > pages:
        abort(404)
    found = session.exec(
        select(AuditEvent, Person.display_name)
        .outerjoin(Person, Person.id == AuditEvent.actor_id)
        .where(AuditEvent.client_id == client.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
    ).all()
    roles = {role.value: label for role, label in ROLE_LABELS.items()}
    events = [
        AuditLine(
            at=event.at,
            name=name,
            role=roles.get(event.actor_role, event.actor_role),
            what=vocab.AUDIT_ACTIONS.get(event.action, event.action),
            detail=event.detail,
        )
        for event, name in found
    ]
    return render("clients/audit.html", client=client, events=events, page=page, pages=pages)
