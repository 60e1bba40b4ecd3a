"""The demo service's community work: partners, the champion's stall, walk, talk and door
knocking, the live tally from the stall, a group course with who came, two stories, the
champion's volunteer record, and the signposts and registrations that came from the stall.

Everything goes through the same checks as the forms (and the stall's tally rules), so the demo
never holds what a form would refuse. Rows are flushed, not committed: load_demo commits once.
All people, places and groups are made up.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from models import (
    Client,
    Course,
    CourseAttendance,
    Event,
    EventWorker,
    Listing,
    Partner,
    Person,
    Qualification,
    RoleChange,
    Service,
    Story,
    TallyChange,
    TrainingRecord,
    VolunteerHours,
)
from pwa.caseload.signpost_rules import check_result
from pwa.clock import LONDON, london_today, to_london, utcnow
from pwa.community import course_rules, story_rules, tally, volunteer_rules
from pwa.community.event_rules import check_event
from pwa.community.event_store import place_event, save_event, staff_choices
from pwa.directory.loop_rules import check_listing_signpost
from pwa.directory.loop_store import add_listing_signpost

PARTNERS = ["Millbrook Community Centre", "Ferncombe Food Bank", "Otter Vale Mosque", "Harbourside Library"]
STALL_TITLE = "Stall at Millbrook Community Centre"
STALL_DAYS_AGO = 14
COURSE_TITLE = "Healthy eating on a budget"
# Clients of the demo caseload who registered after hearing of us at the stall.
HEARD_AT_STALL = ("Jo Fictional", "Lee Invented")
# Taps on the stall's live tally, (London time, counts), sent when the champion was back online.
STALL_TALLY = [
    ("10:05", {"reached": 1, "gender.female": 1, "age_band.36_45": 1}),
    ("10:12", {"reached": 1, "leaflets": 1, "gender.male": 1}),
    ("10:30", {"leaflets": 2}),
    ("10:41", {"reached": 1, "signposted": 1, "gender.female": 1}),
    ("11:15", {"interested": 1}),
]
STALL_SENT_AT = "12:40"


def _day_raw(on: date) -> str:
    return on.isoformat()


def _at(on: date, clock: str) -> datetime:
    """A London wall-clock time on a day, as stored: aware UTC."""
    return datetime.combine(on, time.fromisoformat(clock), tzinfo=LONDON).astimezone(UTC)


def _checked(what: str, checked):
    if not checked.ok:
        problems = {**checked.errors, **getattr(checked, "warnings", {})}
        raise ValueError(f"Demo {what} does not pass the checks: {problems}")
    return checked.values


def _partners(session: Session, service: Service) -> dict[str, Partner]:
    """The service's partners by name, adding the demo ones it does not have yet."""
    have = {p.name: p for p in session.exec(select(Partner).where(Partner.service_id == service.id)).all()}
    for name in PARTNERS:
        if name not in have:
            have[name] = Partner(service_id=service.id, name=name)
            session.add(have[name])
    session.flush()
    return have


def _event_raw(event_type, title, on, starts, ends, venue, postcode, partners=(), topics=(), workers=(), **more):
    """An event as the form would send it."""
    raw = {
        "event_type": event_type, "title": title, "date": _day_raw(on), "starts_at": starts, "ends_at": ends,
        "venue": venue, "postcode": postcode, "partners": [str(p.id) for p in partners], "topics": list(topics),
    }  # fmt: skip
    for index, (person, hours) in enumerate(workers):
        raw[f"worker-{index}-person_id"], raw[f"worker-{index}-hours"] = str(person.id), str(hours)
    for name, value in more.items():
        if name == "breakdowns":
            for dimension, counts in value.items():
                for code, count in counts.items():
                    raw[f"breakdown-{dimension}-{code}"] = str(count)
        elif name == "districts":
            for index, (code, count) in enumerate(value.items()):
                raw[f"district-{index}-code"], raw[f"district-{index}-count"] = code, str(count)
        else:
            raw[name] = str(value)
    return raw


def _save_event(session: Session, service: Service, raw: dict, by: Person, today: date, event=None) -> Event:
    """Check an event like the form does and save it with its workers (flushed, not committed)."""
    partner_ids = {p.id for p in session.exec(select(Partner).where(Partner.service_id == service.id)).all()}
    staff_ids = {person_id for person_id, _ in staff_choices(session, service.id)}
    checked = check_event(raw, today=today, partner_ids=partner_ids, staff_ids=staff_ids)
    values = dict(_checked(f"event {raw['title']!r}", checked))
    workers = values.pop("workers")
    event = event or Event(uuid=str(uuid.uuid4()), service_id=service.id, created_by_id=by.id)
    return save_event(session, event, values, workers, commit=False)


def _today_slot(now: datetime) -> tuple[str, str]:
    """Door knocking today at a sensible hour: on now (from an hour ago) in the day, later today
    in the early morning, or earlier today in the evening."""
    hour = now.astimezone(LONDON).hour
    if hour < 9:
        return "10:00", "12:00"
    if hour >= 20:
        return "17:00", "19:00"
    return f"{hour - 1:02d}:00", f"{hour + 1:02d}:00"


def _stall(session, service, partners, champion, today) -> Event:
    """Started on the phone, tallied at the stall with no signal, finished later on the form."""
    on = today - timedelta(days=STALL_DAYS_AGO)
    stall = Event(
        uuid=str(uuid.uuid4()), service_id=service.id, event_type="stall", title=STALL_TITLE,
        starts_at=_at(on, "10:00"), ends_at=_at(on, "12:00"), created_by_id=champion.id, created_at=_at(on, "09:55"),
    )  # fmt: skip
    session.add(stall)
    session.flush()
    totals = tally.totals_of(stall)
    for clock, counts in STALL_TALLY:
        counts = _checked("tally change", tally.check_counts(counts))["counts"]
        totals, problem = tally.add_counts(totals, counts)
        if problem:
            raise ValueError(f"Demo tally change is refused: {problem}")
        session.add(
            TallyChange(
                uuid=str(uuid.uuid4()), event_id=stall.id, counts=counts, recorded_by_id=champion.id,
                recorded_at=_at(on, clock), received_at=_at(on, STALL_SENT_AT),
            )
        )  # fmt: skip
    raw = _event_raw(
        "stall", STALL_TITLE, on, "10:00", "12:00", "Millbrook Community Centre", "FE1 2XS",
        partners=[partners["Millbrook Community Centre"]], topics=["diet", "exercise"], workers=[(champion, 2)],
        reached=34, leaflets=50, signposted=6, interested=4, registered=2,
        breakdowns={
            "gender": {"female": 19, "male": 13, "prefer_not_to_say": 2},
            "age_band": {"18_25": 4, "26_35": 7, "36_45": 8, "46_55": 6, "56_65": 5, "over_65": 3},
            "ethnicity_group": {"white": 24, "asian": 5, "black": 2, "mixed": 1, "not_stated": 2},
        },
        districts={"FE1": 21, "FE2": 6, "FE3": 4},
        notes="Busy by the café. Lots of questions about cheap healthy meals. Ran out of walk leaflets.",
    )  # fmt: skip
    return _save_event(session, service, raw, champion, today, event=stall)


def _champion_events(session, service, partners, people, today) -> list[Event]:
    champion, trainer = people["demo-champion"], people["demo-trainer"]
    starts, ends = _today_slot(utcnow())
    # Counted so far, once it has begun (none yet when it starts later today).
    so_far = {}
    if _at(today, starts) <= utcnow():
        so_far = {"reached": 9, "leaflets": 14, "interested": 1, "breakdowns": {"gender": {"female": 5, "male": 4}}}
    raws = [
        _event_raw(
            "health_walk", "Health walk round Ferncombe Park", today - timedelta(days=7), "10:00", "11:00",
            "Ferncombe Park main gates", "FE1 6FR", topics=["exercise", "emotional_wellbeing"],
            workers=[(champion, 1.5), (trainer, 1)], reached=11, leaflets=5, signposted=1, interested=1,
            breakdowns={"gender": {"female": 7, "male": 4}, "age_band": {"46_55": 2, "56_65": 4, "over_65": 5}},
            districts={"FE1": 9, "FE2": 2},
        ),
        _event_raw(
            "talk", "Talk: eating well for less", today + timedelta(days=7), "18:30", "19:30", "Otter Vale Mosque",
            "FE2 9DY", partners=[partners["Otter Vale Mosque"]], topics=["diet", "money_debt"],
            workers=[(champion, 1.5)], notes="Bring the food bank leaflets and the course dates.",
        ),
        _event_raw(
            "door_knocking", "Door knocking on the Millbrook estate", today, starts, ends, "Millbrook estate",
            "FE1 4YB", topics=["diet", "exercise", "smoking"], workers=[(champion, 2)], **so_far,
        ),
    ]  # fmt: skip
    return [_save_event(session, service, raw, champion, today) for raw in raws]


def _course(session, service, partners, people, clients, today) -> Course:
    """Five weekly sessions from three weeks ago: three held, with registered clients and others."""
    trainer = people["demo-trainer"]
    staff_ids = {person_id for person_id, _ in staff_choices(session, service.id)}
    starts_on = today - timedelta(days=21)
    raw = {
        "title": COURSE_TITLE, "topics": ["diet", "money_debt"], "planned_sessions": "5",
        "description": "Plan, shop and cook tasty meals for less. Bring a friend.",
        "starts_on": _day_raw(starts_on), "venue": "Harbourside Library", "postcode": "FE3 8QN",
        "partner_ids": [str(partners[name].id) for name in ("Ferncombe Food Bank", "Harbourside Library")],
        "led_by_id": str(trainer.id),
    }  # fmt: skip
    partner_ids = [partner.id for partner in partners.values()]
    checked = course_rules.check_course(raw, today=today, partner_ids=partner_ids, staff_ids=staff_ids)
    values = _checked("course", checked)
    course = Course(service_id=service.id, created_by_id=trainer.id, **values)
    session.add(course)
    session.flush()
    # Session number -> (registered clients who came, others who came).
    came = {
        1: (["Alex Demo", "Robin Pretend"], 6),
        2: (["Alex Demo", "Robin Pretend"], 5),
        3: (["Alex Demo", "Pat Madeup"], 6),
    }
    for number, (names, others) in came.items():
        on = course_rules.suggested_day(starts_on, number)
        when = {"on_date": _day_raw(on), "starts": "13:30", "ends": "15:00", "venue": course.venue,
                "postcode": course.postcode}  # fmt: skip
        values = _checked("course session", course_rules.check_session(when, today=today))
        event = Event(
            uuid=str(uuid.uuid4()), service_id=service.id, event_type="group_course_session",
            title=course_rules.session_title(course.title, number), starts_at=values["starts_at"],
            ends_at=values["ends_at"], venue=values["venue"], postcode=values["postcode"],
            partner_ids=list(course.partner_ids), topics=list(course.topics), course_id=course.id,
            course_session_number=number, created_by_id=trainer.id,
        )  # fmt: skip
        place_event(session, event)
        session.add(event)
        session.flush()
        session.add(EventWorker(event_id=event.id, person_id=trainer.id, hours=1.5))
        # Only clients registered by the day of the session could be ticked.
        choosable = [client.id for client in clients.values() if client.registered_on and client.registered_on <= on]
        ticked = {"client_id": [str(clients[name].id) for name in names], "others": str(others)}
        values = _checked("attendance", course_rules.check_attendance(ticked, choosable=choosable))
        for client_id in sorted(values["client_ids"]):
            session.add(CourseAttendance(event_id=event.id, client_id=client_id, recorded_by_id=trainer.id))
        event.reached = len(values["client_ids"]) + values["others"]
        session.add(event)
    session.flush()
    return course


def _heard_at_stall(session, stall: Event, clients: dict[str, Client]) -> None:
    """Two clients registered after the stall, having heard of us there."""
    for name in HEARD_AT_STALL:
        client = clients.get(name)
        if client is None or client.registered_on is None or client.registered_on < to_london(stall.starts_at).date():
            continue  # only someone who registered after the stall can have heard of us there
        client.how_heard, client.heard_at_event_id = "promotional_event", stall.id
        session.add(client)


def _stall_signposts(session, service, stall: Event, champion: Person, today: date) -> None:
    """Two people not registered, signposted at the stall to directory listings; one went."""
    on = today - timedelta(days=STALL_DAYS_AGO)
    signposts = [
        ("Tuesday Morning Health Walk", "Woman with a red scarf", on + timedelta(days=7), ("attended", 9)),
        ("Cook and Eat Well", "Dad with twins in a buggy", today, None),
    ]
    for name, label, follow_up_on, result in signposts:
        listing = session.exec(select(Listing).where(Listing.service_id == service.id, Listing.name == name)).first()
        if listing is None:
            continue
        raw = {"kind": "signpost", "made_on": _day_raw(on), "follow_up_on": _day_raw(follow_up_on),
               "who": "someone", "person_label": label}  # fmt: skip
        checked = check_listing_signpost(raw, today=today, listing=listing, may_pick_client=False, client_ids=())
        _checked("signpost", checked)
        signpost = add_listing_signpost(session, listing, None, None, checked, champion.id)
        signpost.event_id = stall.id
        if result:
            outcome, days_after = result
            found = {"result": outcome, "result_on": _day_raw(on + timedelta(days=days_after)),
                     "result_note": "Saw her at the walk: she has been twice now."}  # fmt: skip
            values = _checked("signpost result", check_result(found, today=today, made_on=on))
            for field in ("result", "barrier", "result_note", "result_on"):
                setattr(signpost, field, values[field])
        session.add(signpost)
    session.flush()


def _stories(session, service, stall: Event, people, clients, today) -> None:
    champion, trainer = people["demo-champion"], people["demo-trainer"]
    on = today - timedelta(days=STALL_DAYS_AGO)
    worker = {
        "kind": "worker", "title": "The stall that filled a course",
        "what_happened": "At the Millbrook stall I talked to a lot of people worried about the cost of food. "
                         "I told them about the budget cooking course and the Tuesday walk.",
        "what_changed": "Two people have since registered with the service and one now goes to the walk.",
        "consent_to_share": "yes", "consent_on": _day_raw(on),
        "anonymised_text": "A health champion ran a stall at a community centre. Two people who stopped to chat "
                           "later signed up for support, and one now walks with a group every week.",
    }  # fmt: skip
    alex = clients["Alex Demo"]
    client = {
        "kind": "client", "title": "Back in the pool",
        "what_happened": "Alex had not swum for years. After the walking group and the course, Alex tried the pool.",
        "what_changed": "Alex feels brighter, is cooking more at home and has lost a little weight.",
        "consent_to_share": "no",
    }  # fmt: skip
    stories = [
        (worker, champion, stall.id, None, None, on + timedelta(days=1)),
        (client, trainer, None, alex.id, alex.full_name, today - timedelta(days=3)),
    ]
    for raw, by, event_id, client_id, client_name, written_on in stories:
        values = _checked("story", story_rules.check_story(raw, today=today, client_name=client_name))
        written_at = _at(written_on, "16:00")
        session.add(
            Story(service_id=service.id, event_id=event_id, client_id=client_id, written_by_id=by.id, **values,
                  created_at=written_at, updated_at=written_at)
        )  # fmt: skip
    session.flush()


def _volunteer_record(session, service, champion: Person, manager: Person, today: date) -> None:
    """The champion's hours outside events, training, a first aid certificate running out soon,
    and their path from client to volunteer to champion."""

    def ago(days: int) -> str:
        return _day_raw(today - timedelta(days=days))

    records = [
        ("hours", {"hours_on": ago(20), "hours": "3", "activity": "Helped sort donations at the food bank"}),
        ("hours", {"hours_on": ago(12), "hours": "1.5", "activity": "Leaflet drop round Millbrook"}),
        ("hours", {"hours_on": ago(3), "hours": "1", "activity": "Champions' team meeting"}),
        ("training", {"theme": "health_trainer_role", "training_title": "Health champion induction",
                      "provider": "Ferncombe Health Trainers", "training_on": ago(240)}),
        ("training", {"theme": "safeguarding", "training_title": "Safeguarding adults",
                      "provider": "Ferncombe Council", "training_on": ago(200)}),
        ("training", {"theme": "behaviour_change", "training_title": "Making every contact count",
                      "provider": "Ferncombe Public Health", "training_on": ago(60)}),
        ("qualification", {"qualification_title": "Emergency first aid at work", "awarded_on": ago(3 * 365 - 40),
                           "expires_on": _day_raw(today + timedelta(days=40))}),
        ("role_change", {"from_stage": "client", "to_stage": "volunteer", "changed_on": ago(420),
                         "note": "Finished their plan and asked how to help others."}),
        ("role_change", {"from_stage": "volunteer", "to_stage": "champion", "changed_on": ago(250),
                         "note": "Starts the champion induction next week."}),
    ]  # fmt: skip
    mine = {"service_id": service.id, "person_id": champion.id}
    for kind, raw in records:
        values = _checked(kind, volunteer_rules.CHECKS[kind](raw, today=today))
        if kind == "hours":
            row = VolunteerHours(**mine, on_date=values["hours_on"], hours=values["hours"], activity=values["activity"])
        elif kind == "training":
            row = TrainingRecord(**mine, theme=values["theme"], title=values["training_title"],
                                 provider=values["provider"], on_date=values["training_on"])  # fmt: skip
        elif kind == "qualification":
            row = Qualification(**mine, title=values["qualification_title"], awarded_on=values["awarded_on"],
                                expires_on=values["expires_on"])  # fmt: skip
        else:
            row = RoleChange(**mine, from_stage=values["from_stage"], to_stage=values["to_stage"],
                             on_date=values["changed_on"], note=values["note"], recorded_by_id=manager.id)  # fmt: skip
        session.add(row)
    session.flush()


def load_demo_community(
    session: Session, service: Service, people: dict[str, Person], clients: dict[str, Client]
) -> int:
    """Add the demo partners (by name) and, once, the community work. Load the caseload and the
    directory first: the stall links to their clients and listings. Returns how many events were added."""
    partners = _partners(session, service)
    if session.exec(select(Event.id).where(Event.service_id == service.id, Event.title == STALL_TITLE)).first():
        return 0
    today = london_today()
    champion = people["demo-champion"]
    stall = _stall(session, service, partners, champion, today)
    events = [stall, *_champion_events(session, service, partners, people, today)]
    course = _course(session, service, partners, people, clients, today)
    _heard_at_stall(session, stall, clients)
    _stall_signposts(session, service, stall, champion, today)
    _stories(session, service, stall, people, clients, today)
    _volunteer_record(session, service, champion, people["demo-manager"], today)
    session.flush()
    sessions = session.exec(select(Event.id).where(Event.course_id == course.id)).all()
    return len(events) + len(sessions)
