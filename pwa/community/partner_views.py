"""The simple list of partner organisations a service works with, kept by managers. Events tick
the partners that helped; a partner no longer worked with is stopped, never deleted, so old
events still show it."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models import Partner
from pwa import db
from pwa.caseload.session_rules import text
from pwa.identity import current_actor
from pwa.policy import requires
from pwa.rendering import render

bp = Blueprint("partners", __name__)


def _page(values: dict, errors: dict):
    partners = db.session().exec(
        select(Partner)
        .where(Partner.service_id == current_actor().service_id)
        .order_by(Partner.is_active.desc(), Partner.name)
    )
    return render("community/partners.html", partners=partners.all(), values=values, errors=errors), (
        422 if errors else 200
    )


@bp.route("/partners", methods=["GET", "POST"])
@requires("partners.manage")
def index():
    """The service's partners, and a box to add one."""
    if request.method == "GET":
        return _page({}, {})
    name, problem = text(request.form, "name", 120)
    if not problem and not name:
        problem = "Write the organisation's name, like 'Millbrook Community Centre'."
    session, service_id = db.session(), current_actor().service_id
    if not problem:
        same = session.exec(
            select(Partner).where(Partner.service_id == service_id, func.lower(Partner.name) == name.lower())
        ).first()
        if same is not None:
            problem = f"{same.name} is already on the list." + ("" if same.is_active else " Start using it below.")
    if problem:
        return _page({"name": name}, {"name": problem})
    session.add(Partner(service_id=service_id, name=name))
    try:
        session.commit()
    except IntegrityError:  # the same name sent twice at once
        session.rollback()
    flash(f"{name} is on the list.", "success")
    return redirect(url_for("partners.index"))


@bp.post("/partners/<int:partner_id>/toggle")
@requires("partners.manage")
def toggle(partner_id: int):
    """Stop using a partner (it stays on old events), or start using it again."""
    session = db.session()
    partner = session.get(Partner, partner_id)
    if partner is None or partner.service_id != current_actor().service_id:
        abort(404)
    partner.is_active = not partner.is_active
    session.add(partner)
    session.commit()
    now = "in use again." if partner.is_active else "no longer offered on new events."
    flash(f"{partner.name}: {now}", "success")
    return redirect(url_for("partners.index"))
