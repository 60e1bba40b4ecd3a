"""People, their roles, and the codes that let them choose a password."""

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import func, or_
from sqlmodel import select

from models import Client, Person, RoleGrant, Service
from pwa import accounts, db
from pwa.account import hand_over_code
from pwa.admin import bp
from pwa.admin.forms import GrantForm, NewPersonForm, PersonForm
from pwa.identity import current_actor, grants_of
from pwa.policy import audit, grantable_roles, manageable_people, manageable_services, person_for_admin, requires
from pwa.rendering import render
from pwa.roles import CASELOAD_ROLES, STAFF_ROLES, Role

PAGE_SIZE = 50


@bp.get("/people")
@requires("admin.people")
def people():
    """Everyone the admin may manage, with a search that filters as you type (htmx)."""
    search = request.args.get("q", "").strip()[:100]
    query = manageable_people(current_actor())
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(Person.display_name).like(pattern),
                func.lower(Person.username).like(pattern),
                func.lower(Person.email).like(pattern),
            )
        )
    rows = db.session().exec(query.limit(PAGE_SIZE + 1)).all()
    grants = _grants_by_person([person.id for person in rows])
    return render(
        "admin/people.html",
        block="results" if request.htmx.target == "people-results" else "content",
        people=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        grants=grants,
        search=search,
    )


def _grants_by_person(person_ids: list[int]) -> dict[int, list[RoleGrant]]:
    found: dict[int, list[RoleGrant]] = {person_id: [] for person_id in person_ids}
    if person_ids:
        for grant in db.session().exec(select(RoleGrant).where(RoleGrant.person_id.in_(person_ids))).all():
            found[grant.person_id].append(grant)
    return found


def _caseload_holders(services: list[Service]) -> list[Person]:
    """Trainers and trainees in these services, for the "health trainer" choice."""
    ids = [service.id for service in services]
    return list(
        db.session()
        .exec(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(RoleGrant.service_id.in_(ids), RoleGrant.role.in_([role.value for role in CASELOAD_ROLES]))
            .distinct()
            .order_by(Person.display_name)
        )
        .all()
    )


def _prepare_grant_form(form: GrantForm) -> list[Service]:
    actor = current_actor()
    services = manageable_services(actor)
    form.fill_choices(grantable_roles(actor), services, _caseload_holders(services))
    return services


def _check_grant(form: GrantForm, person: Person | None) -> None:
    """Rules that need the database: one grant per role and service, trainer in the same service."""
    role, service_id = form.role.data, form.service_id.data
    if role in {r.value for r in STAFF_ROLES} and form.wte.data is None:
        form.wte.errors.append("Type the whole-time equivalent, like 1 for full time.")
    if role != Role.CLIENT and form.trainer_id.data:
        form.trainer_id.errors.append("Only clients have a health trainer. Choose 'No trainer yet'.")
    if role == Role.CLIENT and form.trainer_id.data:
        in_service = (
            db.session()
            .exec(
                select(RoleGrant).where(
                    RoleGrant.person_id == form.trainer_id.data,
                    RoleGrant.service_id == service_id,
                    RoleGrant.role.in_([r.value for r in CASELOAD_ROLES]),
                )
            )
            .first()
        )
        if in_service is None:
            form.trainer_id.errors.append("This health trainer does not work in the chosen service.")
    if person is not None:
        exists = (
            db.session()
            .exec(
                select(RoleGrant).where(
                    RoleGrant.person_id == person.id, RoleGrant.service_id == service_id, RoleGrant.role == role
                )
            )
            .first()
        )
        if exists:
            form.role.errors.append("This person already has this role in this service.")


def _add_grant(person: Person, form: GrantForm) -> RoleGrant:
    """Give the role; a client role also needs a client record in the service."""
    role = Role(form.role.data)
    grant = RoleGrant(
        person_id=person.id,
        service_id=form.service_id.data,
        role=role.value,
        wte=float(form.wte.data) if role in STAFF_ROLES else None,
    )
    db.session().add(grant)
    if role == Role.CLIENT:
        record = db.session().exec(
            select(Client).where(Client.person_id == person.id, Client.service_id == grant.service_id)
        ).first() or Client(service_id=grant.service_id, person_id=person.id, full_name=person.display_name)
        record.trainer_id = form.trainer_id.data or record.trainer_id
        db.session().add(record)
    return grant


def _check_unique_login(form: PersonForm, person_id: int | None) -> None:
    session = db.session()
    taken = session.exec(select(Person).where(Person.username == form.username.data, Person.id != person_id)).first()
    if taken:
        form.username.errors.append("Someone already has this username. Choose another.")
    if form.email.data:
        taken = session.exec(select(Person).where(Person.email == form.email.data, Person.id != person_id)).first()
        if taken:
            form.email.errors.append("Someone already uses this email.")


@bp.route("/people/new", methods=["GET", "POST"])
@requires("admin.people")
def new_person():
    form = NewPersonForm()
    _prepare_grant_form(form)
    if form.validate_on_submit():
        _check_unique_login(form, None)
        _check_grant(form, None)
        if not form.errors:
            person = Person(
                username=form.username.data,
                email=form.email.data or None,
                display_name=form.display_name.data,
                session_token=accounts.new_session_token(),
            )
            db.session().add(person)
            db.session().flush()
            _add_grant(person, form)
            db.session().commit()
            audit("create_person", person=person, detail=form.role.data)
            flash(f"Added {person.display_name}. Give them a set-up code so they can choose a password.", "success")
            return redirect(url_for("admin.person", person_id=person.id))
    return render("admin/person_new.html", form=form), 422 if form.errors else 200


@bp.get("/people/<int:person_id>")
@requires("admin.people")
def person(person_id: int):
    found = person_for_admin(person_id)
    grant_form = GrantForm()
    _prepare_grant_form(grant_form)
    return _person_page(found, grant_form)


def _person_page(person: Person, grant_form: GrantForm, status: int = 200):
    services = {service.id: service for service in db.session().exec(select(Service)).all()}
    return render(
        "admin/person.html", person=person, grants=grants_of(person.id), services=services, grant_form=grant_form
    ), status


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires("admin.people")
def edit_person(person_id: int):
    found = person_for_admin(person_id)
    form = PersonForm(obj=found)
    if form.validate_on_submit():
        _check_unique_login(form, found.id)
        if not form.errors:
            found.display_name = form.display_name.data
            found.username = form.username.data
            found.email = form.email.data or None
            db.session().add(found)
            db.session().commit()
            audit("edit_person", person=found)
            flash("Saved.", "success")
            return redirect(url_for("admin.person", person_id=found.id))
    return render("admin/person_edit.html", form=form, person=found), 422 if form.errors else 200


@bp.post("/people/<int:person_id>/grants")
@requires("admin.people")
def add_grant(person_id: int):
    found = person_for_admin(person_id)
    form = GrantForm()
    _prepare_grant_form(form)
    if form.validate_on_submit():
        _check_grant(form, found)
        if not form.errors:
            _add_grant(found, form)
            db.session().commit()
            audit("add_role", person=found, detail=f"{form.role.data} in service {form.service_id.data}")
            flash("Role added.", "success")
            return redirect(url_for("admin.person", person_id=found.id))
    return _person_page(found, form, status=422)


@bp.post("/people/<int:person_id>/grants/<int:grant_id>/remove")
@requires("admin.people")
def remove_grant(person_id: int, grant_id: int):
    found = person_for_admin(person_id)
    actor = current_actor()
    grant = db.session().get(RoleGrant, grant_id)
    if grant is None or grant.person_id != found.id:
        abort(404)
    if not actor.is_site_admin and grant.service_id != actor.service_id:
        abort(403)
    if grant.id == actor.grant.id:
        flash("You cannot remove the role you are using now.", "error")
        return redirect(url_for("admin.person", person_id=found.id))
    # The client record and its history stay: only the role (and so the login to it) goes.
    db.session().delete(grant)
    db.session().commit()
    audit("remove_role", person=found, detail=f"{grant.role} in service {grant.service_id}")
    flash("Role removed.", "success")
    return redirect(url_for("admin.person", person_id=found.id))


@bp.post("/people/<int:person_id>/status")
@requires("admin.people")
def set_status(person_id: int):
    """Turn an account off (it cannot log in) or back on."""
    found = person_for_admin(person_id)
    turn_off = request.form.get("status") == "off"
    if turn_off and found.id == current_actor().person.id:
        flash("You cannot turn off your own account.", "error")
        return redirect(url_for("admin.person", person_id=found.id))
    found.is_disabled = turn_off
    if turn_off:
        found.session_token = accounts.new_session_token()  # log them out everywhere now
    db.session().add(found)
    db.session().commit()
    audit("disable_person" if turn_off else "enable_person", person=found)
    flash(f"{found.display_name}'s account is now {'off' if turn_off else 'on'}.", "success")
    return redirect(url_for("admin.person", person_id=found.id))


@bp.post("/people/<int:person_id>/code")
@requires("admin.people")
def issue_code(person_id: int):
    """A one-time code (and link) to choose a first password, or reset a forgotten one."""
    found = person_for_admin(person_id)
    if found.is_disabled:
        flash("Turn the account on first.", "error")
        return redirect(url_for("admin.person", person_id=found.id))
    return hand_over_code(found, back=url_for("admin.person", person_id=found.id))
