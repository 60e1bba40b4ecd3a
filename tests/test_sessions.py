"""Sessions and contacts: planning, recording, numbering, London time, refusals and access."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Contact, Episode, Goal, SupportSession
from pwa.caseload.session_rules import (
    beyond_agreed_warning,
    check_plan,
    check_record,
    london_to_utc,
    number_for,
    number_sessions,
    summarise_sessions,
)
from pwa.clock import london_today, to_london, utcnow
from tests.conftest import act_as, post_form


@pytest.fixture
def as_trainer(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    return client


def own_episode(db_session, world) -> Episode:
    return db_session.exec(select(Episode).where(Episode.client_id == world.clients["own"].id)).one()


def start_episode(db_session, client, **fields) -> Episode:
    """An open episode for a client of the world that has none."""
    episode = Episode(
        service_id=client.service_id, client_id=client.id, started_on=london_today() - timedelta(days=30), **fields
    )
    db_session.add(episode)
    db_session.commit()
    return episode


def add_session(db_session, episode, *, days_ago=3, status="attended", **fields) -> SupportSession:
    support = SupportSession(
        service_id=episode.service_id,
        client_id=episode.client_id,
        episode_id=episode.id,
        starts_at=utcnow() - timedelta(days=days_ago),
        status=status,
        minutes=45 if status == "attended" else None,
        **fields,
    )
    db_session.add(support)
    db_session.commit()
    return support


def sessions_of(db_session, client) -> list[SupportSession]:
    db_session.expire_all()
    return list(
        db_session.exec(
            select(SupportSession).where(SupportSession.client_id == client.id).order_by(SupportSession.id)
        ).all()
    )


def audits(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def plan_form(**changes) -> dict:
    return {
        "date": (london_today() + timedelta(days=7)).isoformat(),
        "time": "10:30",
        "mode": "face_to_face",
        "venue": "Library, Station Road",
        **changes,
    }


def record_form(**changes) -> dict:
    return {
        "status": "attended",
        "date": (london_today() - timedelta(days=1)).isoformat(),
        "time": "14:00",
        "mode": "face_to_face",
        "venue": "Library, Station Road",
        "minutes": "45",
        "notes": "Talked about walking.\nShe walked on 3 days.",
        "agreed_actions": "Walk on 4 days",
        **changes,
    }


def next_date_in(month: int, day: int) -> date:
    """The next such date after today (within a year)."""
    today = london_today()
    candidate = date(today.year, month, day)
    return candidate if candidate > today else date(today.year + 1, month, day)


# --- Rules without HTTP ------------------------------------------------------------------------


def test_london_time_is_stored_as_utc_across_clock_changes():
    assert london_to_utc(date(2025, 7, 1), time(10, 0)) == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert london_to_utc(date(2025, 1, 15), time(10, 0)) == datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    # Clocks go forward on 30 March 2025: 10:00 is already summer time, 01:30 never happens.
    assert london_to_utc(date(2025, 3, 30), time(10, 0)) == datetime(2025, 3, 30, 9, 0, tzinfo=UTC)
    assert london_to_utc(date(2025, 3, 30), time(1, 30)) is None
    assert london_to_utc(date(2025, 3, 30), time(0, 30)) == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    # Clocks go back on 26 October 2025: 01:30 happens twice (the first, summer time, is taken).
    assert london_to_utc(date(2025, 10, 26), time(1, 30)) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert london_to_utc(date(2025, 10, 26), time(10, 0)) == datetime(2025, 10, 26, 10, 0, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_explained():
    checked = check_plan(plan_form(date="2025-03-30", time="01:30"), today=date(2025, 3, 1))
    assert "clocks go forward" in checked.errors["time"]
    assert check_plan(plan_form(date="2025-03-30", time="10:00"), today=date(2025, 3, 1)).ok


def test_time_can_be_typed_with_a_dot_but_not_out_of_range():
    today = date(2025, 3, 1)
    assert check_plan(plan_form(date="2025-03-10", time="9.15"), today=today).values["starts_at"] == datetime(
        2025, 3, 10, 9, 15, tzinfo=UTC
    )
    assert "time" in check_plan(plan_form(date="2025-03-10", time="24:00"), today=today).errors
    assert "time" in check_plan(plan_form(date="2025-03-10", time="noon"), today=today).errors


def test_goals_reviewed_must_be_the_clients_goals():
    checked = check_record(record_form(goals_reviewed=["7", "9"]), today=london_today(), goal_ids=[7])
    assert checked.errors == {"goals_reviewed": "Choose from this client's goals."}
    checked = check_record(record_form(goals_reviewed=["7"]), today=london_today(), goal_ids=[7])
    assert checked.ok and checked.values["goals_reviewed"] == [7]


class FakeSession:
    def __init__(self, id, days, status="attended"):
        self.id, self.status = id, status
        self.starts_at = datetime(2025, 5, 1, 10, tzinfo=UTC) + timedelta(days=days)


def test_only_sessions_that_took_place_are_numbered_in_time_order():
    sessions = [
        FakeSession(1, 14),
        FakeSession(2, 0),
        FakeSession(3, 7, "did_not_attend"),
        FakeSession(4, 21, "planned"),
    ]
    assert number_sessions(sessions) == {2: 1, 1: 2}
    assert number_for(sessions, sessions[3].starts_at, exclude_id=4) == 3
    assert number_for(sessions, sessions[0].starts_at, exclude_id=1) == 2

    class Plan:
        sessions_planned = 6

    summary = summarise_sessions(Plan(), sessions, now=datetime(2025, 5, 10, tzinfo=UTC))
    assert (summary.attended, summary.planned, summary.next_session.id, summary.next_number) == (2, 6, 4, 3)
    assert not summary.next_is_past


def test_warning_past_the_agreed_number_of_sessions():
    assert beyond_agreed_warning(6, 6) is None
    assert beyond_agreed_warning(7, 6) == "This is session 7. You agreed 6. That is fine, up to 12 is usual."
    assert "Most plans end by session 12" in beyond_agreed_warning(13, 6)


# --- Planning -----------------------------------------------------------------------------------


def test_trainer_plans_a_session(as_trainer, world, db_session):
    own = world.clients["own"]
    assert as_trainer.get(f"/clients/{own.id}/sessions/plan").status_code == 200
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/plan", plan_form())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/{own.id}#sessions")
    [support] = sessions_of(db_session, own)
    assert (support.status, support.venue, support.mode) == ("planned", "Library, Station Road", "face_to_face")
    assert support.episode_id == own_episode(db_session, world).id
    assert support.trainer_id == world.people["trainer"].id and support.recorded_at is None
    [event] = audits(db_session, "plan_session")
    assert event.client_id == own.id and event.actor_id == world.people["trainer"].id
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Next: session 1 of 6" in page and "Library, Station Road" in page
    assert f"/clients/{own.id}/sessions/record?session={support.id}" in page
    assert "Plan a session" in page and "Record a contact" in page


def test_session_time_is_london_time_stored_as_utc(as_trainer, world, db_session):
    own = world.clients["own"]
    summer, winter = next_date_in(7, 1), next_date_in(1, 15)
    post_form(as_trainer, f"/clients/{own.id}/sessions/plan", plan_form(date=summer.isoformat(), time="10:00"))
    post_form(as_trainer, f"/clients/{own.id}/sessions/plan", plan_form(date=winter.isoformat(), time="10:00"))
    stored = {s.starts_at.date(): s.starts_at for s in sessions_of(db_session, own)}
    assert stored[summer].astimezone(UTC).replace(tzinfo=None) == datetime.combine(summer, time(9, 0))
    assert stored[winter].astimezone(UTC).replace(tzinfo=None) == datetime.combine(winter, time(10, 0))
    # Shown back in London time.
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert f"{summer.day} {summer:%B %Y} at 10:00" in page and f"{winter.day} {winter:%B %Y} at 10:00" in page


def test_plan_form_offers_a_week_after_the_last_session(as_trainer, world, db_session):
    own = world.clients["own"]
    last = add_session(db_session, own_episode(db_session, world), days_ago=2, venue="Church hall", mode="group")
    page = as_trainer.get(f"/clients/{own.id}/sessions/plan").get_data(as_text=True)
    expected = to_london(last.starts_at).date() + timedelta(days=7)
    assert f'value="{expected.isoformat()}"' in page and f'value="{to_london(last.starts_at):%H:%M}"' in page
    assert 'value="Church hall"' in page and 'value="group" checked' in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"date": ""}, "date", "Choose the day"),
        ({"date": "2025-02-30"}, "date", "Choose the day"),
        ({"date": (london_today() + timedelta(days=400)).isoformat()}, "date", "up to a year ahead"),
        ({"date": (london_today() - timedelta(days=60)).isoformat()}, "date", "before this plan started"),
        ({"time": ""}, "time", "like 10:30"),
        ({"time": "25:00"}, "time", "like 10:30"),
        ({"mode": "carrier_pigeon"}, "mode", "how you will meet"),
        ({"venue": ""}, "venue", "Say where you will meet"),
        ({"venue": "x" * 121}, "venue", "under 120"),
    ],
)
def test_bad_plan_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    own = world.clients["own"]
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/plan", plan_form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert sessions_of(db_session, own) == [] and audits(db_session, "plan_session") == []


def test_phone_session_needs_no_venue_and_past_days_are_allowed(as_trainer, world, db_session):
    own = world.clients["own"]
    yesterday = (london_today() - timedelta(days=1)).isoformat()
    response = post_form(
        as_trainer, f"/clients/{own.id}/sessions/plan", plan_form(mode="phone", venue="", date=yesterday)
    )
    assert response.status_code == 302
    assert sessions_of(db_session, own)[0].mode == "phone"


# --- Recording ----------------------------------------------------------------------------------


def test_trainer_records_a_planned_session(as_trainer, world, db_session):
    own, goal = world.clients["own"], world.goals["own"]
    planned = add_session(db_session, own_episode(db_session, world), days_ago=1, status="planned", venue="Library")
    url = f"/clients/{own.id}/sessions/record?session={planned.id}"
    form = as_trainer.get(url).get_data(as_text=True)
    assert "this is session 1 of 6" in form and 'value="Library"' in form and goal.wording in form
    response = post_form(as_trainer, url, record_form(goals_reviewed=[str(goal.id)]))
    assert response.status_code == 302
    [stored] = sessions_of(db_session, own)
    assert (stored.id, stored.status, stored.minutes, stored.goals_reviewed) == (planned.id, "attended", 45, [goal.id])
    assert stored.notes == "Talked about walking.\nShe walked on 3 days." and stored.agreed_actions == "Walk on 4 days"
    assert stored.recorded_by_id == world.people["trainer"].id and stored.recorded_at is not None
    assert [e.detail for e in audits(db_session, "record_session")] == [f"session {planned.id}: attended"]
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Session 1" in page and "Talked about walking." in page and "She walked on 3 days" not in page
    assert "1 of 6 agreed sessions done" in page and f"Goals looked at: {goal.wording}" in page


def test_a_session_can_be_recorded_straight_away(as_trainer, world, db_session):
    own = world.clients["own"]
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/record", record_form(mode="phone", venue=""))
    assert response.status_code == 302
    [stored] = sessions_of(db_session, own)
    assert stored.status == "attended" and stored.recorded_at is not None and stored.mode == "phone"
    assert len(audits(db_session, "record_session")) == 1


def test_did_not_attend_needs_no_minutes_and_reviews_no_goals(as_trainer, world, db_session):
    own, goal = world.clients["own"], world.goals["own"]
    form = record_form(status="did_not_attend", minutes="", goals_reviewed=[str(goal.id)])
    assert post_form(as_trainer, f"/clients/{own.id}/sessions/record", form).status_code == 302
    [stored] = sessions_of(db_session, own)
    assert (stored.status, stored.minutes, stored.goals_reviewed) == ("did_not_attend", None, [])


def test_a_future_session_can_be_cancelled_but_not_attended(as_trainer, world, db_session):
    own = world.clients["own"]
    soon = (london_today() + timedelta(days=3)).isoformat()
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/record", record_form(date=soon))
    assert response.status_code == 422 and "still to come" in response.get_data(as_text=True)
    form = record_form(date=soon, status="cancelled", minutes="", notes="Client is ill")
    assert post_form(as_trainer, f"/clients/{own.id}/sessions/record", form).status_code == 302
    assert [s.status for s in sessions_of(db_session, own)] == ["cancelled"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"status": ""}, "status", "Choose what happened"),
        ({"status": "planned"}, "status", "Choose what happened"),
        ({"minutes": ""}, "minutes", "from 1 to 240"),
        ({"minutes": "0"}, "minutes", "from 1 to 240"),
        ({"minutes": "241"}, "minutes", "from 1 to 240"),
        ({"minutes": "forty"}, "minutes", "from 1 to 240"),
        ({"minutes": "\u00b2"}, "minutes", "from 1 to 240"),
        ({"goals_reviewed": ["999999"]}, "goals_reviewed", "this client&#39;s goals"),
        ({"goals_reviewed": ["abc"]}, "goals_reviewed", "this client&#39;s goals"),
        ({"goals_reviewed": ["\u00b2", "99999999999999999999"]}, "goals_reviewed", "this client&#39;s goals"),
        ({"notes": "x" * 2001}, "notes", "under 2000"),
        ({"agreed_actions": "x" * 1001}, "agreed_actions", "under 1000"),
        ({"time": ""}, "time", "like 10:30"),
    ],
)
def test_bad_record_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    own = world.clients["own"]
    planned = add_session(db_session, own_episode(db_session, world), days_ago=1, status="planned", venue="Library")
    url = f"/clients/{own.id}/sessions/record?session={planned.id}"
    response = post_form(as_trainer, url, record_form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    [stored] = sessions_of(db_session, own)
    assert stored.status == "planned" and stored.recorded_at is None and stored.notes == ""
    assert audits(db_session, "record_session") == []


def test_goal_of_another_client_cannot_be_ticked(as_trainer, world, db_session):
    other = world.clients["other-caseload"]
    episode = start_episode(db_session, other)
    from models import Plan

    plan = Plan(service_id=other.service_id, client_id=other.id, episode_id=episode.id, agreed_on=episode.started_on)
    db_session.add(plan)
    db_session.flush()
    foreign = Goal(
        service_id=other.service_id,
        client_id=other.id,
        plan_id=plan.id,
        code="smoking-stop",
        wording="Stop smoking",
        start_date=episode.started_on,
        review_date=london_today(),
    )
    db_session.add(foreign)
    db_session.commit()
    own = world.clients["own"]
    response = post_form(
        as_trainer, f"/clients/{own.id}/sessions/record", record_form(goals_reviewed=[str(foreign.id)])
    )
    assert response.status_code == 422 and sessions_of(db_session, own) == []


def test_editing_a_recorded_session_keeps_who_recorded_it(as_trainer, world, db_session):
    own = world.clients["own"]
    post_form(as_trainer, f"/clients/{own.id}/sessions/record", record_form(notes="Talked abut walking"))
    [first] = sessions_of(db_session, own)
    recorded_at, updated_at = first.recorded_at, first.updated_at
    url = f"/clients/{own.id}/sessions/record?session={first.id}"
    form = as_trainer.get(url).get_data(as_text=True)
    assert "Change a session" in form and "Talked abut walking" in form
    assert post_form(as_trainer, url, record_form(notes="Talked about walking")).status_code == 302
    [edited] = sessions_of(db_session, own)
    assert edited.notes == "Talked about walking" and edited.recorded_at == recorded_at
    assert edited.updated_at > updated_at
    assert len(audits(db_session, "edit_session")) == 1 and len(audits(db_session, "record_session")) == 1
    assert len(audits(db_session, "view_session")) == 1


def test_recording_past_the_agreed_number_warns_but_saves(as_trainer, world, db_session):
    own = world.clients["own"]
    episode = own_episode(db_session, world)
    episode.sessions_planned = 2
    db_session.add(episode)
    db_session.commit()
    for days_ago in (10, 5):
        add_session(db_session, episode, days_ago=days_ago)
    form_page = as_trainer.get(f"/clients/{own.id}/sessions/record").get_data(as_text=True)
    assert "This is session 3. You agreed 2. That is fine, up to 12 is usual." in form_page
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/record", record_form(), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This is session 3. You agreed 2. That is fine, up to 12 is usual." in page
    assert "3 of 2 agreed sessions done" in page
    assert len(sessions_of(db_session, own)) == 3


def test_no_warning_within_the_agreed_number(as_trainer, world, db_session):
    own = world.clients["own"]
    response = post_form(as_trainer, f"/clients/{own.id}/sessions/record", record_form(), follow_redirects=True)
    assert "You agreed" not in response.get_data(as_text=True)


def test_measures_taken_link_to_the_measures_page(app, as_trainer, world, db_session):
    assert "journey.measures" in app.view_functions
    own = world.clients["own"]
    support = add_session(db_session, own_episode(db_session, world))
    link = f"/clients/{own.id}/measures?stage=review&amp;session_id={support.id}"
    assert link in as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert link in as_trainer.get(f"/clients/{own.id}/sessions/record?session={support.id}").get_data(as_text=True)
    assert as_trainer.get(link.replace("&amp;", "&")).status_code == 200


# --- Refusals and reach -------------------------------------------------------------------------


def test_no_open_episode_is_refused_in_plain_words(client, world, db_session):
    act_as(client, world.people["trainee"], world.grants["trainee"])
    case = world.clients["trainee-own"]
    for path, form in [
        (f"/clients/{case.id}/sessions/plan", plan_form()),
        (f"/clients/{case.id}/sessions/record", record_form()),
        (
            f"/clients/{case.id}/contacts/new",
            {"contact_on": london_today().isoformat(), "kind": "call", "outcome": "Ok"},
        ),
    ]:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/{case.id}#sessions")
        page = post_form(client, path, form, follow_redirects=True).get_data(as_text=True)
        assert "no open plan" in page
    assert sessions_of(db_session, case) == []
    assert db_session.exec(select(Contact)).all() == []


def test_paused_plan_must_be_resumed_first_but_contacts_are_fine(as_trainer, world, db_session):
    own = world.clients["own"]
    episode = own_episode(db_session, world)
    episode.paused_on = london_today()
    db_session.add(episode)
    db_session.commit()
    page = post_form(as_trainer, f"/clients/{own.id}/sessions/plan", plan_form(), follow_redirects=True)
    assert "Resume the plan first" in page.get_data(as_text=True)
    assert as_trainer.get(f"/clients/{own.id}/sessions/record").status_code == 302
    assert sessions_of(db_session, own) == []
    contact = {"contact_on": london_today().isoformat(), "kind": "call", "outcome": "Still ill, will call next week"}
    assert post_form(as_trainer, f"/clients/{own.id}/contacts/new", contact).status_code == 302
    record = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Resume the plan first" in record and "Plan a session" not in record


def test_another_clients_session_is_not_found(as_trainer, world, db_session):
    own, other = world.clients["own"], world.clients["other-caseload"]
    foreign = add_session(db_session, start_episode(db_session, other), status="planned")
    for query in (
        f"session={foreign.id}",
        "session=abc",
        "session=999999",
        "session=99999999999999999999",
        "session=%C2%B2",
    ):
        url = f"/clients/{own.id}/sessions/record?{query}"
        assert as_trainer.get(url).status_code == 404
        assert post_form(as_trainer, url, record_form()).status_code == 404
    db_session.expire_all()
    assert db_session.get(SupportSession, foreign.id).status == "planned"
    assert sessions_of(db_session, own) == []


def test_session_of_an_earlier_episode_cannot_be_changed(as_trainer, world, db_session):
    own = world.clients["own"]
    current = own_episode(db_session, world)
    old = Episode(
        service_id=own.service_id,
        client_id=own.id,
        started_on=london_today() - timedelta(days=400),
        ended_on=london_today() - timedelta(days=300),
    )
    db_session.add(old)
    db_session.commit()
    earlier = add_session(db_session, old, days_ago=350)
    response = as_trainer.get(f"/clients/{own.id}/sessions/record?session={earlier.id}", follow_redirects=True)
    assert "earlier plan" in response.get_data(as_text=True)
    assert current.id != old.id


@pytest.mark.parametrize(
    "actor, client_key, expected",
    [
        ("other-trainer", "own", 403),
        ("south-trainer", "own", 404),
        ("champion", "own", 403),
        ("manager", "own", 403),
        ("client", "own", 403),
    ],
)
def test_who_may_not_record_sessions(client, world, db_session, actor, client_key, expected):
    act_as(client, world.people[actor], world.grants[actor])
    case = world.clients[client_key]
    for path, form in [
        (f"/clients/{case.id}/sessions/plan", plan_form()),
        (f"/clients/{case.id}/sessions/record", record_form()),
        (
            f"/clients/{case.id}/contacts/new",
            {"contact_on": london_today().isoformat(), "kind": "call", "outcome": "x"},
        ),
    ]:
        assert client.get(path).status_code == expected
        assert post_form(client, path, form).status_code == expected
    assert sessions_of(db_session, case) == [] and db_session.exec(select(Contact)).all() == []


def test_trainee_records_sessions_even_when_supervised(client, world, db_session):
    world.north.trainee_mode = "supervised"
    db_session.add(world.north)
    db_session.commit()
    case = world.clients["trainee-own"]
    start_episode(db_session, case)
    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert post_form(client, f"/clients/{case.id}/sessions/plan", plan_form()).status_code == 302
    assert post_form(client, f"/clients/{case.id}/sessions/record", record_form()).status_code == 302
    assert [s.status for s in sessions_of(db_session, case)] == ["planned", "attended"]
    assert [e.actor_role for e in audits(db_session, "record_session")] == ["trainee"]


def test_manager_sees_sessions_without_buttons(client, world, db_session):
    own = world.clients["own"]
    add_session(db_session, own_episode(db_session, world), notes="Good session")
    act_as(client, world.people["manager"], world.grants["manager"])
    page = client.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Session 1" in page and "Good session" in page
    assert "Plan a session" not in page and "Record a contact" not in page


# --- Contacts -----------------------------------------------------------------------------------


def test_trainer_records_a_contact(as_trainer, world, db_session):
    own = world.clients["own"]
    assert as_trainer.get(f"/clients/{own.id}/contacts/new").status_code == 200
    form = {
        "contact_on": london_today().isoformat(),
        "kind": "accompanied_visit",
        "outcome": "Went to the gym with him",
    }
    assert post_form(as_trainer, f"/clients/{own.id}/contacts/new", form).status_code == 302
    [contact] = db_session.exec(select(Contact)).all()
    assert (contact.kind, contact.outcome, contact.by_id) == (
        "accompanied_visit",
        "Went to the gym with him",
        world.people["trainer"].id,
    )
    assert contact.episode_id == own_episode(db_session, world).id and contact.client_id == own.id
    assert [e.client_id for e in audits(db_session, "record_contact")] == [own.id]
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Went to the gym with him" in page and "Went with them to a class, group or the GP" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"contact_on": ""}, "contact_on", "Choose the day"),
        ({"contact_on": (london_today() + timedelta(days=1)).isoformat()}, "contact_on", "cannot be in the future"),
        ({"contact_on": (london_today() - timedelta(days=90)).isoformat()}, "contact_on", "before this plan started"),
        ({"kind": "telegram"}, "kind", "what kind of contact"),
        ({"outcome": "  "}, "outcome", "what came of it"),
        ({"outcome": "x" * 501}, "outcome", "under 500"),
    ],
)
def test_bad_contact_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    own = world.clients["own"]
    form = {"contact_on": london_today().isoformat(), "kind": "text", "outcome": "Reminded her", **changes}
    response = post_form(as_trainer, f"/clients/{own.id}/contacts/new", form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert db_session.exec(select(Contact)).all() == [] and audits(db_session, "record_contact") == []
