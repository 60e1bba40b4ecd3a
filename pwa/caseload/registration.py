"""Registering a client and keeping their details and consent up to date."""

from flask import Blueprint, flash, redirect, request, url_for
from sqlmodel import Session, select

from models import Client, Episode, Person, RoleGrant
from pwa import accounts, db
from pwa.account import hand_over_code
from pwa.caseload import vocab
from pwa.caseload.postcodes import place_client
from pwa.caseload.registration_rules import (
    CONSENT_FIELDS,
    DETAIL_FIELDS,
    USERNAME_FORMAT,
    check_consent,
    check_details,
    check_registration,
    duplicate_reason,
    username_base,
)
from pwa.caseload.worklist_queries import caseload_holders as service_holders
from pwa.clock import london_today, utcnow
from pwa.community.event_store import event_in_service, heard_event_options
from pwa.identity import current_actor
from pwa.policy import audit, client_for_staff, may_see_client, requires
from pwa.rendering import render
from pwa.roles import CASELOAD_ROLES, Role

bp = Blueprint("registration", __name__)

# Questions whose "not recorded" answer is a blank choice ("Not known yet").
OPTIONAL_CHOICES = ("employment_status", "time_since_paid_work", "gp_registered")
CHOICE_VOCABS = {
    "gender": vocab.GENDER,
    "age_band": vocab.AGE_BANDS,
    "ethnicity": vocab.ETHNICITY,
    "disability": vocab.DISABILITY,
    "how_heard": vocab.HOW_HEARD,
    "referral_source": vocab.REFERRAL_SOURCE,
    "employment_status": vocab.EMPLOYMENT,
    "time_since_paid_work": vocab.TIME_SINCE_PAID_WORK,
    "gp_registered": vocab.GP_REGISTERED,
}
IDENTITY_FIELDS = ("full_name", "date_of_birth", "postcode")
NOT_SAME_PERSON = "Someone like this is already registered. If this is a different person, tick the box and save again."


# --- Helpers with the database ---------------------------------------------------------------


def caseload_holders(session: Session, service_id: int) -> list[tuple[int, str]]:
    """(person id, label) for the trainers and trainees of a service who may be given clients."""
    return [(holder.id, holder.label) for holder in service_holders(session, service_id) if holder.active]


def possible_duplicates(
    session: Session, service_id: int, full_name: str, date_of_birth, postcode: str, exclude_id: int | None = None
) -> list[tuple[Client, str]]:
    """Clients of the service with a similar name and the same date of birth or postcode."""
    same = []
    if date_of_birth is not None:
        same.append(Client.date_of_birth == date_of_birth)
    if postcode:
        same.append(Client.postcode == postcode)
    if not same:
        return []
    query = (
        select(Client).where(Client.service_id == service_id).where(same[0] if len(same) == 1 else same[0] | same[1])
    )
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    found = []
    for client in session.exec(query.order_by(Client.id)).all():
        reason = duplicate_reason(full_name, date_of_birth, postcode, client)
        if reason:
            found.append((client, reason))
    return found


def unique_username(session: Session, base: str) -> str:
    """The base username, or the base with the first free number after it (sam.jones2)."""
    taken = set(session.exec(select(Person.username).where(Person.username.like(f"{base}%"))).all())
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def _check_username(session: Session, wanted: str) -> str | None:
    """A problem with a username the trainer typed, or None."""
    if not USERNAME_FORMAT.match(wanted):
        return "Use 3 to 60 small letters, numbers, dots, dashes or underscores, like sam.jones. Or leave it empty."
    if accounts.find_person_by_login(session, wanted):
        return "Someone already has this username. Choose another, or leave it empty."
    return None


def _add_account(session: Session, client: Client, username: str) -> Person:
    """A login for the client (no password yet) with the client role in their service."""
    person = Person(
        username=username or unique_username(session, username_base(client.full_name)),
        display_name=client.full_name,
        session_token=accounts.new_session_token(),
    )
    session.add(person)
    session.flush()
    session.add(RoleGrant(person_id=person.id, service_id=client.service_id, role=Role.CLIENT.value))
    client.person_id = person.id
    session.add(client)
    return person


def _duplicate_view(matches: list[tuple[Client, str]]) -> list[dict]:
    """What the actor may be told about each possible duplicate: details only within their reach."""
    actor = current_actor()
    return [
        {"client": client if may_see_client(actor, client) else None, "reason": reason} for client, reason in matches
    ]


# --- Form helpers ----------------------------------------------------------------------------


def _form_values() -> dict:
    values = request.form.to_dict()
    values["communities"] = request.form.getlist("communities")
    return values


def _client_values(client: Client) -> dict:
    """A client's stored details and consent as form values."""
    values = {name: getattr(client, name) for name in DETAIL_FIELDS + CONSENT_FIELDS}
    for name in OPTIONAL_CHOICES:
        values[name] = "" if values[name] == vocab.NOT_RECORDED else values[name]
    for name in ("date_of_birth", "consent_signed_on"):
        values[name] = values[name].isoformat() if values[name] else ""
    if client.date_of_birth:
        values["age_band"] = ""
    for name in ("consent_data_use", "contact_by_text", "contact_by_phone", "contact_by_app", "diary_shared"):
        values[name] = "yes" if values[name] else ""
    values["partner_sharing"] = "\n".join(client.partner_sharing)
    values["heard_at_event_id"] = str(client.heard_at_event_id or "")
    return values


def _choice_options(values: dict) -> dict[str, list[tuple[str, str]]]:
    """Options for each coded question. "Not recorded" is only offered to keep an old record's
    answer; optional questions have a blank "Not known yet" instead."""
    options = {}
    for name, codes in CHOICE_VOCABS.items():
        keep = values.get(name) == vocab.NOT_RECORDED and name not in OPTIONAL_CHOICES
        options[name] = [(code, label) for code, label in codes.items() if code != vocab.NOT_RECORDED or keep]
    return options


def _event_known(event_id: int) -> bool:
    return event_in_service(db.session(), current_actor().service_id, event_id)


def _page(template: str, values: dict, errors: dict, status: int | None = None, **context):
    keep = values.get("heard_at_event_id")
    options = _choice_options(values)
    options["heard_at_event_id"] = heard_event_options(
        db.session(), current_actor().service_id, keep=int(keep) if str(keep or "").isdigit() else None
    )
    return render(
        template,
        values=values,
        errors=errors,
        options=options,
        communities=vocab.COMMUNITIES,
        **context,
    ), status or (422 if errors else 200)


# --- Registering -----------------------------------------------------------------------------


@bp.route("/clients/new", methods=["GET", "POST"])
@requires("client.register")
def new():
    """Register a walk-in or referred client, with their first episode and, if wanted, an app account."""
    actor, session, today = current_actor(), db.session(), london_today()
    trainers = caseload_holders(session, actor.service_id)
    page = dict(template="caseload/register.html", trainers=trainers)
    if request.method == "GET":
        mine = actor.person.id if actor.role in CASELOAD_ROLES else ""
        return _page(
            values={"registered_on": today.isoformat(), "trainer_id": mine, "diary_shared": "yes"}, errors={}, **page
        )

    values = _form_values()
    checked = check_registration(request.form, today=today, event_known=_event_known)
    errors = checked.errors
    trainer_id = request.form.get("trainer_id", type=int)
    if "trainer_id" not in request.form and actor.role in CASELOAD_ROLES:
        trainer_id = actor.person.id  # a trainer registers onto their own caseload unless they choose
    if trainer_id not in {person_id for person_id, _ in trainers}:
        errors["trainer_id"] = "Choose the health trainer who will work with them."
    wants_account = request.form.get("make_account") == "yes"
    username = (request.form.get("username") or "").strip().lower()
    if wants_account and username and (problem := _check_username(session, username)):
        errors["username"] = problem
    if errors:
        return _page(values=values, errors=errors, **page)

    v = checked.values
    matches = possible_duplicates(session, actor.service_id, v["full_name"], v["date_of_birth"], v["postcode"])
    if matches and request.form.get("not_duplicate") != "yes":
        errors = {"not_duplicate": NOT_SAME_PERSON}
        return _page(values=values, errors=errors, duplicates=_duplicate_view(matches), **page)

    client = Client(service_id=actor.service_id, trainer_id=trainer_id, registered_by_id=actor.person.id)
    for name, value in v.items():
        setattr(client, name, value)
    place_client(session, client, v["postcode"])
    client.diary_shared_changed_at = utcnow()
    session.add(client)
    session.flush()
    session.add(Episode(service_id=client.service_id, client_id=client.id, number=1, started_on=v["registered_on"]))
    person = _add_account(session, client, username) if wants_account else None
    detail = "episode 1" + (
        f"; said not the same as client {', '.join(str(c.id) for c, _ in matches)}" if matches else ""
    )
    audit("register_client", client=client, detail=detail)  # commits the client, episode and account together

    visible = may_see_client(actor, client)
    back = url_for("clients.show", client_id=client.id) if visible else url_for("home.index")
    where = "" if trainer_id == actor.person.id else f" They are on {dict(trainers)[trainer_id]}'s caseload."
    flash(f"{client.full_name} is registered.{where}", "success")
    if person is not None:
        return hand_over_code(person, back=back, client=client)
    return redirect(back)


@bp.post("/clients/<int:client_id>/account")
@requires("client.edit")
def make_account(client_id: int):
    """Give a client who has no login an app account, and show its one-time set-up code."""
    client = client_for_staff(client_id, audit_as=None)
    back = url_for("clients.show", client_id=client.id)
    if client.person_id is not None:
        flash(f"{client.full_name} already has an app account.", "error")
        return redirect(back)
    session = db.session()
    username = (request.form.get("username") or "").strip().lower()
    if username and (problem := _check_username(session, username)):
        flash(problem, "error")
        return redirect(back)
    person = _add_account(session, client, username)
    audit("make_account", client=client, person=person)
    return hand_over_code(person, back=back, client=client)


# --- Changing details and consent -----------------------------------------------------------


@bp.route("/clients/<int:client_id>/details", methods=["GET", "POST"])
@requires("client.edit")
def edit_details(client_id: int):
    """Change what we know about a client (work, phone, postcode...). Consent has its own page."""
    client = client_for_staff(client_id, audit_as="view_client_details" if request.method == "GET" else None)
    page = dict(template="caseload/details.html", client=client)
    if request.method == "GET":
        return _page(values=_client_values(client), errors={}, **page)

    values = _form_values()
    checked = check_details(
        request.form, today=london_today(), registered_on=client.registered_on, event_known=_event_known
    )
    if not checked.ok:
        return _page(values=values, errors=checked.errors, **page)
    v = checked.values
    changed = [name for name in DETAIL_FIELDS if getattr(client, name) != v[name]]
    if not changed:
        flash("Nothing was changed.", "success")
        return redirect(url_for("clients.show", client_id=client.id))
    session = db.session()
    if any(name in changed for name in IDENTITY_FIELDS):
        matches = possible_duplicates(
            session, client.service_id, v["full_name"], v["date_of_birth"], v["postcode"], exclude_id=client.id
        )
        if matches and request.form.get("not_duplicate") != "yes":
            errors = {"not_duplicate": NOT_SAME_PERSON}
            return _page(values=values, errors=errors, duplicates=_duplicate_view(matches), **page)
    for name in changed:
        setattr(client, name, v[name])
    place_client(session, client, v["postcode"])
    client.updated_at = utcnow()
    session.add(client)
    audit("edit_client", client=client, detail="changed: " + ", ".join(changed))
    flash("Saved.", "success")
    return redirect(url_for("clients.show", client_id=client.id))


def _describe(name: str, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "consent_signed_on":
        return value.isoformat() if value else "not signed"
    return str(value)


def consent_changes(client: Client, values: dict) -> list[str]:
    """What changed in plain words for the audit trail: "contact_by_text: no -> yes"."""
    changes = []
    for name in CONSENT_FIELDS:
        old, new = getattr(client, name), values[name]
        if name == "partner_sharing":
            added = [org for org in new if org not in old]
            removed = [org for org in old if org not in new]
            if added or removed:
                changes.append("partners: " + ", ".join([f"+{org}" for org in added] + [f"-{org}" for org in removed]))
        elif old != new:
            changes.append(f"{name}: {_describe(name, old)} -> {_describe(name, new)}")
    return changes


@bp.route("/clients/<int:client_id>/consent", methods=["GET", "POST"])
@requires("client.edit")
def consent(client_id: int):
    """Record what the client agrees to now. Every change goes into the audit trail with its time."""
    client = client_for_staff(client_id, audit_as="view_client_consent" if request.method == "GET" else None)
    page = dict(template="caseload/consent.html", client=client)
    if request.method == "GET":
        return _page(values=_client_values(client), errors={}, **page)
    checked = check_consent(request.form, today=london_today(), registering=False)
    if not checked.ok:
        return _page(values=_form_values(), errors=checked.errors, **page)
    changes = consent_changes(client, checked.values)
    if not changes:
        flash("Nothing was changed.", "success")
        return redirect(url_for("clients.show", client_id=client.id))
    now, agreed_before = utcnow(), client.consent_data_use
    if checked.values["diary_shared"] != client.diary_shared:
        client.diary_shared_changed_at = now
    for name in CONSENT_FIELDS:
        setattr(client, name, checked.values[name])
    client.updated_at = now
    db.session().add(client)
    audit("change_consent", client=client, detail="; ".join(changes))
    if agreed_before and not client.consent_data_use:
        flash(f"{client.full_name} no longer agrees to us keeping their details. Tell your manager today.", "error")
    elif not client.consent_data_use:
        flash(f"Saved. {client.full_name} has not agreed to us keeping their details yet: ask them.", "error")
    else:
        flash("Consent saved.", "success")
    return redirect(url_for("clients.show", client_id=client.id))
