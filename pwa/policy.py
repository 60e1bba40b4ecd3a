"""Who may see or do what (DOMAIN.md section 8). Every view asks here; nowhere else decides.

Views declare what they need with @requires("permission") or mark themselves @public.
Records are then fetched through the loaders below, which refuse records of another
service (404: we do not even say they exist) or outside the actor's reach (403).
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, make_response
from flask_login import current_user
from sqlalchemy import false
from sqlmodel import select

from models import (
    AuditEvent,
    Client,
    ComparatorSet,
    Event,
    EventWorker,
    Listing,
    Person,
    RoleGrant,
    Service,
    Signpost,
    Story,
)
from pwa import db
from pwa.errors import error_page
from pwa.extensions import login_manager
from pwa.identity import Actor, current_actor
from pwa.reports.tables import TABLES
from pwa.roles import CASELOAD_ROLES, STAFF_ROLES, Role


def _site_admin(actor: Actor) -> bool:
    return actor.is_site_admin


def _has_role(*roles: Role) -> Callable[[Actor], bool]:
    return lambda actor: actor.role in roles


def _decides_journey(actor: Actor) -> bool:
    """Registration, eligibility and exit: trainers, and trainees unless the service
    supervises them (Service.trainee_mode)."""
    if actor.role == Role.TRAINEE:
        return actor.service is not None and actor.service.trainee_mode == "full"
    return actor.role == Role.TRAINER


# Permission name -> rule on the actor's active role. Object-level checks follow below.
PERMISSIONS: dict[str, Callable[[Actor], bool]] = {
    "account": lambda actor: True,
    "diary.own": _has_role(Role.CLIENT),
    "diary.read_client": _has_role(*CASELOAD_ROLES),
    "plan.own": _has_role(Role.CLIENT),
    "plan.manage": _has_role(*CASELOAD_ROLES),
    "home.activities": _has_role(Role.CHAMPION),
    "home.overview": _has_role(Role.MANAGER),
    "client.view": _has_role(Role.TRAINER, Role.TRAINEE, Role.MANAGER),
    "client.issue_code": _has_role(Role.TRAINER, Role.TRAINEE, Role.MANAGER),
    "client.register": lambda actor: actor.role == Role.MANAGER or _decides_journey(actor),
    "client.edit": _has_role(Role.TRAINER, Role.TRAINEE, Role.MANAGER),
    "client.audit_log": _has_role(Role.MANAGER),
    "journey.decide": _decides_journey,
    "journey.record": _has_role(*CASELOAD_ROLES),
    "digest.view": _has_role(*CASELOAD_ROLES),
    "caseload.worklist": _has_role(Role.TRAINER, Role.TRAINEE, Role.MANAGER),
    "caseload.reassign": _has_role(Role.MANAGER),
    "directory.search": _has_role(Role.CLIENT, Role.CHAMPION, *CASELOAD_ROLES, Role.MANAGER),
    "directory.mark": _has_role(Role.CLIENT),
    "directory.edit": _has_role(Role.CHAMPION, *CASELOAD_ROLES, Role.MANAGER),
    "directory.flags": _has_role(Role.MANAGER),
    "directory.signpost": _has_role(Role.CHAMPION, *CASELOAD_ROLES),
    "events.log": _has_role(*STAFF_ROLES),
    "events.attendance": _has_role(*CASELOAD_ROLES, Role.MANAGER),
    "partners.manage": _has_role(Role.MANAGER),
    "stories.write": _has_role(*STAFF_ROLES),
    "stories.list": _has_role(Role.MANAGER),
    "volunteer.own": _has_role(Role.CHAMPION, Role.TRAINEE),
    "volunteer.manage": _has_role(Role.MANAGER),
    "reports.view": _has_role(Role.MANAGER),
    "reports.community": _has_role(Role.CHAMPION, Role.MANAGER),
    "reports.completeness": _has_role(*CASELOAD_ROLES, Role.MANAGER),
    "reports.comparators": _has_role(Role.MANAGER),
    "reports.import": _has_role(Role.MANAGER),
    "reminders.own": _has_role(Role.CLIENT),
    "messages.own": _has_role(Role.CLIENT),
    "messages.send": _has_role(*CASELOAD_ROLES),
    "admin.people": _has_role(Role.ADMIN),
    "admin.services": _site_admin,
}


def can(actor: Actor | None, permission: str) -> bool:
    """True when the actor's active role grants the permission."""
    if actor is None or actor.grant is None:
        return permission == "account" and actor is not None
    return PERMISSIONS[permission](actor)


def public(view):
    """Mark a view as open to everyone, logged in or not."""
    view.policy = "public"
    return view


def requires(permission: str):
    """Let the view run only for a logged-in actor whose active role has the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_actor(), permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.policy = permission
        return wrapped

    return decorator


# --- Clients -------------------------------------------------------------------------------


def may_see_client(actor: Actor, client: Client) -> bool:
    """Managers see the whole service; trainers and trainees their own caseload; a client
    themselves. Champions and admins never see a client record."""
    if actor.service_id != client.service_id:
        return False
    if actor.role == Role.MANAGER:
        return True
    if actor.role in CASELOAD_ROLES:
        return client.trainer_id == actor.person.id
    if actor.role == Role.CLIENT:
        return client.person_id == actor.person.id
    return False


def visible_clients(actor: Actor):
    """A query for the clients the actor may see, for lists and counts."""
    query = select(Client).where(Client.service_id == actor.service_id)
    if actor.role == Role.MANAGER:
        return query
    if actor.role in CASELOAD_ROLES:
        return query.where(Client.trainer_id == actor.person.id)
    if actor.role == Role.CLIENT:
        return query.where(Client.person_id == actor.person.id)
    return query.where(false())


def client_for_staff(client_id: int, audit_as: str | None = "view_client") -> Client:
    """Load a client record for a member of staff, refuse if out of reach, and audit the view
    (callers that audit a more specific action themselves pass audit_as=None)."""
    actor = current_actor()
    client = db.session().get(Client, client_id)
    if client is None or client.service_id != actor.service_id:
        abort(404)
    if not may_see_client(actor, client):
        abort(403)
    if audit_as:
        audit(audit_as, client=client)
    return client


def may_read_diary(actor: Actor, client: Client) -> bool:
    """The client themselves; their own trainer or trainee only while the client shares the
    diary. Managers, champions and admins never read a diary (reports use counts)."""
    if actor.role == Role.CLIENT:
        return may_see_client(actor, client)
    return actor.role in CASELOAD_ROLES and client.diary_shared and may_see_client(actor, client)


def diary_for_staff(client_id: int) -> Client:
    """Load a client whose diary a trainer wants to read, refuse without consent, and audit."""
    client = client_for_staff(client_id, audit_as=None)
    if not may_read_diary(current_actor(), client):
        abort(403)
    audit("view_diary", client=client)
    return client


def my_client_record() -> Client:
    """The logged-in client's record in the service they act in, or a plain "not ready" page."""
    record = own_client_record(current_actor())
    if record is None:
        abort(make_response(*error_page(404, "Your diary is not ready yet", "Ask your health trainer to set it up.")))
    return record


def own_client_record(actor: Actor) -> Client | None:
    """The client record of a logged-in client in their active service."""
    return (
        db.session()
        .exec(select(Client).where(Client.person_id == actor.person.id, Client.service_id == actor.service_id))
        .first()
    )


# --- The directory ---------------------------------------------------------------------------


def listing_in_service(listing_id: int) -> Listing:
    """A listing of the actor's service; another service's listing is a 404."""
    listing = db.session().get(Listing, listing_id)
    if listing is None or listing.service_id != current_actor().service_id:
        abort(404)
    return listing


def public_directory_service(slug: str) -> Service:
    """The service whose directory anyone may search, or 404 if it has not turned that on."""
    service = db.session().exec(select(Service).where(Service.slug == slug)).first()
    if service is None or not service.is_active or not service.public_directory:
        abort(404)
    return service


def may_see_signpost(actor: Actor, signpost: Signpost) -> bool:
    """A signpost for a client is part of their record (their trainer, trainee or a manager;
    never a champion). One for someone not registered: the worker who made it, or a manager."""
    if signpost.service_id != actor.service_id:
        return False
    if signpost.client_id is not None:
        client = db.session().get(Client, signpost.client_id)
        return actor.role != Role.CLIENT and client is not None and may_see_client(actor, client)
    return actor.role == Role.MANAGER or signpost.by_id == actor.person.id


def signpost_for_staff(signpost_id: int) -> Signpost:
    """Load a signpost the actor may follow up (404 otherwise: we do not say it exists)."""
    signpost = db.session().get(Signpost, signpost_id)
    if signpost is None or not may_see_signpost(current_actor(), signpost):
        abort(404)
    return signpost


# --- Community engagement ----------------------------------------------------------------------


def may_see_event(actor: Actor, event: Event) -> bool:
    """Trainers, trainees and managers see all their service's events; a champion sees the
    events they logged or helped run (DOMAIN.md section 8)."""
    if event.service_id != actor.service_id or actor.role not in STAFF_ROLES:
        return False
    if actor.role != Role.CHAMPION:
        return True
    if event.created_by_id == actor.person.id:
        return True
    worker = db.session().exec(
        select(EventWorker.id).where(EventWorker.event_id == event.id, EventWorker.person_id == actor.person.id)
    )
    return worker.first() is not None


def visible_events(actor: Actor):
    """A query for the events the actor may see, for lists and counts."""
    query = select(Event).where(Event.service_id == actor.service_id)
    if actor.role == Role.CHAMPION:
        helped = select(EventWorker.event_id).where(EventWorker.person_id == actor.person.id)
        return query.where((Event.created_by_id == actor.person.id) | Event.id.in_(helped))
    if actor.role in STAFF_ROLES:
        return query
    return query.where(false())


def event_for_staff(event_id: int) -> Event:
    """An event of the actor's service they may see: 404 for another service, 403 otherwise."""
    actor = current_actor()
    event = db.session().get(Event, event_id)
    if event is None or event.service_id != actor.service_id:
        abort(404)
    if not may_see_event(actor, event):
        abort(403)
    return event


def may_see_story(actor: Actor, story: Story) -> bool:
    """A story about a client is part of their record; one from an event goes with the event;
    the writer and managers always see it."""
    if story.service_id != actor.service_id or actor.role not in STAFF_ROLES:
        return False
    if actor.role == Role.MANAGER or story.written_by_id == actor.person.id:
        return True
    if story.client_id is not None:
        client = db.session().get(Client, story.client_id)
        return client is not None and may_see_client(actor, client)
    if story.event_id is not None:
        event = db.session().get(Event, story.event_id)
        return event is not None and may_see_event(actor, event)
    return False


def story_for_staff(story_id: int) -> Story:
    story = db.session().get(Story, story_id)
    if story is None or not may_see_story(current_actor(), story):
        abort(404)
    return story


def volunteer_for_manager(person_id: int) -> Person:
    """A champion or trainee of the manager's service, for their volunteer record (404 otherwise)."""
    actor = current_actor()
    grant = db.session().exec(
        select(RoleGrant).where(
            RoleGrant.person_id == person_id,
            RoleGrant.service_id == actor.service_id,
            RoleGrant.role.in_([Role.CHAMPION.value, Role.TRAINEE.value]),
        )
    )
    person = db.session().get(Person, person_id) if grant.first() is not None else None
    if person is None:
        abort(404)
    return person


# --- People and services (admin) ----------------------------------------------------------


def may_manage_person(actor: Actor, person: Person) -> bool:
    """Site admins manage everyone; a service admin manages people who hold a role in their
    service, but never a site admin."""
    if actor.is_site_admin:
        return True
    grants = db.session().exec(select(RoleGrant).where(RoleGrant.person_id == person.id)).all()
    if any(grant.role == Role.ADMIN and grant.service_id is None for grant in grants):
        return False
    return any(grant.service_id == actor.service_id for grant in grants)


def person_for_admin(person_id: int) -> Person:
    """Load a person for an admin page, refusing people outside the admin's reach."""
    actor = current_actor()
    person = db.session().get(Person, person_id)
    if person is None or not may_manage_person(actor, person):
        abort(404)
    return person


def manageable_services(actor: Actor) -> list[Service]:
    """Services whose people and roles the admin may change."""
    query = select(Service).order_by(Service.name)
    if not actor.is_site_admin:
        query = query.where(Service.id == actor.service_id)
    return list(db.session().exec(query).all())


def manageable_people(actor: Actor):
    """A query for the people the admin may manage."""
    query = select(Person).order_by(Person.display_name)
    if actor.is_site_admin:
        return query
    in_service = select(RoleGrant.person_id).where(RoleGrant.service_id == actor.service_id)
    site_admins = select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN, RoleGrant.service_id.is_(None))
    return query.where(Person.id.in_(in_service), Person.id.not_in(site_admins))


def grantable_roles(actor: Actor) -> list[Role]:
    """Roles an admin may hand out: only a site admin makes other admins."""
    roles = [Role.CLIENT, Role.CHAMPION, Role.TRAINEE, Role.TRAINER, Role.MANAGER]
    return roles + [Role.ADMIN] if actor.is_site_admin else roles


# --- Audit ---------------------------------------------------------------------------------


def audit(
    action: str, *, client: Client | None = None, person: Person | None = None, detail: str = "", commit: bool = True
) -> None:
    """Record who saw or changed what, committed with the request's other changes (or left for
    the caller's commit, so several changes and their audit rows land together)."""
    actor = current_actor()
    db.session().add(
        AuditEvent(
            service_id=client.service_id if client else (actor.service_id if actor else None),
            actor_id=actor.person.id if actor else None,
            actor_role=actor.role.value if actor and actor.role else "",
            action=action,
            client_id=client.id if client else None,
            subject_person_id=person.id if person else None,
            detail=detail[:500],
        )
    )
    if commit:
        db.session().commit()


# --- Reports -------------------------------------------------------------------------------

# Reports that are not category tables but may be downloaded like them.
SPECIAL_REPORTS = ("key_figures", "data_completeness")


def may_see_report(actor: Actor, name: str) -> bool:
    """Managers see every report; champions only the community tables (counts of events and
    signposts, never client figures)."""
    if can(actor, "reports.view"):
        return True
    spec = TABLES.get(name)
    return spec is not None and spec.community and can(actor, "reports.community")


def report_for(name: str) -> str:
    """The report name if it exists and the actor may see it: 404 for no such report, 403 otherwise."""
    if name not in TABLES and name not in SPECIAL_REPORTS:
        abort(404)
    if not may_see_report(current_actor(), name):
        abort(403)
    return name


def completeness_scope(actor: Actor) -> int | None:
    """Whose clients the data-completeness page lists: a trainer or trainee their own caseload
    (their person id); a manager the whole service (None)."""
    return None if actor.role == Role.MANAGER else actor.person.id


def comparator_set_for_manager(set_id: int):
    """One of the manager's service's comparator sets, else 404."""
    found = db.session().get(ComparatorSet, set_id)
    if found is None or found.service_id != current_actor().service_id:
        abort(404)
    return found
