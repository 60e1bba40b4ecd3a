"""A small service world for tests: built fast, with one password hash shared by everyone."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache

from sqlmodel import Session

from models import (
    Client,
    ComparatorSet,
    ComparatorValue,
    Course,
    DiaryEntry,
    DiaryFavourite,
    Episode,
    Event,
    EventWorker,
    Goal,
    Listing,
    ListingProblem,
    ListingTime,
    Message,
    Partner,
    Person,
    Plan,
    PushSubscription,
    RoleGrant,
    Service,
    Signpost,
    Story,
)
from pwa import accounts
from pwa.clock import LONDON, london_today, utcnow

PASSWORD = "green-apple-bicycle"


@cache
def password_hash() -> str:
    # Argon2 is slow on purpose; hash once per test run and share it.
    return accounts.hash_password(PASSWORD)


@dataclass
class World:
    north: Service
    south: Service
    people: dict[str, Person] = field(default_factory=dict)
    grants: dict[str, RoleGrant] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    entries: dict[str, DiaryEntry] = field(default_factory=dict)
    favourites: dict[str, DiaryFavourite] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)
    signposts: dict[str, Signpost] = field(default_factory=dict)
    problems: dict[str, ListingProblem] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    comparators: dict[str, ComparatorSet] = field(default_factory=dict)
    devices: dict[str, PushSubscription] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)


def add_person(
    session: Session, username: str, *, role: str | None, service: Service | None, wte=None, password=True
) -> tuple[Person, RoleGrant | None]:
    """A person, optionally with a password and one role."""
    person = Person(
        username=username,
        email=f"{username}@example.org",
        display_name=username.replace("-", " ").title(),
        password_hash=password_hash() if password else None,
        session_token=accounts.new_session_token(),
    )
    session.add(person)
    session.flush()
    grant = None
    if role:
        grant = RoleGrant(person_id=person.id, service_id=service.id if service else None, role=role, wte=wte)
        session.add(grant)
        session.flush()
    return person, grant


def build_world(session: Session) -> World:
    north = Service(slug="north", name="North Town Health Trainers", area="North Town", yearly_client_target=300)
    north.public_directory = True
    south = Service(slug="south", name="South Vale Health Trainers", area="South Vale", yearly_client_target=200)
    session.add_all([north, south])
    session.flush()
    world = World(north=north, south=south)
    roles = [
        ("client", "client", north, None),
        ("champion", "champion", north, 0.2),
        ("trainee", "trainee", north, 0.6),
        ("trainer", "trainer", north, 1.0),
        ("other-trainer", "trainer", north, 0.8),
        ("manager", "manager", north, 0.5),
        ("service-admin", "admin", north, None),
        ("site-admin", "admin", None, None),
        ("south-manager", "manager", south, 1.0),
        ("south-trainer", "trainer", south, 1.0),
        ("south-client", "client", south, None),
    ]
    for username, role, service, wte in roles:
        person, grant = add_person(session, username, role=role, service=service, wte=wte)
        world.people[username] = person
        world.grants[username] = grant
    people = world.people
    clients = {
        # key: (service, account, trainer)
        "own": Client(
            service_id=north.id,
            person_id=people["client"].id,
            trainer_id=people["trainer"].id,
            full_name="Casey Client",
        ),
        "trainee-own": Client(service_id=north.id, trainer_id=people["trainee"].id, full_name="Tia Trainee-Case"),
        "other-caseload": Client(service_id=north.id, trainer_id=people["other-trainer"].id, full_name="Olly Other"),
        "south": Client(
            service_id=south.id,
            person_id=people["south-client"].id,
            trainer_id=people["south-trainer"].id,
            full_name="Sid South",
        ),
    }
    session.add_all(clients.values())
    session.commit()
    world.clients = clients
    add_diary(session, world)
    add_plan(session, world)
    add_directory(session, world)
    add_community(session, world)
    add_comparators(session, world)
    add_reminders(session, world)
    return world


def add_reminders(session: Session, world: World) -> None:
    """Each client with a login has one phone that may be sent pushes, and a message from their trainer."""
    world.devices = {
        username: PushSubscription(
            person_id=world.people[username].id,
            endpoint=f"https://push.example.org/send/{username}",
            p256dh="BPcMbnWQL5GOYX_5EhT4Qkp9FwkO0T_f0-5pqlzXV9ZGp0gwdDzxo4kQa9W3zPjMl6hR5gL1J2ZBvCM1lqn0mV4",
            auth="c2VjcmV0LWF1dGgtMTY",
            device_label="Android phone",
        )
        for username in ("client", "south-client")
    }
    world.messages = {
        key: Message(
            service_id=world.clients[key].service_id,
            client_id=world.clients[key].id,
            sender_id=world.clients[key].trainer_id,
            body="Great week! Well done on your walks.",
        )
        for key in ("own", "south")
    }
    session.add_all([*world.devices.values(), *world.messages.values()])
    session.commit()


def add_comparators(session: Session, world: World) -> None:
    """Each service has its own comparator set: the borough's population by gender."""
    world.comparators = {
        key: ComparatorSet(service_id=service.id, name=f"{service.area} population", source="Census 2021")
        for key, service in (("north", world.north), ("south", world.south))
    }
    session.add_all(world.comparators.values())
    session.flush()
    for comparator in world.comparators.values():
        session.add_all(
            [
                ComparatorValue(set_id=comparator.id, table_name="gender", category="female", percent=51.2),
                ComparatorValue(set_id=comparator.id, table_name="gender", category="male", percent=48.8),
            ]
        )
    session.commit()


def add_plan(session: Session, world: World) -> None:
    """The own client has a plan with one measurable goal: 150 active minutes a week."""
    own = world.clients["own"]
    today = london_today()
    episode = Episode(service_id=own.service_id, client_id=own.id, started_on=today - timedelta(days=21))
    session.add(episode)
    session.flush()
    plan = Plan(service_id=own.service_id, client_id=own.id, episode_id=episode.id, agreed_on=episode.started_on)
    session.add(plan)
    session.flush()
    world.goals = {
        "own": Goal(
            service_id=own.service_id,
            client_id=own.id,
            plan_id=plan.id,
            code="exercise-increase-moderate",
            wording="Walk for 30 minutes on 5 days",
            target_kind="active_minutes_week",
            target_value=150,
            start_date=episode.started_on,
            review_date=today + timedelta(days=42),
            set_by_id=world.people["trainer"].id,
        )
    }
    session.add_all(world.goals.values())
    session.commit()


def diary_entry(client: Client, kind: str = "mood", *, moment: datetime | None = None, **values) -> DiaryEntry:
    """A stored entry made directly (tests of reading and access, not of checking input)."""
    moment = moment or utcnow()
    values = values or {"mood": 4}
    return DiaryEntry(
        uuid=str(uuid.uuid4()),
        service_id=client.service_id,
        client_id=client.id,
        kind=kind,
        occurred_at=moment,
        day=london_today(moment),
        body_hash="test",
        **values,
    )


def add_diary(session: Session, world: World) -> None:
    own = world.clients["own"]
    world.entries = {
        "own": diary_entry(own, "activity", activity="walking", minutes=30, intensity="moderate"),
        "own-deleted": diary_entry(own, "mood", mood=2, deleted_at=utcnow()),
        "south": diary_entry(world.clients["south"], "mood", mood=5),
    }
    world.favourites = {
        "own": DiaryFavourite(client_id=own.id, kind="mood", label="Mood good", values={"kind": "mood", "mood": 4})
    }
    session.add_all([*world.entries.values(), *world.favourites.values()])
    session.commit()


def add_directory(session: Session, world: World) -> None:
    """A listing in each service (north's directory is public), an anonymous signpost made by
    each member of north's staff who signposts, and an open problem report."""
    north, south = world.north, world.south
    world.listings = {
        "north": Listing(
            service_id=north.id,
            name="Tuesday Health Walk",
            description="A gentle walk round the park with a cup of tea after.",
            categories=["walking_groups"],
            organisation="North Town Walkers",
            venue="Town Park gates",
            cost="free",
            how_to_go="Just turn up.",
            staff_notes="Ask for Pat, the walk leader.",
            last_reviewed_on=london_today(),
            created_by_id=world.people["champion"].id,
        ),
        "south": Listing(service_id=south.id, name="South Vale Food Bank", categories=["food_bank"], cost="free"),
    }
    session.add_all(world.listings.values())
    session.flush()
    session.add(
        ListingTime(listing_id=world.listings["north"].id, weekday=1, starts_at=time(10, 0), ends_at=time(11, 0))
    )
    for username in ("champion", "trainer", "trainee"):
        world.signposts[username] = Signpost(
            service_id=north.id,
            listing_id=world.listings["north"].id,
            destination="lifestyle_risk_management",
            destination_name="Tuesday Health Walk",
            person_label="Jo, red coat",
            made_on=london_today() - timedelta(days=7),
            follow_up_on=london_today(),
            by_id=world.people[username].id,
        )
    world.problems = {
        "north": ListingProblem(
            service_id=north.id,
            listing_id=world.listings["north"].id,
            kind="details_wrong",
            note="It starts at 10:30 now.",
            reported_by_id=world.people["trainer"].id,
            reported_on=london_today(),
        )
    }
    session.add_all([*world.signposts.values(), *world.problems.values()])
    session.commit()


def add_community(session: Session, world: World) -> None:
    """Events: a stall the champion logged and ran ("north"), a talk the trainer logged without
    the champion ("trainer"), one in south; a course with one session; a partner; a story."""
    north, south, people = world.north, world.south, world.people
    today_noon = datetime.combine(london_today(), time(12, 0), tzinfo=LONDON).astimezone(UTC)
    world.partners = {"north": Partner(service_id=north.id, name="Millbrook Community Centre")}
    world.courses = {
        "north": Course(
            service_id=north.id,
            title="Healthy eating on a budget",
            topics=["diet"],
            planned_sessions=5,
            starts_on=london_today(),
            led_by_id=people["trainer"].id,
            created_by_id=people["trainer"].id,
        )
    }
    session.add_all([*world.partners.values(), *world.courses.values()])
    session.flush()

    def event(key, service, by, **values):
        values.setdefault("event_type", "stall")
        values.setdefault("title", f"{key.title()} event")
        return Event(
            uuid=str(uuid.uuid4()),
            service_id=service.id,
            starts_at=today_noon - timedelta(hours=2),
            ends_at=today_noon,
            created_by_id=people[by].id,
            **values,
        )

    world.events = {
        "north": event("north", north, "champion", title="Stall at Millbrook market", reached=12, leaflets=20),
        "trainer": event("trainer", north, "trainer", event_type="talk", title="Talk at the job club"),
        "course-session": event(
            "course-session",
            north,
            "trainer",
            event_type="group_course_session",
            title="Healthy eating on a budget: session 1",
            course_id=world.courses["north"].id,
            course_session_number=1,
        ),
        "south": event("south", south, "south-trainer", title="South Vale fun day"),
    }
    session.add_all(world.events.values())
    session.flush()
    session.add(EventWorker(event_id=world.events["north"].id, person_id=people["champion"].id, hours=2))
    world.stories = {
        "north": Story(
            service_id=north.id,
            kind="worker",
            title="A busy market day",
            what_happened="Lots of people stopped to talk about walking.",
            event_id=world.events["north"].id,
            written_by_id=people["champion"].id,
        )
    }
    session.add_all(world.stories.values())
    session.commit()
