"""Stories: written from an event or a client's record, shared only with consent and only anonymised."""

from datetime import timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Story
from pwa.clock import london_today
from pwa.community.story_rules import check_story, name_parts, names_found
from tests.conftest import act_as, post_form


def as_(client, world, who):
    act_as(client, world.people[who], world.grants[who])


def story_form(**changes):
    form = {
        "kind": "client",
        "title": "Back on the bike",
        "what_happened": "Casey came to the stall and joined the cycling group.",
        "what_changed": "Cycles to work three days a week.",
        "consent_to_share": "yes",
        "consent_on": london_today().isoformat(),
        "anonymised_text": "A local parent joined a cycling group and now cycles to work.",
    }
    form.update(changes)
    return form


def stories_titled(db_session, title):
    db_session.expire_all()
    return db_session.exec(select(Story).where(Story.title == title)).all()


# --- The rules ------------------------------------------------------------------------------------


def test_consent_needs_a_day_and_an_anonymised_text():
    checked = check_story(story_form(consent_on="", anonymised_text=""), today=london_today())
    assert set(checked.errors) == {"consent_on", "anonymised_text"}
    future = (london_today() + timedelta(days=1)).isoformat()
    assert "future" in check_story(story_form(consent_on=future), today=london_today()).errors["consent_on"]


def test_without_consent_no_day_or_anonymised_text_is_needed():
    checked = check_story(
        story_form(consent_to_share="no", consent_on="2020-01-01", anonymised_text=""), today=london_today()
    )
    assert checked.ok
    assert checked.values["consent_to_share"] is False and checked.values["consent_on"] is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("kind", "neighbour", "Choose whose story it is"),
        ("title", "  ", "Give the story a short name"),
        ("what_happened", "", "Say what happened"),
        ("consent_to_share", "", "Choose yes or no"),
        ("what_changed", "x" * 2001, "Keep this under 2000 letters"),
    ],
)
def test_bad_stories_are_refused(field, value, message):
    checked = check_story(story_form(**{field: value}), today=london_today())
    assert message in checked.errors[field]


def test_the_client_name_is_found_in_any_case_as_a_whole_word():
    assert name_parts("Casey Ann Client") == ["Casey", "Client"]
    assert names_found("We met CASEY at the park.", "Casey Client") == ["Casey"]
    assert names_found("client said it helped", "Casey Client") == ["Client"]
    assert names_found("Caseys and clientele", "Casey Client") == []
    checked = check_story(
        story_form(anonymised_text="casey now cycles."), today=london_today(), client_name="Casey Client"
    )
    assert not checked.ok and "'Casey'" in checked.warnings["anonymised_text"]
    fine = check_story(
        story_form(anonymised_text="casey now cycles.", names_checked="yes"),
        today=london_today(),
        client_name="Casey Client",
    )
    assert fine.ok


# --- Writing --------------------------------------------------------------------------------------


def test_a_champion_adds_a_story_to_their_event(client, world, db_session):
    event = world.events["north"]
    as_(client, world, "champion")
    page = client.get(f"/stories/new?event_id={event.id}")
    assert page.status_code == 200 and "Write it so nobody can tell who it is about" in page.get_data(as_text=True)
    response = post_form(client, f"/stories/new?event_id={event.id}", story_form(kind="worker"))
    assert response.status_code == 302
    [story] = stories_titled(db_session, "Back on the bike")
    assert (story.event_id, story.client_id, story.service_id) == (event.id, None, world.north.id)
    assert story.written_by_id == world.people["champion"].id
    assert story.consent_to_share is True and story.consent_on == london_today()
    assert "Back on the bike" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_story_with_consent_but_no_day_or_text_saves_nothing(client, world, db_session):
    as_(client, world, "champion")
    response = post_form(
        client, f"/stories/new?event_id={world.events['north'].id}", story_form(consent_on="", anonymised_text="")
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Write the day they said yes" in text and "Write the story so nobody can tell who it is about" in text
    assert stories_titled(db_session, "Back on the bike") == []


def test_a_story_for_a_client_warns_about_their_name_and_is_audited(client, world, db_session):
    own = world.clients["own"]
    as_(client, world, "trainer")
    named = story_form(anonymised_text="Casey joined a cycling group.")
    response = post_form(client, f"/stories/new?client_id={own.id}", named)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "This has the name &#39;Casey&#39; in it" in text and 'name="names_checked"' in text
    assert stories_titled(db_session, "Back on the bike") == []

    response = post_form(client, f"/stories/new?client_id={own.id}", {**named, "names_checked": "yes"})
    assert response.status_code == 302
    [story] = stories_titled(db_session, "Back on the bike")
    assert (story.client_id, story.event_id) == (own.id, None)
    audits = db_session.exec(select(AuditEvent).where(AuditEvent.action == "add_story")).all()
    assert [(audit.client_id, audit.actor_id) for audit in audits] == [(own.id, world.people["trainer"].id)]
    record = client.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Back on the bike" in record and f"/stories/new?client_id={own.id}" in record


def test_a_champion_may_not_attach_a_story_to_a_client(client, world, db_session):
    own = world.clients["own"]
    as_(client, world, "champion")
    assert client.get(f"/stories/new?client_id={own.id}").status_code == 403
    assert post_form(client, f"/stories/new?client_id={own.id}", story_form()).status_code == 403
    assert stories_titled(db_session, "Back on the bike") == []


def test_stories_reach_only_clients_and_events_in_reach(client, world, db_session):
    as_(client, world, "trainer")
    other = world.clients["other-caseload"]
    assert post_form(client, f"/stories/new?client_id={other.id}", story_form()).status_code == 403
    south = world.clients["south"]
    assert post_form(client, f"/stories/new?client_id={south.id}", story_form()).status_code == 404
    south_event = world.events["south"]
    assert post_form(client, f"/stories/new?event_id={south_event.id}", story_form()).status_code == 404
    assert client.get("/stories/new?event_id=abc").status_code == 404
    as_(client, world, "champion")  # an event the champion neither logged nor ran
    assert post_form(client, f"/stories/new?event_id={world.events['trainer'].id}", story_form()).status_code == 403
    assert stories_titled(db_session, "Back on the bike") == []


def test_a_story_started_from_nowhere_asks_for_the_event(client, world, db_session):
    as_(client, world, "champion")
    page = client.get("/stories/new").get_data(as_text=True)
    assert "Stall at Millbrook market" in page and "Talk at the job club" not in page
    response = post_form(client, "/stories/new", story_form())
    assert response.status_code == 422 and "Choose the event this story is from" in response.get_data(as_text=True)
    response = post_form(client, "/stories/new", {**story_form(), "event_id": str(world.events["north"].id)})
    assert response.status_code == 302
    [story] = stories_titled(db_session, "Back on the bike")
    assert story.event_id == world.events["north"].id


# --- Reading ------------------------------------------------------------------------------------


def test_a_story_of_another_service_is_not_found(client, world, db_session):
    south = Story(service_id=world.south.id, kind="worker", title="South story", what_happened="Secret.")
    db_session.add(south)
    db_session.commit()
    as_(client, world, "manager")
    assert client.get(f"/stories/{south.id}").status_code == 404
    assert "South story" not in client.get("/stories").get_data(as_text=True)


def test_a_client_story_is_seen_only_by_who_may_see_the_client(client, world, db_session):
    story = Story(
        service_id=world.north.id,
        kind="client",
        title="Olly walks",
        what_happened="Olly walks now.",
        client_id=world.clients["other-caseload"].id,
        written_by_id=world.people["other-trainer"].id,
    )
    db_session.add(story)
    db_session.commit()
    for who, status in [("trainer", 404), ("champion", 404), ("other-trainer", 200), ("manager", 200)]:
        as_(client, world, who)
        assert client.get(f"/stories/{story.id}").status_code == status, who
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_story")).all()
    assert {(view.client_id, view.actor_role) for view in views} == {
        (world.clients["other-caseload"].id, "trainer"),
        (world.clients["other-caseload"].id, "manager"),
    }


def test_the_managers_list_shows_only_anonymised_text_of_shared_stories_first(client, world, db_session):
    shared = Story(
        service_id=world.north.id,
        kind="client",
        title="Shared story",
        what_happened="Casey Client stopped smoking after the talk.",
        consent_to_share=True,
        consent_on=london_today(),
        anonymised_text="A young mum stopped smoking after a talk.",
        client_id=world.clients["own"].id,
    )
    db_session.add(shared)
    db_session.commit()
    as_(client, world, "manager")
    page = client.get("/stories").get_data(as_text=True)
    assert "A young mum stopped smoking after a talk." in page
    assert "Casey Client stopped smoking" not in page
    # The worker story in the world has no consent: listed by title, what happened kept out of the list.
    assert "A busy market day" in page
    assert "Lots of people stopped to talk about walking." not in page
    assert page.index("Shared story") < page.index("A busy market day")

    plain = client.get("/stories?format=text")
    assert plain.headers["Content-Type"].startswith("text/plain")
    text = plain.get_data(as_text=True)
    assert "A young mum stopped smoking after a talk." in text
    assert "Casey" not in text and "A busy market day" not in text


def test_only_managers_list_stories(client, world):
    for who in ("trainer", "champion", "trainee"):
        as_(client, world, who)
        assert client.get("/stories").status_code == 403


def test_the_event_page_lists_stories_the_actor_may_see(client, world, db_session):
    event = world.events["north"]
    about_client = Story(
        service_id=world.north.id,
        kind="client",
        title="About Olly",
        what_happened="x",
        event_id=event.id,
        client_id=world.clients["other-caseload"].id,
        written_by_id=world.people["other-trainer"].id,
    )
    db_session.add(about_client)
    db_session.commit()
    as_(client, world, "champion")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "A busy market day" in page and f"/stories/new?event_id={event.id}" in page
    assert "About Olly" not in page
    as_(client, world, "manager")
    assert "About Olly" in client.get(f"/events/{event.id}").get_data(as_text=True)
