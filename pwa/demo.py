"""A fictional demo service with one login per role. All names and places are made up."""

from sqlmodel import Session, select

from models import Client, Person, RoleGrant, Service
from pwa import accounts
from pwa.roles import Role

DEMO_PASSWORD = "try-the-demo"
DEMO_SLUG = "ferncombe-demo"

# username, name, role, WTE
DEMO_LOGINS = [
    ("demo-client", "Alex Demo (client)", Role.CLIENT, None),
    ("demo-champion", "Chris Demo (champion)", Role.CHAMPION, 0.2),
    ("demo-trainee", "Taylor Demo (trainee)", Role.TRAINEE, 0.6),
    ("demo-trainer", "Sam Demo (health trainer)", Role.TRAINER, 1.0),
    ("demo-manager", "Morgan Demo (manager)", Role.MANAGER, 0.5),
    ("demo-admin", "Ash Demo (admin)", Role.ADMIN, None),
]
# Clients without an app account, on the demo trainer's caseload.
DEMO_CASELOAD = ["Jo Fictional", "Pat Madeup", "Robin Pretend"]


def _person(session: Session, username: str, name: str) -> Person:
    person = Person(username=username, email=f"{username}@example.org", display_name=name, session_token="")
    accounts.set_password(person, DEMO_PASSWORD)
    session.add(person)
    session.flush()
    return person


def load_demo(session: Session) -> bool:
    """Create the demo service and its people. Returns False if it was already there."""
    if session.exec(select(Service).where(Service.slug == DEMO_SLUG)).first():
        return False
    service = Service(
        slug=DEMO_SLUG,
        name="Ferncombe Health Trainers (demo)",
        area="Ferncombe, a made-up town",
        yearly_client_target=400,
        target_wards=["Ferncombe Central", "Millbrook", "Otter Vale"],
        target_ward_share=60.0,
    )
    session.add(service)
    session.flush()
    people = {}
    for username, name, role, wte in DEMO_LOGINS:
        person = _person(session, username, name)
        people[username] = person
        # The demo admin manages every service, so they can also try creating services.
        service_id = None if role == Role.ADMIN else service.id
        session.add(RoleGrant(person_id=person.id, service_id=service_id, role=role.value, wte=wte))
    trainer = people["demo-trainer"]
    session.add(
        Client(service_id=service.id, person_id=people["demo-client"].id, trainer_id=trainer.id, full_name="Alex Demo")
    )
    for name in DEMO_CASELOAD:
        session.add(Client(service_id=service.id, trainer_id=trainer.id, full_name=name))
    session.add(Client(service_id=service.id, trainer_id=people["demo-trainee"].id, full_name="Lee Invented"))
    session.commit()
    return True
