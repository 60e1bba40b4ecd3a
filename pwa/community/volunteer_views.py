"""Volunteers' records: hours, training, qualifications and steps on the volunteer path.

A champion or trainee keeps their own record (/volunteering); their manager sees and adds to
the records of the service's champions and trainees (/volunteers), and alone records role
changes. Records always carry the actor's service.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for

from models import Person
from pwa import db
from pwa.clock import london_today, utcnow
from pwa.community import vocab
from pwa.community import volunteer_store as store
from pwa.community.volunteer_rules import CHECKS, MANAGER_KINDS, OWN_KINDS, qualification_state
from pwa.identity import current_actor
from pwa.policy import requires, volunteer_for_manager
from pwa.rendering import render

bp = Blueprint("volunteers", __name__)

SAVED = {
    "hours": "Hours saved.",
    "training": "Training saved.",
    "qualification": "Qualification saved.",
    "role_change": "Role change saved.",
}


@bp.app_template_global()
def qualification_flag(qualification) -> str | None:
    """ "expired", "expires_soon" or None, for the record page."""
    return qualification_state(qualification.expires_on, london_today())


def _page(person: Person, *, managing: bool, kind: str | None = None, values=None, errors=None):
    """The record page; after a bad form, that form keeps what was typed and shows the messages."""
    actor = current_actor()
    today = london_today()
    forms = {name: {} for name in MANAGER_KINDS}
    forms["hours"] = {"hours_on": today.isoformat()}
    forms["training"] = {"training_on": today.isoformat()}
    forms["role_change"] = {"changed_on": today.isoformat()}
    form_errors = {name: {} for name in MANAGER_KINDS}
    if kind:
        forms[kind], form_errors[kind] = values or {}, errors or {}
    record = store.record_of(db.session(), actor.service_id, person, utcnow())
    return render(
        "community/volunteering.html",
        record=record,
        managing=managing,
        forms=forms,
        form_errors=form_errors,
        today=today,
        vocab=vocab,
    ), 422 if errors else 200


def _save(person: Person, kind: str, *, managing: bool, back: str):
    """Check and save one record for the person, or show the page again with the messages."""
    checked = CHECKS[kind](request.form, today=london_today())
    if not checked.ok:
        return _page(person, managing=managing, kind=kind, values=request.form.to_dict(), errors=checked.errors)
    actor = current_actor()
    store.add_record(db.session(), kind, actor.service_id, person.id, checked.values, actor.person.id)
    flash(SAVED[kind], "success")
    return redirect(back + f"#{kind.replace('_', '-')}")


@bp.get("/volunteering")
@requires("volunteer.own")
def mine():
    """My volunteering: hours, training, qualifications and my steps on the volunteer path."""
    return _page(current_actor().person, managing=False)


@bp.post("/volunteering/<kind>")
@requires("volunteer.own")
def add(kind: str):
    if kind not in OWN_KINDS:
        abort(404)
    return _save(current_actor().person, kind, managing=False, back=url_for("volunteers.mine"))


@bp.get("/volunteers")
@requires("volunteer.manage")
def index():
    """The service's champions and trainees, with hours and training at a glance."""
    actor = current_actor()
    return render("community/volunteers.html", volunteers=store.volunteers_of(db.session(), actor.service_id, utcnow()))


@bp.get("/volunteers/<int:person_id>")
@requires("volunteer.manage")
def person(person_id: int):
    return _page(volunteer_for_manager(person_id), managing=True)


@bp.post("/volunteers/<int:person_id>/<kind>")
@requires("volunteer.manage")
def add_for(person_id: int, kind: str):
    volunteer = volunteer_for_manager(person_id)
    if kind not in MANAGER_KINDS:
        abort(404)
    return _save(volunteer, kind, managing=True, back=url_for("volunteers.person", person_id=volunteer.id))
