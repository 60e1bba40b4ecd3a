"""Logging events: the form's checks, saving everything or nothing, who sees which events, what
the event page tells each role about registrations, partners, and picking the event on the
client registration form."""

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from models import Client, Event, EventWorker, Partner, PostcodeArea, Signpost
from pwa.clock import london_today, to_london
from pwa.community.event_rules import check_event, district_code, hours_value
from tests.conftest import act_as, post_form
from tests.test_registration import form as registration_form

TODAY = london_today()


def event_form(world, **changes) -> dict:
    """A complete, valid event form: a two-hour stall with two workers, a partner, topics,
    counts and breakdowns."""
    data = {
        "uuid": str(uuid.uuid4()),
        "event_type": "stall",
        "title": "Stall at the library",
        "date": TODAY.isoformat(),
        "starts_at": "10:00",
        "ends_at": "12:00",
        "venue": "Millbrook Library",
        "postcode": "fe1 6fr",
        "partners": [str(world.partners["north"].id)],
        "worker-0-person_id": str(world.people["champion"].id),
        "worker-0-hours": "2",
        "worker-1-person_id": str(world.people["trainer"].id),
        "worker-1-hours": "1.5",
        "topics": ["diet", "exercise"],
        "reached": "14",
        "leaflets": "30",
        "signposted": "3",
        "interested": "2",
        "registered": "1",
        "breakdown-gender-female": "8",
        "breakdown-gender-male": "5",
        "breakdown-age_band-26_35": "4",
        "breakdown-ethnicity_group-white": "10",
        "district-0-code": "fe1",
        "district-0-count": "6",
        "district-1-code": "FE2",
        "district-1-count": "3",
        "notes": "Busy in the morning.",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def events_titled(db_session, title: str) -> list[Event]:
    db_session.expire_all()
    return list(db_session.exec(select(Event).where(Event.title == title)).all())


def event_count(db_session) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(Event)).one()


def workers(db_session, event: Event) -> dict[int, float]:
    db_session.expire_all()
    rows = db_session.exec(select(EventWorker).where(EventWorker.event_id == event.id)).all()
    return {row.person_id: row.hours for row in rows}


# --- Checking (no HTTP) ---------------------------------------------------------------------


def test_hours_and_districts_are_read_kindly():
    assert hours_value("1.5") == (1.5, None)
    assert hours_value("24")[0] == 24
    assert hours_value("0.3")[1] == "Use quarter hours, like 1.25, 1.5 or 1.75."
    assert hours_value("25")[1] == "Write the hours from 0 to 24."
    assert hours_value("-1")[1] == "Write the hours from 0 to 24."
    assert hours_value("two")[1] == "Write the hours as a number, like 2 or 1.5."
    assert district_code(" fe1 ") == "FE1"
    assert district_code("W10") == "W10"
    assert district_code("12") is None


def test_check_event_says_which_breakdown_is_too_big():
    raw = {
        "event_type": "talk",
        "title": "Talk",
        "date": "2025-05-03",
        "starts_at": "10:00",
        "ends_at": "11:00",
        "reached": "12",
        "breakdown-age_band-18_25": "9",
        "breakdown-age_band-26_35": "5",
    }
    checked = check_event(raw, today=date(2025, 5, 3), partner_ids=set(), staff_ids=set())
    assert checked.errors == {"breakdown-age_band": checked.errors["breakdown-age_band"]}
    assert checked.errors["breakdown-age_band"].startswith("The ages add up to 14, but you reached 12 people.")
    raw["reached"] = "14"
    checked = check_event(raw, today=date(2025, 5, 3), partner_ids=set(), staff_ids=set())
    assert checked.ok
    assert checked.values["breakdowns"] == {"age_band": {"18_25": 9, "26_35": 5}}
    assert checked.values["leaflets"] == 0  # an empty box is 0


def test_the_clocks_going_forward_is_explained():
    raw = {"event_type": "talk", "title": "Talk", "date": "2025-03-30", "starts_at": "01:30", "ends_at": "03:00"}
    checked = check_event(raw, today=date(2025, 3, 1), partner_ids=set(), staff_ids=set())
    assert "clocks go forward" in checked.errors["starts_at"]


# --- Logging an event -------------------------------------------------------------------------


def test_a_champion_logs_a_stall_with_everything(client, world, db_session):
    db_session.add(PostcodeArea(postcode="FE1 6FR", ward_code="E05000001", ward_name="Ferncombe Central", imd_decile=3))
    db_session.commit()
    act_as(client, world.people["champion"])
    data = event_form(world)
    response = post_form(client, "/events/new", data)
    assert response.status_code == 302
    [event] = events_titled(db_session, "Stall at the library")
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert event.uuid == data["uuid"]
    assert event.service_id == world.north.id
    assert event.created_by_id == world.people["champion"].id
    assert event.event_type == "stall"
    assert to_london(event.starts_at).strftime("%H:%M") == "10:00"
    assert event.ends_at - event.starts_at == timedelta(hours=2)
    assert (event.postcode, event.postcode_district) == ("FE1 6FR", "FE1")
    assert (event.ward_code, event.ward_name, event.quintile) == ("E05000001", "Ferncombe Central", "q2")
    assert event.partner_ids == [world.partners["north"].id]
    assert event.topics == ["diet", "exercise"]
    assert (event.reached, event.leaflets, event.signposted, event.interested, event.registered) == (14, 30, 3, 2, 1)
    assert event.breakdowns == {
        "gender": {"female": 8, "male": 5},
        "age_band": {"26_35": 4},
        "ethnicity_group": {"white": 10},
        "postcode_district": {"FE1": 6, "FE2": 3},
    }
    assert event.notes == "Busy in the morning."
    assert workers(db_session, event) == {world.people["champion"].id: 2.0, world.people["trainer"].id: 1.5}

    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for words in ("Stall at the library", "Ward: Ferncombe Central", "Deprivation fifth (quintile): 2",
                  "Millbrook Library", "Millbrook Community Centre", "Champion: 2 hours", "Trainer: 1.5 hours",
                  "Healthy eating", "People reached by gender", "FE2"):  # fmt: skip
        assert words in page


def test_an_unknown_postcode_is_kept_without_a_place(client, world, db_session):
    act_as(client, world.people["trainer"])
    assert post_form(client, "/events/new", event_form(world, postcode="w10 5ab")).status_code == 302
    [event] = events_titled(db_session, "Stall at the library")
    assert (event.postcode, event.postcode_district, event.ward_name, event.quintile) == (
        "W10 5AB",
        "W10",
        "",
        "unknown",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "09:30"}, "ends_at", "The end time must be after the start time."),
        ({"ends_at": "10:00"}, "ends_at", "The end time must be after the start time."),
        ({"leaflets": "-3"}, "leaflets", "Write a whole number, 0 or more, like 12."),
        ({"reached": "lots"}, "reached", "Write a whole number, 0 or more, like 12."),
        ({"reached": "2.5"}, "reached", "Write a whole number, 0 or more, like 12."),
        ({"breakdown-gender-female": "-1"}, "breakdown-gender-female", "Write a whole number, 0 or more, like 12."),
        ({"reached": "10"}, "breakdown-gender", "The genders add up to 13, but you reached 10 people."),
        ({"district-0-count": "12"}, "breakdown-postcode_district", "The postcode areas add up to 15"),
        ({"district-0-code": "nowhere"}, "district-0-code", "Write the first part of a postcode, like FE1."),
        ({"postcode": "not a postcode"}, "postcode", "Write a UK postcode, like FE1 2AB, or leave it empty."),
        ({"worker-1-hours": "25"}, "worker-1-hours", "Write the hours from 0 to 24."),
        ({"worker-1-hours": "1.1"}, "worker-1-hours", "Use quarter hours"),
        ({"worker-1-hours": ""}, "worker-1-hours", "Write how many hours they worked"),
        ({"title": ""}, "title", "Give it a short name"),
        ({"event_type": "party"}, "event_type", "Choose what kind of event it was."),
        ({"date": "2025-02-30"}, "date", "Choose a real date"),
        ({"topics": ["knitting"]}, "topics", "Choose topics from the list."),
    ],
)
def test_bad_input_is_explained_by_the_field_and_nothing_is_saved(client, world, db_session, changes, field, message):
    act_as(client, world.people["champion"])
    before = event_count(db_session)
    response = post_form(client, "/events/new", event_form(world, **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert event_count(db_session) == before
    assert db_session.exec(select(func.count()).select_from(EventWorker)).one() == 1  # only the world's


def test_a_partner_or_person_of_another_service_is_refused(client, world, db_session):
    south_partner = Partner(service_id=world.south.id, name="South Vale Hall")
    db_session.add(south_partner)
    db_session.commit()
    act_as(client, world.people["trainer"])
    before = event_count(db_session)
    response = post_form(client, "/events/new", event_form(world, partners=[str(south_partner.id)]))
    assert response.status_code == 422
    assert "Choose partners from the list." in response.get_data(as_text=True)
    response = post_form(
        client, "/events/new", event_form(world, **{"worker-1-person_id": str(world.people["south-trainer"].id)})
    )
    assert response.status_code == 422
    assert "Choose who it was from the list." in response.get_data(as_text=True)
    # A client of the service is not staff either.
    response = post_form(
        client, "/events/new", event_form(world, **{"worker-1-person_id": str(world.people["client"].id)})
    )
    assert response.status_code == 422
    assert event_count(db_session) == before


def test_the_same_form_sent_twice_makes_one_event(client, world, db_session):
    act_as(client, world.people["champion"])
    data = event_form(world)
    first = post_form(client, "/events/new", data)
    second = post_form(client, "/events/new", data)
    assert first.status_code == second.status_code == 302
    [event] = events_titled(db_session, "Stall at the library")
    assert second.headers["Location"].endswith(f"/events/{event.id}")


def test_the_form_starts_with_the_logger_and_a_uuid_and_adds_rows(client, world):
    act_as(client, world.people["champion"])
    page = client.get("/events/new").get_data(as_text=True)
    champion_id = world.people["champion"].id
    assert f'<option value="{champion_id}" selected>' in page
    assert 'name="uuid" value="' in page and 'name="uuid" value=""' not in page
    assert f'name="partners" value="{world.partners["north"].id}"' in page  # the partner to tick
    data = event_form(world, add_worker="yes")
    response = post_form(client, "/events/new", data)
    assert response.status_code == 200
    assert 'name="worker-2-person_id"' in response.get_data(as_text=True)


def test_a_stopped_partner_is_not_offered_for_new_events(client, world, db_session):
    partner = db_session.get(Partner, world.partners["north"].id)
    partner.is_active = False
    db_session.add(partner)
    db_session.commit()
    act_as(client, world.people["trainer"])
    assert 'name="partners"' not in client.get("/events/new").get_data(as_text=True)
    assert post_form(client, "/events/new", event_form(world)).status_code == 422


# --- Changing and finishing an event ----------------------------------------------------------


def test_editing_shows_the_tallied_counts_and_replaces_workers(client, world, db_session):
    north = world.events["north"]
    stored = db_session.get(Event, north.id)
    stored.breakdowns = {"gender": {"female": 7}, "postcode_district": {"FE3": 4}}
    db_session.add(stored)
    db_session.commit()
    act_as(client, world.people["champion"])
    page = client.get(f"/events/{north.id}/edit").get_data(as_text=True)
    assert 'name="reached"' in page and 'value="12"' in page
    assert 'id="breakdown-gender-female"' in page and 'value="7"' in page
    assert 'value="FE3"' in page
    assert f'name="uuid" value="{north.uuid}"' in page

    data = event_form(world, title="Stall at Millbrook market", reached="15")
    data.pop("uuid")
    data["worker-0-person_id"] = str(world.people["trainee"].id)
    data["worker-0-hours"] = "3"
    data["worker-1-person_id"] = ""
    data["worker-1-hours"] = ""
    response = post_form(client, f"/events/{north.id}/edit", data)
    assert response.status_code == 302
    db_session.expire_all()
    stored = db_session.get(Event, north.id)
    assert stored.uuid == north.uuid
    assert stored.created_by_id == world.people["champion"].id
    assert stored.reached == 15
    assert stored.breakdowns["postcode_district"] == {"FE1": 6, "FE2": 3}
    assert workers(db_session, stored) == {world.people["trainee"].id: 3.0}


def test_a_bad_edit_changes_nothing(client, world, db_session):
    north = world.events["north"]
    act_as(client, world.people["trainer"])
    response = post_form(client, f"/events/{north.id}/edit", event_form(world, reached="5"))
    assert response.status_code == 422
    assert "The genders add up to 13, but you reached 5 people." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Event, north.id).reached == 12
    assert workers(db_session, north) == {world.people["champion"].id: 2.0}


# --- Who sees which events --------------------------------------------------------------------


def test_a_champion_sees_own_and_helped_events_only(client, world, db_session):
    trainer_event = world.events["trainer"]
    act_as(client, world.people["champion"])
    page = client.get("/events").get_data(as_text=True)
    assert "Stall at Millbrook market" in page
    assert "Talk at the job club" not in page
    assert "South Vale fun day" not in page
    assert client.get(f"/events/{trainer_event.id}").status_code == 403
    assert client.get(f"/events/{trainer_event.id}/edit").status_code == 403
    assert client.get(f"/events/{world.events['south'].id}").status_code == 404
    assert post_form(client, f"/events/{world.events['south'].id}/edit", event_form(world)).status_code == 404
    # Once they helped run it, they see it.
    db_session.add(EventWorker(event_id=trainer_event.id, person_id=world.people["champion"].id, hours=1))
    db_session.commit()
    assert client.get(f"/events/{trainer_event.id}").status_code == 200
    assert "Talk at the job club" in client.get("/events?show=all").get_data(as_text=True)


def test_the_list_filters_by_mine_type_and_month(client, world):
    act_as(client, world.people["trainer"])
    mine = client.get("/events").get_data(as_text=True)
    assert "Talk at the job club" in mine and "Stall at Millbrook market" not in mine
    everyone = client.get("/events?show=all").get_data(as_text=True)
    assert "Talk at the job club" in everyone and "Stall at Millbrook market" in everyone
    assert "South Vale fun day" not in everyone
    stalls = client.get("/events?show=all&type=stall").get_data(as_text=True)
    assert "Stall at Millbrook market" in stalls and "Talk at the job club" not in stalls
    this_month = client.get(f"/events?show=all&month={TODAY:%Y-%m}").get_data(as_text=True)
    assert "Stall at Millbrook market" in this_month
    long_ago = client.get("/events?show=all&month=2001-01").get_data(as_text=True)
    assert "Stall at Millbrook market" not in long_ago
    assert "Choose a month" in client.get("/events?month=soon").get_data(as_text=True)
    assert 'href="/stall' in mine  # "Start a stall now"


# --- What came of it ----------------------------------------------------------------------------


def came_from_north(world, db_session):
    """Two clients registered after the north stall (one on the trainer's caseload, one on
    another's), and a signpost made there."""
    north = world.events["north"]
    for key in ("own", "other-caseload"):
        row = db_session.get(Client, world.clients[key].id)
        row.how_heard, row.heard_at_event_id = "promotional_event", north.id
        db_session.add(row)
    db_session.add(
        Signpost(
            service_id=world.north.id,
            event_id=north.id,
            destination="community_voluntary",
            destination_name="Ferncombe Food Bank",
            made_on=TODAY,
            by_id=world.people["champion"].id,
        )
    )
    db_session.commit()
    return north


def test_the_manager_sees_who_registered_and_the_champion_only_how_many(client, world, db_session):
    north = came_from_north(world, db_session)
    act_as(client, world.people["manager"])
    page = client.get(f"/events/{north.id}").get_data(as_text=True)
    assert "2 people registered" in page
    assert "Casey Client" in page and "Olly Other" in page
    assert f'href="/clients/{world.clients["own"].id}"' in page
    assert "Ferncombe Food Bank" in page and "1 signposting record." in page

    act_as(client, world.people["trainer"])
    page = client.get(f"/events/{north.id}").get_data(as_text=True)
    assert "Casey Client" in page and "Olly Other" not in page
    assert "And 1 more" in page

    act_as(client, world.people["champion"])
    page = client.get(f"/events/{north.id}").get_data(as_text=True)
    assert "2 people registered" in page
    assert "Casey Client" not in page and "Olly Other" not in page
    assert "/clients/" not in page


# --- Partners ----------------------------------------------------------------------------------


def test_a_manager_adds_and_stops_partners(client, world, db_session):
    act_as(client, world.people["manager"])
    assert "Millbrook Community Centre" in client.get("/partners").get_data(as_text=True)
    assert post_form(client, "/partners", {"name": "  Ferncombe   Food Bank "}).status_code == 302
    names = db_session.exec(select(Partner.name).where(Partner.service_id == world.north.id)).all()
    assert "Ferncombe Food Bank" in names

    again = post_form(client, "/partners", {"name": "millbrook community centre"})
    assert again.status_code == 422
    assert "Millbrook Community Centre is already on the list." in again.get_data(as_text=True)
    assert post_form(client, "/partners", {"name": ""}).status_code == 422
    assert db_session.exec(select(func.count()).select_from(Partner)).one() == 2

    partner_id = world.partners["north"].id
    assert post_form(client, f"/partners/{partner_id}/toggle").status_code == 302
    db_session.expire_all()
    assert db_session.get(Partner, partner_id).is_active is False
    post_form(client, f"/partners/{partner_id}/toggle")
    db_session.expire_all()
    assert db_session.get(Partner, partner_id).is_active is True


def test_another_services_partner_cannot_be_toggled(client, world, db_session):
    south_partner = Partner(service_id=world.south.id, name="South Vale Hall")
    db_session.add(south_partner)
    db_session.commit()
    act_as(client, world.people["manager"])
    assert post_form(client, f"/partners/{south_partner.id}/toggle").status_code == 404
    db_session.expire_all()
    assert db_session.get(Partner, south_partner.id).is_active is True


# --- Registration: "heard at a promotional event" ----------------------------------------------


def test_registration_picks_the_event_and_the_event_shows_it(client, world, db_session):
    north = world.events["north"]
    act_as(client, world.people["trainer"])
    page = client.get("/clients/new").get_data(as_text=True)
    assert f'<option value="{north.id}">' in page and "Stall at Millbrook market" in page
    assert "South Vale fun day" not in page
    data = registration_form(how_heard="promotional_event", heard_at_event_id=str(north.id))
    assert post_form(client, "/clients/new", data).status_code == 302
    db_session.expire_all()
    maya = db_session.exec(select(Client).where(Client.full_name == "Maya Patel")).one()
    assert maya.heard_at_event_id == north.id
    assert "Maya Patel" in client.get(f"/events/{north.id}").get_data(as_text=True)

    # Changing "how heard" to something else clears the event.
    details = {**registration_form(how_heard="word_of_mouth", heard_at_event_id=str(north.id))}
    assert post_form(client, f"/clients/{maya.id}/details", details).status_code == 302
    db_session.expire_all()
    assert db_session.get(Client, maya.id).heard_at_event_id is None


def test_registration_refuses_an_event_of_another_service(client, world, db_session):
    act_as(client, world.people["trainer"])
    data = registration_form(how_heard="promotional_event", heard_at_event_id=str(world.events["south"].id))
    response = post_form(client, "/clients/new", data)
    assert response.status_code == 422
    assert "Choose the event from the list, or leave it empty." in response.get_data(as_text=True)
    assert db_session.exec(select(Client).where(Client.full_name == "Maya Patel")).first() is None


def test_the_client_record_names_the_event_they_heard_about_us_at(client, world, db_session):
    own = db_session.get(Client, world.clients["own"].id)
    own.how_heard, own.heard_at_event_id = "promotional_event", world.events["north"].id
    db_session.add(own)
    db_session.commit()
    act_as(client, world.people["trainer"], world.grants["trainer"])

    page = client.get(f"/clients/{own.id}").get_data(as_text=True)

    assert f'href="/events/{world.events["north"].id}">Stall at Millbrook market</a>' in page


def test_the_events_page_leads_to_courses_and_for_managers_to_stories(client, world):
    act_as(client, world.people["champion"], world.grants["champion"])
    page = client.get("/events").get_data(as_text=True)
    assert 'href="/courses"' in page and 'href="/stories"' not in page

    act_as(client, world.people["manager"], world.grants["manager"])
    assert 'href="/stories"' in client.get("/events").get_data(as_text=True)
