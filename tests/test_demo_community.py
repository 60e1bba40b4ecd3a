"""The demo's community work: loaded once, through the forms' rules, telling the stall's story
(a two-hour stall, its tally, its signposts and the two people who later registered)."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

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
    Signpost,
    Story,
    TallyChange,
    TrainingRecord,
    VolunteerHours,
)
from pwa.clock import london_today, to_london, utcnow
from pwa.community.event_store import registered_from
from pwa.community.vocab import BREAKDOWNS
from pwa.community.volunteer_store import record_of
from pwa.demo import DEMO_PASSWORD, DEMO_SLUG, load_demo
from pwa.demo_community import COURSE_TITLE, PARTNERS, STALL_TITLE, load_demo_community
from tests.conftest import log_in

COUNTED = (Partner, Event, EventWorker, TallyChange, Course, CourseAttendance, Story, Signpost, VolunteerHours,
           TrainingRecord, Qualification, RoleChange)  # fmt: skip


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def person(session, username: str) -> Person:
    return session.exec(select(Person).where(Person.username == username)).one()


def test_demo_community_loads_once(app, db_session):
    assert load_demo(db_session) is True
    before = {model.__name__: count(db_session, model) for model in COUNTED}
    assert load_demo(db_session) is False
    service = db_session.exec(select(Service).where(Service.slug == DEMO_SLUG)).one()
    people = {p.username: p for p in db_session.exec(select(Person)).all()}
    clients = {c.full_name: c for c in db_session.exec(select(Client)).all()}
    assert load_demo_community(db_session, service, people, clients) == 0  # the loader itself adds nothing twice
    db_session.commit()
    assert {model.__name__: count(db_session, model) for model in COUNTED} == before
    assert before["Partner"] == len(PARTNERS) and before["Event"] == 7  # 4 of the champion's + 3 course sessions
    assert len(db_session.exec(select(Event).where(Event.title == STALL_TITLE)).all()) == 1


def test_the_stall_tells_the_story(app, db_session):
    load_demo(db_session)
    today = london_today()
    champion, trainer = person(db_session, "demo-champion"), person(db_session, "demo-trainer")
    stall = db_session.exec(select(Event).where(Event.title == STALL_TITLE)).one()
    assert stall.event_type == "stall" and stall.created_by_id == champion.id
    assert to_london(stall.starts_at).date() == today - timedelta(days=14)
    assert stall.ends_at - stall.starts_at == timedelta(hours=2)
    # Placed from the demo postcode lookup, like a client.
    assert stall.postcode.startswith("FE") and stall.postcode_district == "FE1"
    assert stall.ward_name == "Millbrook" and stall.quintile not in ("", "unknown")
    counts = (stall.reached, stall.leaflets, stall.signposted, stall.interested, stall.registered)
    assert counts == (34, 50, 6, 4, 2)
    assert stall.topics == ["diet", "exercise"]
    assert set(stall.breakdowns) == set(BREAKDOWNS)
    assert all(0 < sum(group.values()) <= stall.reached for group in stall.breakdowns.values())
    millbrook = db_session.exec(select(Partner).where(Partner.name == "Millbrook Community Centre")).one()
    assert stall.partner_ids == [millbrook.id]
    workers = db_session.exec(select(EventWorker).where(EventWorker.event_id == stall.id)).all()
    assert [(w.person_id, w.hours) for w in workers] == [(champion.id, 2.0)]

    # The tally from the stall, sent when the champion was back online.
    changes = db_session.exec(select(TallyChange).where(TallyChange.event_id == stall.id)).all()
    assert len(changes) >= 3 and all(change.recorded_by_id == champion.id for change in changes)
    assert sum(change.counts.get("reached", 0) for change in changes) <= stall.reached

    # Two clients registered after the stall, having heard of us there.
    came = registered_from(db_session, stall)
    assert len(came) == 2 and all(client.how_heard == "promotional_event" for client in came)
    assert all(client.registered_on > today - timedelta(days=14) for client in came)

    # Two people not registered were signposted there to directory listings; one went.
    signposts = db_session.exec(select(Signpost).where(Signpost.event_id == stall.id)).all()
    assert len(signposts) == 2 and all(s.client_id is None and s.by_id == champion.id for s in signposts)
    listings = {listing.id: listing.name for listing in db_session.exec(select(Listing)).all()}
    assert all(s.listing_id in listings and s.destination_name == listings[s.listing_id] for s in signposts)
    assert sorted(str(s.result) for s in signposts) == ["None", "attended"]

    stories = db_session.exec(select(Story)).all()
    worker_story = next(story for story in stories if story.kind == "worker")
    assert worker_story.event_id == stall.id and worker_story.consent_to_share and worker_story.anonymised_text
    client_story = next(story for story in stories if story.kind == "client")
    assert client_story.client_id is not None and not client_story.consent_to_share
    assert client_story.written_by_id == trainer.id


def test_the_champion_has_a_walk_a_talk_and_door_knocking(app, db_session):
    load_demo(db_session)
    now, today = utcnow(), london_today()
    champion, trainer = person(db_session, "demo-champion"), person(db_session, "demo-trainer")
    events = {e.event_type: e for e in db_session.exec(select(Event).where(Event.course_id.is_(None))).all()}
    assert set(events) == {"stall", "health_walk", "talk", "door_knocking"}
    assert all(event.created_by_id == champion.id for event in events.values())
    assert to_london(events["health_walk"].starts_at).date() == today - timedelta(days=7)
    assert events["talk"].starts_at > now and events["talk"].reached == 0  # upcoming
    assert to_london(events["door_knocking"].starts_at).date() == today
    walkers = db_session.exec(select(EventWorker.person_id).where(EventWorker.event_id == events["health_walk"].id))
    assert set(walkers.all()) == {champion.id, trainer.id}


def test_the_course_has_three_sessions_with_clients_and_others(app, db_session):
    load_demo(db_session)
    today = london_today()
    course = db_session.exec(select(Course).where(Course.title == COURSE_TITLE)).one()
    assert course.planned_sessions == 5 and course.starts_on == today - timedelta(days=21)
    sessions = db_session.exec(select(Event).where(Event.course_id == course.id).order_by(Event.starts_at)).all()
    assert [s.course_session_number for s in sessions] == [1, 2, 3]
    assert all(s.event_type == "group_course_session" and s.starts_at < utcnow() for s in sessions)
    names = set()
    for session_event in sessions:
        rows = db_session.exec(
            select(Client).join(CourseAttendance).where(CourseAttendance.event_id == session_event.id)
        ).all()
        assert 0 < len(rows) < session_event.reached  # registered clients and others
        assert all(client.registered_on <= to_london(session_event.starts_at).date() for client in rows)
        names |= {client.full_name for client in rows}
    assert 2 <= len(names) <= 3


def test_the_champion_has_a_volunteer_record(app, db_session):
    load_demo(db_session)
    today = london_today()
    service = db_session.exec(select(Service).where(Service.slug == DEMO_SLUG)).one()
    champion = person(db_session, "demo-champion")
    record = record_of(db_session, service.id, champion, utcnow())
    assert len(record.training) == 3
    assert [q.expires_on for q in record.qualifications] == [today + timedelta(days=40)]
    assert [(r.from_stage, r.to_stage) for r in reversed(record.role_changes)] == [
        ("client", "volunteer"),
        ("volunteer", "champion"),
    ]
    other = [row for row in record.hours if row.event_id is None]
    at_events = [row for row in record.hours if row.event_id is not None]
    assert len(other) >= 2 and len(at_events) >= 2  # the stall and the walk (the talk is still to come)
    assert record.totals.all_time == sum(row.hours for row in record.hours)


def test_each_role_sees_the_demo_community_work(app, db_session):
    load_demo(db_session)
    stall = db_session.exec(select(Event).where(Event.title == STALL_TITLE)).one()
    champion = app.test_client()
    log_in(champion, "demo-champion", DEMO_PASSWORD)
    home = champion.get("/activities").get_data(as_text=True)
    assert "Talk: eating well for less" in home
    page = champion.get(f"/events/{stall.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "tally changes" in text and "Jo Fictional" not in text  # counts, never names, for champions
    assert champion.get("/volunteering").status_code == 200

    manager = app.test_client()
    log_in(manager, "demo-manager", DEMO_PASSWORD)
    text = manager.get(f"/events/{stall.id}").get_data(as_text=True)
    assert "Jo Fictional" in text and "34" in text
    volunteers = manager.get("/volunteers").get_data(as_text=True)
    assert "Chris Demo" in volunteers
