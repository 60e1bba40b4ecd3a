"""Volunteers' records: a champion's own hours, training and qualifications, and their manager's view."""

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from models import Event, EventWorker, Qualification, RoleChange, TrainingRecord, VolunteerHours
from pwa.clock import london_day_bounds, london_today
from pwa.community.volunteer_rules import check_hours, qualification_state
from tests.conftest import act_as, post_form

TABLES = {"hours": VolunteerHours, "training": TrainingRecord, "qualification": Qualification}


def as_role(client, world, username):
    act_as(client, world.people[username], world.grants[username])
    return client


def rows(db_session, model, **where):
    db_session.expire_all()
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db_session.exec(query).all()


def good(kind: str) -> dict:
    today = london_today()
    return {
        "hours": {"hours_on": today.isoformat(), "hours": "1.5", "activity": "Helped at the food bank"},
        "training": {
            "theme": "safeguarding",
            "training_title": "Safeguarding adults",
            "provider": "North Town Council",
            "training_on": today.isoformat(),
        },
        "qualification": {
            "qualification_title": "RSPH Level 2",
            "awarded_on": (today - timedelta(days=30)).isoformat(),
            "expires_on": (today + timedelta(days=700)).isoformat(),
        },
    }[kind]


def add_event(db_session, world, *, by: str, starts_at, hours: float | None = None, worker: str = "champion", **values):
    event = Event(
        uuid=str(uuid.uuid4()),
        service_id=values.pop("service_id", world.north.id),
        event_type="stall",
        title=values.pop("title", "An event"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        created_by_id=world.people[by].id,
        **values,
    )
    db_session.add(event)
    db_session.flush()
    if hours is not None:
        db_session.add(EventWorker(event_id=event.id, person_id=world.people[worker].id, hours=hours))
    db_session.commit()
    return event


# --- My own record -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["hours", "training", "qualification"])
def test_champion_adds_to_their_own_record(client, world, db_session, kind):
    as_role(client, world, "champion")
    response = post_form(client, f"/volunteering/{kind}", good(kind))
    assert response.status_code == 302 and response.headers["Location"].startswith("/volunteering")
    saved = rows(db_session, TABLES[kind], person_id=world.people["champion"].id)
    assert len(saved) == 1 and saved[0].service_id == world.north.id
    page = client.get("/volunteering").get_data(as_text=True)
    assert {"hours": "Helped at the food bank", "training": "Safeguarding adults", "qualification": "RSPH Level 2"}[
        kind
    ] in page


TODAY = london_today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "kind, change, field, message",
    [
        ("hours", {"hours": "0.1"}, "hours", "between a quarter of an hour (0.25) and 24 hours"),
        ("hours", {"hours": "24.25"}, "hours", "between a quarter of an hour (0.25) and 24 hours"),
        ("hours", {"hours": "1.3"}, "hours", "Round to the nearest quarter hour"),
        ("hours", {"hours": "lots"}, "hours", "Write the hours as a number"),
        ("hours", {"hours": ""}, "hours", "Write how many hours"),
        ("hours", {"hours_on": TOMORROW}, "hours_on", "This day cannot be in the future."),
        ("hours", {"hours_on": ""}, "hours_on", "Choose the day you gave the time."),
        ("hours", {"activity": " "}, "activity", "Say what you did"),
        ("training", {"theme": "juggling"}, "theme", "Choose what the training was about."),
        ("training", {"training_title": ""}, "training_title", "Write the name of the training"),
        ("training", {"training_on": TOMORROW}, "training_on", "This day cannot be in the future."),
        ("training", {"provider": "x" * 121}, "provider", "Keep this under 120 letters."),
        ("qualification", {"qualification_title": ""}, "qualification_title", "Write the name of the qualification"),
        ("qualification", {"awarded_on": "2024-02-30"}, "awarded_on", "Choose the day it was awarded."),
        (
            "qualification",
            {"expires_on": (TODAY - timedelta(days=30)).isoformat()},
            "expires_on",
            "must be after the day it was awarded",
        ),
        ("qualification", {"expires_on": "soon"}, "expires_on", "Choose a real date, or leave it empty."),
    ],
)
def test_bad_input_is_shown_by_the_field_and_nothing_is_saved(client, world, db_session, kind, change, field, message):
    as_role(client, world, "champion")
    response = post_form(client, f"/volunteering/{kind}", {**good(kind), **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field__error" id="{field}-error"><span class="visually-hidden">Error:</span> ' in html
    error_line = html.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error_line.replace("&#39;", "'")
    assert rows(db_session, TABLES[kind]) == []


def test_a_kind_that_is_not_offered_is_not_found(client, world, db_session):
    as_role(client, world, "champion")
    assert post_form(client, "/volunteering/banana", good("hours")).status_code == 404
    role_change = {"from_stage": "volunteer", "to_stage": "champion", "changed_on": TODAY.isoformat()}
    assert post_form(client, "/volunteering/role_change", role_change).status_code == 404
    assert rows(db_session, RoleChange) == []


def test_quarter_hours_are_kept_as_numbers():
    checked = check_hours({"hours_on": TODAY.isoformat(), "hours": "0,75", "activity": "Leaflets"}, today=TODAY)
    assert checked.ok and checked.values["hours"] == 0.75


def test_hours_add_up_event_hours_and_other_hours(client, world, db_session):
    """This month, this year and all time; events not yet begun and other services left out."""
    champion = world.people["champion"].id
    midnight = london_day_bounds(TODAY)[0]
    # The world's stall is moved to today's first minute, so it has begun whatever the time.
    stall = db_session.get(Event, world.events["north"].id)
    stall.starts_at, stall.ends_at = midnight, midnight + timedelta(hours=2)
    db_session.add(stall)
    db_session.commit()  # 2 hours, from the world
    add_event(db_session, world, by="trainer", starts_at=midnight, hours=1.25, title="Health walk in the park")
    add_event(db_session, world, by="trainer", starts_at=midnight - timedelta(days=400), hours=3, title="Old fun day")
    add_event(db_session, world, by="trainer", starts_at=midnight + timedelta(days=2), hours=5, title="Future fair")
    last_year = TODAY.replace(year=TODAY.year - 1)
    db_session.add_all(
        [
            VolunteerHours(service_id=world.north.id, person_id=champion, on_date=TODAY, hours=0.5, activity="Posters"),
            VolunteerHours(service_id=world.north.id, person_id=champion, on_date=last_year, hours=4, activity="Old"),
            VolunteerHours(service_id=world.south.id, person_id=champion, on_date=TODAY, hours=9, activity="South"),
        ]
    )
    db_session.commit()

    as_role(client, world, "champion")
    html = client.get("/volunteering").get_data(as_text=True)
    assert "<dt>This month</dt><dd>3.75 hours</dd>" in html  # 2 + 1.25 + 0.5
    assert "<dt>This year (since 1 January)</dt><dd>3.75 hours</dd>" in html
    assert "<dt>All time</dt><dd>10.75 hours</dd>" in html  # + 3 + 4
    assert "Event: Health walk in the park" in html and "Event: Stall at Millbrook market" in html
    assert "Future fair" not in html and "South" not in html


def test_qualifications_that_run_out_are_flagged(client, world, db_session):
    champion = world.people["champion"].id
    awarded = TODAY - timedelta(days=800)
    for title, days in (("First aid", 30), ("Food hygiene", -1), ("RSPH Level 2", 100)):
        db_session.add(
            Qualification(
                service_id=world.north.id,
                person_id=champion,
                title=title,
                awarded_on=awarded,
                expires_on=TODAY + timedelta(days=days),
            )
        )
    db_session.commit()
    as_role(client, world, "champion")
    html = client.get("/volunteering").get_data(as_text=True)
    items = {title: html.split(f"<strong>{title}</strong>", 1)[1].split("</li>", 1)[0] for title in ("First aid",)}
    items["Food hygiene"] = html.split("<strong>Food hygiene</strong>", 1)[1].split("</li>", 1)[0]
    items["RSPH Level 2"] = html.split("<strong>RSPH Level 2</strong>", 1)[1].split("</li>", 1)[0]
    assert "Expires soon" in items["First aid"] and "Expired" not in items["First aid"]
    assert "Expired" in items["Food hygiene"]
    assert "Expires soon" not in items["RSPH Level 2"] and "Expired" not in items["RSPH Level 2"]


@pytest.mark.parametrize(
    "expires, state",
    [
        (None, None),
        (TODAY - timedelta(days=1), "expired"),
        (TODAY, "expires_soon"),
        (TODAY + timedelta(days=60), "expires_soon"),
        (TODAY + timedelta(days=61), None),
    ],
)
def test_qualification_state(expires, state):
    assert qualification_state(expires, TODAY) == state


def test_a_champion_sees_no_role_change_form_but_sees_their_steps(client, world, db_session):
    db_session.add(
        RoleChange(
            service_id=world.north.id,
            person_id=world.people["champion"].id,
            from_stage="volunteer",
            to_stage="champion",
            on_date=date(2025, 3, 1),
            note="Finished the Level 2",
        )
    )
    db_session.commit()
    html = as_role(client, world, "champion").get("/volunteering").get_data(as_text=True)
    assert "Volunteer to Health champion" in html and "Finished the Level 2" in html
    assert 'name="to_stage"' not in html


# --- The manager ---------------------------------------------------------------------------------


def test_manager_lists_champions_and_trainees_with_their_hours(client, world, db_session):
    champion = world.people["champion"].id
    db_session.add(
        VolunteerHours(service_id=world.north.id, person_id=champion, on_date=TODAY, hours=2.5, activity="x")
    )
    db_session.add(
        TrainingRecord(service_id=world.north.id, person_id=champion, theme="other", title="T", on_date=TODAY)
    )
    db_session.add(
        Qualification(
            service_id=world.north.id, person_id=champion, title="Q", awarded_on=TODAY, expires_on=TODAY + timedelta(10)
        )
    )
    db_session.commit()
    html = as_role(client, world, "manager").get("/volunteers").get_data(as_text=True)
    assert "Champion" in html and "Trainee" in html
    assert "<strong>Trainer</strong>" not in html and "South" not in html
    champion_row = html.split(f'href="/volunteers/{champion}">', 1)[1].split("</li>", 1)[0]
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", champion_row))
    # Hours this month may include the world's stall if it has begun: at least the 2.5 given.
    assert float(figures["Hours this month"]) >= 2.5 and figures["Training"] == "1"
    assert ">1</span>" in figures["Qualifications expiring soon"]


def test_manager_sees_and_adds_to_a_champions_record(client, world, db_session):
    champion = world.people["champion"]
    as_role(client, world, "manager")
    page = client.get(f"/volunteers/{champion.id}").get_data(as_text=True)
    assert "Champion&#39;s volunteering" in page and 'name="to_stage"' in page

    response = post_form(client, f"/volunteers/{champion.id}/hours", good("hours"))
    assert response.status_code == 302
    change = {"from_stage": "volunteer", "to_stage": "champion", "changed_on": TODAY.isoformat(), "note": "Passed"}
    assert post_form(client, f"/volunteers/{champion.id}/role_change", change).status_code == 302

    hours = rows(db_session, VolunteerHours, person_id=champion.id)
    changes = rows(db_session, RoleChange, person_id=champion.id)
    assert [(row.service_id, row.hours) for row in hours] == [(world.north.id, 1.5)]
    assert [(row.service_id, row.from_stage, row.to_stage, row.recorded_by_id) for row in changes] == [
        (world.north.id, "volunteer", "champion", world.people["manager"].id)
    ]
    assert "Volunteer to Health champion" in as_role(client, world, "champion").get("/volunteering").get_data(True)


def test_role_change_must_be_a_step(client, world, db_session):
    as_role(client, world, "manager")
    person = world.people["champion"].id
    same = {"from_stage": "champion", "to_stage": "champion", "changed_on": TODAY.isoformat()}
    response = post_form(client, f"/volunteers/{person}/role_change", same)
    assert response.status_code == 422
    assert "Choose a different step" in response.get_data(as_text=True)
    bad = {"from_stage": "champion", "to_stage": "boss", "changed_on": TOMORROW}
    html = post_form(client, f"/volunteers/{person}/role_change", bad).get_data(as_text=True)
    assert "Choose where they are now." in html and "This day cannot be in the future." in html
    assert rows(db_session, RoleChange) == []


def test_manager_of_another_service_gets_not_found(client, world, db_session):
    as_role(client, world, "south-manager")
    champion = world.people["champion"].id
    assert client.get(f"/volunteers/{champion}").status_code == 404
    assert post_form(client, f"/volunteers/{champion}/hours", good("hours")).status_code == 404
    assert "Champion" not in client.get("/volunteers").get_data(as_text=True)
    assert rows(db_session, VolunteerHours) == []


def test_a_trainer_has_no_volunteer_record_for_the_manager(client, world):
    as_role(client, world, "manager")
    assert client.get(f"/volunteers/{world.people['trainer'].id}").status_code == 404
    assert post_form(client, f"/volunteers/{world.people['champion'].id}/banana", good("hours")).status_code == 404


def test_a_champion_cannot_use_the_managers_pages(client, world, db_session):
    as_role(client, world, "champion")
    trainee = world.people["trainee"].id
    assert client.get(f"/volunteers/{trainee}").status_code == 403
    assert post_form(client, f"/volunteers/{world.people['champion'].id}/hours", good("hours")).status_code == 403
    assert post_form(client, f"/volunteers/{trainee}/hours", good("hours")).status_code == 403
    assert rows(db_session, VolunteerHours) == []


def test_each_volunteer_sees_only_their_own_record(client, world, db_session):
    trainee = world.people["trainee"].id
    db_session.add(
        VolunteerHours(service_id=world.north.id, person_id=trainee, on_date=TODAY, hours=1, activity="Trainee time")
    )
    db_session.commit()
    assert "Trainee time" in as_role(client, world, "trainee").get("/volunteering").get_data(as_text=True)
    assert "Trainee time" not in as_role(client, world, "champion").get("/volunteering").get_data(as_text=True)
