"""A home page for each role. Trainers and trainees land on their caseload (pwa/caseload/worklist.py)."""

from flask import Blueprint, redirect, url_for
from sqlalchemy import func
from sqlmodel import select

from models import RoleGrant
from pwa import db
from pwa.clock import utcnow
from pwa.community.champion_home import champion_home
from pwa.identity import current_actor
from pwa.policy import public, requires, visible_clients
from pwa.rendering import render
from pwa.roles import STAFF_ROLES, Role
from pwa.templating import ROLE_HOMES

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index():
    """Send each person to the home page of the role they are acting in."""
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login"))
    if actor.role is None:
        return redirect(url_for("account.show"))
    return redirect(url_for(ROLE_HOMES[actor.role][0]))


@bp.get("/activities")
@requires("home.activities")
def activities():
    """A champion's home: start a stall or log an event, my activities and this month's totals."""
    actor = current_actor()
    home = champion_home(db.session(), actor.service_id, actor.person.id, utcnow())
    return render("home/activities.html", home=home)


@bp.get("/overview")
@requires("home.overview")
def overview():
    actor = current_actor()
    session = db.session()
    client_count = session.exec(select(func.count()).select_from(visible_clients(actor).subquery())).one()
    staff = session.exec(
        select(RoleGrant.role, func.count(), func.coalesce(func.sum(RoleGrant.wte), 0.0))
        .where(RoleGrant.service_id == actor.service_id, RoleGrant.role.in_([role.value for role in STAFF_ROLES]))
        .group_by(RoleGrant.role)
    ).all()
    staff_by_role = {role: (count, float(wte)) for role, count, wte in staff}
    order = [Role.TRAINER, Role.TRAINEE, Role.CHAMPION, Role.MANAGER]
    return render(
        "home/overview.html",
        client_count=client_count,
        staff_rows=[(role, *staff_by_role.get(role.value, (0, 0.0))) for role in order],
    )
