"""A fictional demo service with one login per role. All names and places are made up."""

import uuid
from datetime import timedelta

from sqlmodel import Session, select

from models import Client, DiaryComment, Person, RoleGrant, Service
from pwa import accounts
from pwa.clock import london_today, utcnow
from pwa.demo_caseload import load_demo_caseload
from pwa.demo_community import load_demo_community
from pwa.demo_directory import load_demo_directory
from pwa.demo_reminders import load_demo_reminders
from pwa.demo_reports import load_demo_history
from pwa.diary.rules import check_entry
from pwa.diary.store import save_new_entries
from pwa.plans.rules import check_goal
from pwa.plans.store import add_goal, plan_for_new_goal
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


# A week of the demo client's diary: (days ago, London time, kind, values).
DEMO_DIARY = [
    (6, "08:00", "food", {"meal": "breakfast", "description": "Porridge with banana", "portions": 1}),
    (6, "17:30", "activity", {"activity": "walking", "minutes": 30, "intensity": "moderate"}),
    (6, "20:00", "alcohol", {"drink": "beer_pint_4", "quantity": 2}),
    (5, "12:30", "food", {"meal": "lunch", "description": "Soup and bread", "portions": 2}),
    (5, "21:00", "mood", {"mood": 3, "mood_words": ["tired"]}),
    (4, "09:00", "alcohol", {"marker": "drink_free"}),
    (4, "10:00", "activity", {"activity": "swimming", "minutes": 40, "intensity": "vigorous"}),
    (3, "13:00", "food", {"meal": "lunch", "description": "Jacket potato and beans", "portions": 1}),
    (3, "19:00", "smoking", {"cigarettes": 5}),
    (2, "08:30", "weight", {"weight_kg": 86.4}),
    (2, "18:00", "food", {"meal": "dinner", "description": "Chicken stir fry", "portions": 3}),
    (1, "20:30", "alcohol", {"drink": "wine_175_12", "quantity": 1}),
    (1, "21:00", "mood", {"mood": 4, "mood_words": ["calm", "good"]}),
    (0, "07:45", "food", {"meal": "breakfast", "description": "Toast and an apple", "portions": 1}),
]


def _demo_diary(session: Session, client: Client, trainer: Person) -> None:
    """Give the demo client a week of entries (through the same checks as real ones) and a comment."""
    now = utcnow()
    today = london_today(now)
    checked = []
    for days_ago, clock, kind, values in DEMO_DIARY:
        day = today - timedelta(days=days_ago)
        raw = {"uuid": str(uuid.uuid4()), "kind": kind, "day": day.isoformat(), "time": clock, **values}
        if days_ago == 0:
            raw.pop("time")  # today: "now", so it is never in the future
        result = check_entry(raw, now=now)
        if result.ok:
            checked.append(result)
    save_new_entries(session, client, checked, by_id=None)
    _demo_plan(session, client, trainer, today)
    session.add(
        DiaryComment(
            service_id=client.service_id,
            client_id=client.id,
            day=today - timedelta(days=4),
            author_id=trainer.id,
            text="Well done on the swim and the drink-free day!",
        )
    )


def _demo_plan(session: Session, client: Client, trainer: Person, today) -> None:
    """Three goals agreed three weeks ago: two measured by the diary, one by weekly check-in."""
    plan = plan_for_new_goal(session, client, today - timedelta(days=21), trainer.id)
    plan.agreed_on = today - timedelta(days=21)
    goals = [
        {"code": "diet-increase-fruit_veg", "wording": "Eat 5 fruit and veg on 3 days a week",
         "target_kind": "fruit_veg_days", "target_value": "3", "target_portions": "5",
         "action_what": "Add fruit to breakfast", "barriers": "Fruit costs a lot", "barrier_plan": "Buy frozen veg"},
        {"code": "alcohol-reduce", "wording": "No more than 10 units a week", "target_kind": "units_week",
         "target_value": "10", "action_what": "Have a soft drink first at the pub"},
        {"code": "wellbeing-improve-sleep", "wording": "In bed by 11 on weeknights", "target_kind": "check_in",
         "action_what": "Phone off at 10:30"},
    ]  # fmt: skip
    for raw in goals:
        start = (today - timedelta(days=21)).isoformat()
        checked = check_goal(
            {**raw, "start_date": start, "review_date": (today + timedelta(days=21)).isoformat()}, today=today
        )
        # The demo plan started three weeks ago: allow that start date here only.
        checked.errors.pop("start_date", None)
        checked.values["start_date"] = today - timedelta(days=21)
        if checked.ok:
            add_goal(session, plan, checked, trainer.id)


def _add_later_parts(session: Session, service: Service) -> None:
    """Give a demo loaded by an older version what was added since (each part adds nothing twice)."""
    trainer = session.exec(select(Person).where(Person.username == "demo-trainer")).first()
    alex = session.exec(select(Client).where(Client.service_id == service.id, Client.full_name == "Alex Demo")).first()
    if trainer is not None and alex is not None:
        load_demo_reminders(session, alex, trainer)
        session.commit()


def load_demo(session: Session) -> bool:
    """Create the demo service and its people. Returns False if it was already there."""
    existing = session.exec(select(Service).where(Service.slug == DEMO_SLUG)).first()
    if existing:
        _add_later_parts(session, existing)
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
    alex = Client(
        service_id=service.id, person_id=people["demo-client"].id, trainer_id=trainer.id, full_name="Alex Demo"
    )
    session.add(alex)
    session.flush()
    _demo_diary(session, alex, trainer)
    load_demo_reminders(session, alex, trainer)
    clients = {"Alex Demo": alex}
    for name in DEMO_CASELOAD:
        clients[name] = Client(service_id=service.id, trainer_id=trainer.id, full_name=name)
    clients["Lee Invented"] = Client(
        service_id=service.id, trainer_id=people["demo-trainee"].id, full_name="Lee Invented"
    )
    session.add_all(clients.values())
    session.flush()
    load_demo_caseload(session, clients, trainer.id)
    load_demo_directory(session, service, people)  # after the caseload: that loads the postcodes
    load_demo_community(session, service, people, clients)  # after both: it links their clients and listings
    load_demo_history(session, service)  # past clients of made-up trainers, for the reports
    session.commit()
    return True
