"""Group courses: setting one up, adding numbered sessions, and recording who came."""

from datetime import date, time, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Client, Course, CourseAttendance, Event, EventWorker
from pwa.clock import london_today, to_london
from pwa.community import course_rules as rules
from tests.conftest import act_as, post_form


def as_(client, world, who):
    act_as(client, world.people[who], world.grants[who])


def course_form(world, **changes):
    form = {
        "title": "Cook and eat well",
        "description": "Simple meals for less.",
        "topics": ["diet", "money_debt"],
        "planned_sessions": "5",
        "starts_on": london_today().isoformat(),
        "venue": "Millbrook Community Centre",
        "postcode": "fe1 2ab",
        "partner_ids": [str(world.partners["north"].id)],
        "led_by_id": str(world.people["trainer"].id),
    }
    form.update(changes)
    return form


def session_form(**changes):
    form = {"on_date": london_today().isoformat(), "starts": "10:00", "ends": "11:30", "venue": "", "postcode": ""}
    form.update(changes)
    return form


def courses_named(db_session, title):
    return db_session.exec(select(Course).where(Course.title == title)).all()


# --- Setting up a course ------------------------------------------------------------------------


def test_a_champion_sets_up_a_course(client, world, db_session):
    as_(client, world, "champion")
    response = post_form(client, "/courses/new", course_form(world))
    assert response.status_code == 302
    [course] = courses_named(db_session, "Cook and eat well")
    assert course.service_id == world.north.id
    assert course.planned_sessions == 5
    assert course.topics == ["diet", "money_debt"]
    assert course.postcode == "FE1 2AB"
    assert course.partner_ids == [world.partners["north"].id]
    assert course.led_by_id == world.people["trainer"].id
    assert course.created_by_id == world.people["champion"].id
    assert response.headers["Location"].endswith(f"/courses/{course.id}")


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "Give the course a name"),
        ("planned_sessions", "0", "from 1 to 52"),
        ("planned_sessions", "53", "from 1 to 52"),
        ("planned_sessions", "-2", "from 1 to 52"),
        ("starts_on", "", "Choose the day of the first session"),
        ("postcode", "not a postcode", "does not look like a UK postcode"),
        ("led_by_id", "", "Choose who leads the course"),
        ("topics", ["juggling"], "Choose topics from the list"),
    ],
)
def test_a_bad_course_is_not_saved(client, world, db_session, field, value, message):
    as_(client, world, "trainer")
    response = post_form(client, "/courses/new", course_form(world, **{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert courses_named(db_session, "Cook and eat well") == []


def test_a_course_cannot_be_led_by_someone_of_another_service_or_with_their_partners(client, world, db_session):
    from models import Partner

    south_partner = Partner(service_id=world.south.id, name="South Vale Library")
    db_session.add(south_partner)
    db_session.commit()
    as_(client, world, "trainer")
    form = course_form(world, led_by_id=str(world.people["south-trainer"].id), partner_ids=[str(south_partner.id)])
    page = post_form(client, "/courses/new", form)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Choose who leads the course" in text and "Choose partners from the list" in text
    assert "South Trainer" not in text and "South Vale Library" not in text


def test_courses_of_another_service_are_not_found(client, world, db_session):
    south = Course(service_id=world.south.id, title="South course", starts_on=london_today())
    db_session.add(south)
    db_session.commit()
    as_(client, world, "manager")
    assert client.get(f"/courses/{south.id}").status_code == 404
    assert client.get(f"/courses/{south.id}/sessions/new").status_code == 404
    assert "South course" not in client.get("/courses").get_data(as_text=True)


def test_the_course_list_counts_sessions_held_and_people(client, world, db_session):
    held = world.events["course-session"]
    held.reached = 9
    held.starts_at, held.ends_at = held.starts_at - timedelta(days=1), held.ends_at - timedelta(days=1)
    planned = Event(
        uuid="7d1c1c4e-0b7a-4c62-9a53-5f0f3b1c2d01",
        service_id=world.north.id,
        event_type="group_course_session",
        title="Healthy eating on a budget: session 2",
        starts_at=held.starts_at + timedelta(days=8),
        ends_at=held.ends_at + timedelta(days=8),
        course_id=world.courses["north"].id,
        course_session_number=2,
    )
    db_session.add_all([held, planned])
    db_session.commit()
    as_(client, world, "champion")
    page = client.get("/courses").get_data(as_text=True)
    assert "Healthy eating on a budget" in page
    assert "Sessions held: 1 of 5 planned" in page
    assert "People at sessions: 9" in page


# --- Sessions -----------------------------------------------------------------------------------


def test_sessions_are_numbered_and_take_the_course_defaults(client, world, db_session):
    course = world.courses["north"]
    course.venue, course.postcode, course.topics = "Millbrook Community Centre", "FE1 2AB", ["diet", "exercise"]
    db_session.add(course)
    db_session.commit()
    as_(client, world, "trainee")
    form_page = client.get(f"/courses/{course.id}/sessions/new").get_data(as_text=True)
    assert "Add session 2" in form_page
    assert 'value="Millbrook Community Centre"' in form_page and 'value="FE1 2AB"' in form_page
    # The default day is a week after the first: sessions are weekly.
    assert f'value="{(course.starts_on + timedelta(weeks=1)).isoformat()}"' in form_page

    day = london_today() + timedelta(days=7)
    response = post_form(
        client,
        f"/courses/{course.id}/sessions/new",
        session_form(on_date=day.isoformat(), venue="Millbrook Community Centre", postcode="FE1 2AB"),
    )
    assert response.status_code == 302
    post_form(client, f"/courses/{course.id}/sessions/new", session_form(on_date=day.isoformat()))
    sessions = db_session.exec(
        select(Event).where(Event.course_id == course.id).order_by(Event.course_session_number)
    ).all()
    assert [event.course_session_number for event in sessions] == [1, 2, 3]
    second = sessions[1]
    assert second.title == "Healthy eating on a budget: session 2"
    assert second.event_type == "group_course_session"
    assert second.service_id == world.north.id
    assert second.topics == ["diet", "exercise"]
    assert second.venue == "Millbrook Community Centre" and second.postcode == "FE1 2AB"
    assert second.postcode_district == "FE1"
    assert second.created_by_id == world.people["trainee"].id
    assert len(second.uuid) == 36 and second.uuid != sessions[2].uuid
    starts = to_london(second.starts_at)
    assert (starts.date(), starts.time()) == (day, time(10, 0))
    assert to_london(second.ends_at).time() == time(11, 30)
    workers = db_session.exec(select(EventWorker).where(EventWorker.event_id == second.id)).all()
    assert [(worker.person_id, worker.hours) for worker in workers] == [(world.people["trainee"].id, 1.5)]
    assert sessions[2].title.endswith("session 3")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts": "11:00", "ends": "10:00"}, "The end must be after the start"),
        ({"starts": "10:00", "ends": "10:00"}, "The end must be after the start"),
        ({"starts": "", "ends": "10:00"}, "Write the time it starts"),
        ({"on_date": "2025-02-30"}, "Choose the day of the session"),
        ({"postcode": "XX"}, "does not look like a UK postcode"),
    ],
)
def test_a_bad_session_is_refused(client, world, db_session, changes, message):
    course = world.courses["north"]
    as_(client, world, "trainer")
    response = post_form(client, f"/courses/{course.id}/sessions/new", session_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(db_session.exec(select(Event).where(Event.course_id == course.id)).all()) == 1


def test_the_course_page_lists_sessions_with_registered_people_as_part_of_everyone(client, world, db_session):
    event = world.events["course-session"]
    event.reached = 7
    db_session.add(event)
    db_session.add(CourseAttendance(event_id=event.id, client_id=world.clients["own"].id))
    db_session.commit()
    as_(client, world, "champion")
    page = client.get(f"/courses/{world.courses['north'].id}").get_data(as_text=True)
    assert "Registered clients who came are part of that number" in page
    assert "<td>7</td>\n    <td>1</td>\n    <td>6</td>" in page
    assert "Add a session" in page
    # Champions count people; they never tick clients.
    assert "/attendance" not in page
    assert "Casey Client" not in page


def test_next_session_number_and_title_rules():
    assert rules.next_session_number([]) == 1
    assert rules.next_session_number([1, None, 4, 2]) == 5
    assert rules.suggested_day(date(2026, 1, 5), 3) == date(2026, 1, 19)
    assert len(rules.session_title("x" * 120, 12)) == 120
    assert rules.session_title("x" * 120, 12).endswith(": session 12")


# --- Who came -----------------------------------------------------------------------------------


def attendance_rows(db_session, event):
    db_session.expire_all()
    rows = db_session.exec(select(CourseAttendance).where(CourseAttendance.event_id == event.id)).all()
    return {row.client_id for row in rows}


def attendance_audits(db_session):
    return [
        (audit.client_id, audit.detail, audit.actor_role)
        for audit in db_session.exec(
            select(AuditEvent).where(AuditEvent.action == "record_attendance").order_by(AuditEvent.id)
        ).all()
    ]


def test_a_trainer_ticks_who_came_and_counts_the_others(client, world, db_session):
    event, own = world.events["course-session"], world.clients["own"]
    as_(client, world, "trainer")
    page = client.get(f"/events/{event.id}/attendance")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Casey Client" in text
    assert "Olly Other" not in text and "Tia Trainee-Case" not in text and "Sid South" not in text

    response = post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(own.id)], "others": "4"})
    assert response.status_code == 302
    assert attendance_rows(db_session, event) == {own.id}
    assert db_session.get(Event, event.id).reached == 5
    assert attendance_audits(db_session) == [(own.id, f"came to event {event.id}", "trainer")]

    # Saving again with the same ticks changes nothing and audits nothing more.
    post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(own.id)], "others": "4"})
    assert len(attendance_audits(db_session)) == 1

    # Unticking replaces the rows: the client is gone, and that is audited too.
    post_form(client, f"/events/{event.id}/attendance", {"others": "6"})
    assert attendance_rows(db_session, event) == set()
    assert db_session.get(Event, event.id).reached == 6
    assert attendance_audits(db_session)[-1] == (own.id, f"not at event {event.id}", "trainer")


def test_the_form_shows_ticked_clients_first_and_the_others_counted(client, world, db_session):
    event = world.events["course-session"]
    extra = Client(service_id=world.north.id, trainer_id=world.people["trainer"].id, full_name="Aaron Able")
    db_session.add(extra)
    db_session.commit()
    event.reached = 5
    db_session.add(event)
    db_session.add(CourseAttendance(event_id=event.id, client_id=world.clients["own"].id))
    db_session.commit()
    as_(client, world, "trainer")
    text = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    # Alphabetically Aaron comes first, but Casey is already ticked.
    assert text.index("Casey Client") < text.index("Aaron Able")
    assert f'value="{world.clients["own"].id}" checked' in text
    assert 'name="others" type="number"' in text and 'value="4"' in text


def test_a_trainer_keeps_other_caseloads_ticks_when_saving(client, world, db_session):
    event, own, other = world.events["course-session"], world.clients["own"], world.clients["other-caseload"]
    db_session.add(CourseAttendance(event_id=event.id, client_id=other.id))
    event.reached = 3
    db_session.add(event)
    db_session.commit()
    as_(client, world, "trainer")
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Also 1 registered client from other caseloads" in page and "Olly Other" not in page
    post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(own.id)], "others": "2"})
    assert attendance_rows(db_session, event) == {own.id, other.id}
    assert db_session.get(Event, event.id).reached == 4


def test_a_client_of_another_caseload_cannot_be_ticked_by_a_trainer(client, world, db_session):
    event = world.events["course-session"]
    as_(client, world, "trainer")
    for key in ("other-caseload", "south"):
        response = post_form(
            client, f"/events/{event.id}/attendance", {"client_id": [str(world.clients[key].id)], "others": "1"}
        )
        assert response.status_code == 422
        assert "Tick only people from the list" in response.get_data(as_text=True)
    assert attendance_rows(db_session, event) == set()
    assert db_session.get(Event, event.id).reached == 0
    assert attendance_audits(db_session) == []


def test_a_manager_ticks_anyone_in_the_service(client, world, db_session):
    event = world.events["course-session"]
    ids = [world.clients["own"].id, world.clients["other-caseload"].id, world.clients["trainee-own"].id]
    as_(client, world, "manager")
    response = post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(i) for i in ids], "others": ""})
    assert response.status_code == 302
    assert attendance_rows(db_session, event) == set(ids)
    assert db_session.get(Event, event.id).reached == 3
    assert {row[0] for row in attendance_audits(db_session)} == set(ids)


@pytest.mark.parametrize("others", ["-1", "two", "1.5", "1001"])
def test_a_bad_count_of_others_saves_nothing(client, world, db_session, others):
    event, own = world.events["course-session"], world.clients["own"]
    as_(client, world, "trainer")
    response = post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(own.id)], "others": others})
    assert response.status_code == 422
    assert "Write a whole number from 0 to 1000" in response.get_data(as_text=True)
    assert attendance_rows(db_session, event) == set()
    assert attendance_audits(db_session) == []


def test_champions_never_tick_clients(client, world):
    event = world.events["course-session"]
    as_(client, world, "champion")
    assert client.get(f"/events/{event.id}/attendance").status_code == 403
    response = post_form(client, f"/events/{event.id}/attendance", {"client_id": [str(world.clients["own"].id)]})
    assert response.status_code == 403


def test_attendance_is_only_for_course_sessions_of_the_service(client, world):
    as_(client, world, "trainer")
    assert client.get(f"/events/{world.events['trainer'].id}/attendance").status_code == 404
    assert client.get(f"/events/{world.events['south'].id}/attendance").status_code == 404
    assert client.get("/events/999999/attendance").status_code == 404


def test_the_event_page_shows_the_course_and_counts(client, world, db_session):
    event = world.events["course-session"]
    event.reached = 6
    db_session.add(event)
    db_session.add(CourseAttendance(event_id=event.id, client_id=world.clients["own"].id))
    db_session.commit()
    as_(client, world, "trainer")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Healthy eating on a budget" in page
    assert "Who came: 6 people. Of them, 1 registered client and 5 others." in page
    assert f"/events/{event.id}/attendance" in page
