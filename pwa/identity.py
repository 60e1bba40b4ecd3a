"""Who is logged in, and in which of their roles they are acting now."""

from dataclasses import dataclass, field
from functools import cached_property

from flask import g, session
from flask_login import UserMixin, current_user
from sqlmodel import select

from models import Person, RoleGrant, Service
from pwa import db
from pwa.extensions import login_manager
from pwa.roles import DEFAULT_ORDER, Role


class LoginUser(UserMixin):
    """Flask-Login's view of a Person. The id includes the session token, so rotating the
    token (password change, log out everywhere) ends every other login at once."""

    def __init__(self, person: Person):
        self.person = person

    def get_id(self) -> str:
        return f"{self.person.id}:{self.person.session_token}"

    @property
    def is_active(self) -> bool:
        return not self.person.is_disabled


@login_manager.user_loader
def load_user(user_id: str) -> LoginUser | None:
    person_id, _, token = user_id.partition(":")
    if not person_id.isdigit() or not token:
        return None
    person = db.session().get(Person, int(person_id))
    if person is None or person.session_token != token or person.is_disabled:
        return None
    return LoginUser(person)


@dataclass
class Actor:
    """The logged-in person acting in one of their roles (their active grant)."""

    person: Person
    grants: list[RoleGrant]
    grant: RoleGrant | None = None
    services: dict[int, Service] = field(default_factory=dict)

    @property
    def role(self) -> Role | None:
        return Role(self.grant.role) if self.grant else None

    @property
    def service_id(self) -> int | None:
        return self.grant.service_id if self.grant else None

    @property
    def service(self) -> Service | None:
        return self.services.get(self.service_id) if self.service_id else None

    @cached_property
    def is_site_admin(self) -> bool:
        return self.role == Role.ADMIN and self.service_id is None


def grants_of(person_id: int) -> list[RoleGrant]:
    """A person's grants, in the order they are offered (day job first)."""
    grants = db.session().exec(select(RoleGrant).where(RoleGrant.person_id == person_id)).all()
    return sorted(grants, key=lambda grant: (DEFAULT_ORDER.index(Role(grant.role)), grant.service_id or 0))


def current_actor() -> Actor | None:
    """The Actor for this request, or None when nobody is logged in."""
    if "actor" in g:
        return g.actor
    actor = None
    if current_user.is_authenticated:
        person = current_user.person
        grants = grants_of(person.id)
        chosen = next((grant for grant in grants if grant.id == session.get("grant_id")), None)
        active = chosen or (grants[0] if grants else None)
        service_ids = {grant.service_id for grant in grants if grant.service_id}
        services = {
            service.id: service
            for service in db.session().exec(select(Service).where(Service.id.in_(service_ids))).all()
        }
        # A grant in a service that has been closed gives no access.
        active_grants = [grant for grant in grants if grant.service_id is None or services[grant.service_id].is_active]
        if active not in active_grants:
            active = active_grants[0] if active_grants else None
        actor = Actor(person=person, grants=active_grants, grant=active, services=services)
    g.actor = actor
    return actor
