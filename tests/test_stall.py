"""The live tally at a stall: the sync API (created, duplicate, rejected), merging two
champions' taps, the no-script tap forms, the start form and who may use them."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from models import Event, EventWorker, TallyChange
from pwa.clock import to_london, utcnow
from pwa.community import tally
from tests.conftest import act_as, csrf_token, post_form
from tests.world import add_person

SYNC = "/api/v1/community/sync"


def new_uuid() -> str:
    return str(uuid.uuid4())


def sync(client, payload: dict):
    token = csrf_token(client, "/account/")
    return client.post(SYNC, json=payload, headers={"X-CSRFToken": token})


def a_tally(event: Event | str, counts: dict, **values) -> dict:
    event_uuid = event if isinstance(event, str) else event.uuid
    return {"uuid": new_uuid(), "event_uuid": event_uuid, "counts": counts, **values}


def a_new_event(**values) -> dict:
    now = utcnow()
    return {
        "uuid": new_uuid(),
        "event_type": "stall",
        "title": "Stall at the library",
        "venue": "Central library",
        "postcode": "fe1 2ab",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
        **values,
    }


def fresh(db_session, model, key):
    found = db_session.get(model, key)
    db_session.refresh(found)
    return found


@pytest.fixture
def second_champion(world, db_session):
    """Another champion of the north service, down as helping at the north stall."""
    person, grant = add_person(db_session, "champion-two", role="champion", service=world.north, wte=0.1)
    db_session.add(EventWorker(event_id=world.events["north"].id, person_id=person.id, hours=2))
    db_session.commit()
    return person, grant


def as_champion(client, world):
    act_as(client, world.people["champion"], world.grants["champion"])


# --- The rules on their own ----------------------------------------------------------------------


def test_add_counts_keeps_totals_whole_and_breakdowns_within_reach():
    totals = {"counts": {"reached": 2, "leaflets": 0}, "breakdowns": {"age_band": {"18_25": 2}}}
    new, error = tally.add_counts(totals, {"reached": 1, "age_band.26_35": 1})
    assert error is None
    assert new["counts"]["reached"] == 3 and new["breakdowns"]["age_band"] == {"18_25": 2, "26_35": 1}
    assert totals["counts"]["reached"] == 2, "the totals given are never changed"

    assert tally.add_counts(totals, {"age_band.26_35": 1}) == (
        totals,
        "The ages add up to 3, but you reached 2 people.",
    )
    assert tally.add_counts(totals, {"leaflets": -1}) == (totals, "Leaflets given cannot go below 0.")
    # Taking a breakdown back to 0 leaves no empty rows behind.
    assert tally.add_counts(totals, {"age_band.18_25": -2})[0]["breakdowns"] == {}


def test_a_breakdown_tap_counts_a_new_person_only_when_everyone_reached_is_already_in_it():
    totals = {"counts": {"reached": 1}, "breakdowns": {"gender": {"female": 1}}}
    assert tally.tap_counts(totals, "gender.male", 1) == {"reached": 1, "gender.male": 1}
    # The same person's age: they are already counted as reached.
    assert tally.tap_counts(totals, "age_band.18_25", 1) == {"age_band.18_25": 1}
    assert tally.tap_counts(totals, "gender.female", -1) == {"gender.female": -1}
    assert tally.tap_counts(totals, "leaflets", 1) == {"leaflets": 1}


@pytest.mark.parametrize(
    "counts, message",
    [
        ({"hugs": 1}, "We do not count 'hugs'"),
        ({"gender.robot": 1}, "We do not count"),
        ({"reached": 1.5}, "whole number"),
        ({"reached": "1"}, "whole number"),
        ({"reached": True}, "whole number"),
        ({"reached": 0}, "nothing to add"),
        ({}, "Send the counts"),
        ({"reached": 10_000}, "at most 500"),
    ],
)
def test_unknown_or_odd_counts_are_refused(counts, message):
    assert message in tally.check_counts(counts).errors["counts"]


# --- The sync API ---------------------------------------------------------------------------------


def test_sync_creates_an_event_and_counts_its_tallies(client, world, db_session):
    as_champion(client, world)
    event = a_new_event()
    taps = [a_tally(event["uuid"], {"reached": 1, "gender.female": 1}), a_tally(event["uuid"], {"leaflets": 3})]
    response = sync(client, {"events": [event], "tallies": taps})

    assert response.status_code == 200, response.json
    [event_answer] = response.json["events"]
    assert event_answer["status"] == "created"
    stored = db_session.exec(select(Event).where(Event.uuid == event["uuid"])).one()
    assert event_answer["url"] == f"/events/{stored.id}/stall"
    assert event_answer["finish_url"] == f"/events/{stored.id}/edit"
    assert [answer["status"] for answer in response.json["tallies"]] == ["created", "created"]
    assert response.json["tallies"][-1]["totals"]["counts"]["leaflets"] == 3
    assert (stored.title, stored.postcode, stored.postcode_district) == ("Stall at the library", "FE1 2AB", "FE1")
    assert (stored.reached, stored.leaflets, stored.breakdowns) == (1, 3, {"gender": {"female": 1}})
    assert stored.service_id == world.north.id and stored.created_by_id == world.people["champion"].id
    [worker] = db_session.exec(select(EventWorker).where(EventWorker.event_id == stored.id)).all()
    assert (worker.person_id, worker.hours) == (world.people["champion"].id, 2.0)
    changes = db_session.exec(select(TallyChange).where(TallyChange.event_id == stored.id)).all()
    assert sorted(change.uuid for change in changes) == sorted(tap["uuid"] for tap in taps)


def test_a_replayed_batch_is_answered_duplicate_and_changes_nothing(client, world, db_session):
    as_champion(client, world)
    north = world.events["north"]
    event = a_new_event()
    payload = {"events": [event], "tallies": [a_tally(north, {"reached": 2}), a_tally(event["uuid"], {"leaflets": 1})]}
    assert sync(client, payload).status_code == 200

    again = sync(client, payload)
    assert again.status_code == 200
    assert [answer["status"] for answer in again.json["events"] + again.json["tallies"]] == ["duplicate"] * 3
    assert fresh(db_session, Event, north.id).reached == 14
    assert len(db_session.exec(select(Event).where(Event.uuid == event["uuid"])).all()) == 1
    assert len(db_session.exec(select(TallyChange)).all()) == 2


def test_two_champions_tallying_one_event_both_count(client, app, world, db_session, second_champion):
    north = world.events["north"]
    other_phone = app.test_client()
    act_as(other_phone, *second_champion)
    as_champion(client, world)
    first = sync(
        client, {"tallies": [a_tally(north, {"reached": 1, "gender.male": 1}), a_tally(north, {"leaflets": 2})]}
    )
    second = sync(other_phone, {"tallies": [a_tally(north, {"reached": 3, "gender.female": 2})]})

    assert first.status_code == second.status_code == 200
    assert second.json["tallies"][0]["totals"]["counts"]["reached"] == 16
    stored = fresh(db_session, Event, north.id)
    assert (stored.reached, stored.leaflets) == (16, 22)
    assert stored.breakdowns == {"gender": {"male": 1, "female": 2}}
    by_whom = {change.recorded_by_id for change in db_session.exec(select(TallyChange)).all()}
    assert by_whom == {world.people["champion"].id, second_champion[0].id}


def test_staff_who_tally_an_event_are_put_down_as_running_it(client, world, db_session):
    talk = world.events["trainer"]
    act_as(client, world.people["manager"], world.grants["manager"])
    assert sync(client, {"tallies": [a_tally(talk, {"reached": 1})]}).status_code == 200
    worker = db_session.exec(
        select(EventWorker).where(EventWorker.event_id == talk.id, EventWorker.person_id == world.people["manager"].id)
    ).one()
    assert worker.hours == 0


@pytest.mark.parametrize(
    "counts, field, message",
    [
        ({"leaflets": -21}, "counts", "Leaflets given cannot go below 0."),
        ({"age_band.18_25": 13}, "counts", "The ages add up to 13, but you reached 12 people."),
        ({"selfies": 1}, "counts", "We do not count 'selfies'"),
        ({"reached": 0.5}, "counts", "whole number"),
    ],
)
def test_bad_tallies_are_rejected_with_a_reason_and_change_nothing(client, world, db_session, counts, field, message):
    as_champion(client, world)
    north = world.events["north"]
    good = a_tally(north, {"interested": 1})
    response = sync(client, {"tallies": [a_tally(north, counts), good]})

    assert response.status_code == 400
    bad_answer, good_answer = response.json["tallies"]
    assert bad_answer["status"] == "rejected" and message in bad_answer["errors"][field]
    assert good_answer["status"] == "created", "one bad tap never holds back the rest"
    stored = fresh(db_session, Event, north.id)
    assert (stored.reached, stored.leaflets, stored.interested, stored.breakdowns) == (12, 20, 1, {})
    assert [change.uuid for change in db_session.exec(select(TallyChange)).all()] == [good["uuid"]]


def test_a_tally_dated_in_the_future_is_rejected(client, world):
    as_champion(client, world)
    later = (utcnow() + timedelta(hours=1)).isoformat()
    response = sync(client, {"tallies": [a_tally(world.events["north"], {"reached": 1}, recorded_at=later)]})
    assert response.json["tallies"][0]["errors"] == {
        "recorded_at": "This change is dated in the future. Check the phone's clock."
    }


def test_events_that_start_too_late_or_end_before_they_start_are_rejected(client, world, db_session):
    as_champion(client, world)
    now = utcnow()
    next_week = a_new_event(
        starts_at=(now + timedelta(days=7)).isoformat(), ends_at=(now + timedelta(days=7, hours=2)).isoformat()
    )
    backwards = a_new_event(ends_at=(now - timedelta(hours=1)).isoformat())
    nameless = a_new_event(title="  ", postcode="nowhere", event_type="party")
    response = sync(client, {"events": [next_week, backwards, nameless]})

    assert response.status_code == 400
    errors = [answer["errors"] for answer in response.json["events"]]
    assert "too far in the future" in errors[0]["starts_at"]
    assert errors[1] == {"ends_at": "The end must be after the start."}
    assert set(errors[2]) == {"title", "postcode", "event_type"}
    assert db_session.exec(select(Event).where(Event.title == "Stall at the library")).all() == []


def test_another_services_event_is_not_found_and_an_unknown_one_neither(client, world, db_session):
    as_champion(client, world)
    south = world.events["south"]
    response = sync(client, {"tallies": [a_tally(south, {"reached": 1}), a_tally(new_uuid(), {"reached": 1})]})
    answers = response.json["tallies"]
    assert [answer["errors"]["event_uuid"] for answer in answers] == [answers[1]["errors"]["event_uuid"]] * 2
    assert "could not find" in answers[0]["errors"]["event_uuid"]
    assert fresh(db_session, Event, south.id).reached == 0


def test_a_champion_may_not_tally_an_event_they_are_not_running(client, world, db_session):
    as_champion(client, world)
    talk = world.events["trainer"]
    response = sync(client, {"tallies": [a_tally(talk, {"reached": 1})]})
    assert "not down as running this event" in response.json["tallies"][0]["errors"]["event_uuid"]
    assert fresh(db_session, Event, talk.id).reached == 0
    assert db_session.exec(select(EventWorker).where(EventWorker.event_id == talk.id)).all() == []


@pytest.mark.parametrize(
    "body",
    [None, [], {"events": "x"}, {"events": [], "tallies": []}, {"tallies": [{}] * 201}],
)
def test_malformed_batches_are_refused_without_a_crash(client, world, body):
    as_champion(client, world)
    token = csrf_token(client, "/account/")
    response = client.post(SYNC, json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert response.json["error"]


def test_junk_items_are_rejected_one_by_one(client, world):
    as_champion(client, world)
    response = sync(client, {"events": [1, {"uuid": "x"}], "tallies": ["x", {"uuid": new_uuid(), "counts": []}]})
    assert response.status_code == 400
    assert [answer["status"] for answer in response.json["events"] + response.json["tallies"]] == ["rejected"] * 4


def test_the_sync_api_needs_a_csrf_token_a_login_and_a_staff_role(client, world):
    as_champion(client, world)
    assert client.post(SYNC, json={"tallies": [a_tally(world.events["north"], {"reached": 1})]}).status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    token = csrf_token(client, "/login")
    assert client.post(SYNC, json={"tallies": []}, headers={"X-CSRFToken": token}).status_code == 401
    act_as(client, world.people["client"], world.grants["client"])
    assert sync(client, {"tallies": [a_tally(world.events["north"], {"reached": 1})]}).status_code == 403


# --- The tally screen and its no-script forms --------------------------------------------------------

FORM = re.compile(
    r'name="uuid" value="([^"]+)">\s*<input type="hidden" name="counter" value="([^"]+)">\s*'
    r'<input type="hidden" name="delta" value="(-?1)">'
)


def tap_forms(html: str) -> dict:
    return {(counter, int(delta)): change for change, counter, delta in FORM.findall(html)}


def test_the_tally_screen_shows_totals_with_a_form_for_every_button(client, world):
    as_champion(client, world)
    north = world.events["north"]
    response = client.get(f"/events/{north.id}/stall")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-total="reached">12<' in html and 'data-total="leaflets">20<' in html
    forms = tap_forms(html)
    for counter in ("reached", "leaflets", "signposted", "interested", "registered", "gender.female", "age_band.18_25"):
        assert (counter, 1) in forms and (counter, -1) in forms
    assert len(set(forms.values())) == len(forms), "each button carries its own UUID"
    assert "Who did you reach?" in html and "All sent" in html
    assert f'href="/events/{north.id}/edit"' in html


def test_a_tap_without_script_is_added_once_even_when_sent_twice(client, world, db_session):
    as_champion(client, world)
    north = world.events["north"]
    forms = tap_forms(client.get(f"/events/{north.id}/stall").get_data(as_text=True))
    data = {"uuid": forms[("gender.female", 1)], "counter": "gender.female", "delta": "1"}
    path = f"/events/{north.id}/stall"

    first = post_form(client, path, data)
    assert first.status_code == 302 and first.headers["Location"] == path
    again = post_form(client, path, data)  # the back button and "resend"
    assert again.status_code == 302
    stored = fresh(db_session, Event, north.id)
    # 12 people reached and none in a gender yet: the tap is about one of them.
    assert (stored.reached, stored.breakdowns) == (12, {"gender": {"female": 1}})
    assert len(db_session.exec(select(TallyChange)).all()) == 1

    post_form(client, path, {"uuid": forms[("leaflets", 1)], "counter": "leaflets", "delta": "1"})
    assert fresh(db_session, Event, north.id).leaflets == 21
    assert 'data-total="leaflets">21<' in client.get(path).get_data(as_text=True)


def test_a_tap_that_would_go_below_zero_says_why(client, world, db_session):
    as_champion(client, world)
    north = world.events["north"]
    path = f"/events/{north.id}/stall"
    response = post_form(
        client, path, {"uuid": new_uuid(), "counter": "interested", "delta": "-1"}, follow_redirects=True
    )
    assert "Asked to be contacted cannot go below 0." in response.get_data(as_text=True)
    assert fresh(db_session, Event, north.id).interested == 0
    odd = post_form(client, path, {"uuid": new_uuid(), "counter": "reached", "delta": "5"}, follow_redirects=True)
    assert "That tap was not understood" in odd.get_data(as_text=True)
    assert fresh(db_session, Event, north.id).reached == 12


@pytest.mark.parametrize(
    "who, expected", [("champion", 200), ("trainer", 200), ("manager", 200), ("south-manager", 404)]
)
def test_who_may_open_the_north_tally(client, world, who, expected):
    act_as(client, world.people[who], world.grants[who])
    assert client.get(f"/events/{world.events['north'].id}/stall").status_code == expected


def test_a_champion_may_not_open_or_tap_someone_elses_event(client, world, db_session):
    as_champion(client, world)
    talk = world.events["trainer"]
    assert client.get(f"/events/{talk.id}/stall").status_code == 403
    tapped = post_form(client, f"/events/{talk.id}/stall", {"uuid": new_uuid(), "counter": "reached", "delta": "1"})
    assert tapped.status_code == 403
    assert fresh(db_session, Event, talk.id).reached == 0


def test_the_event_page_slot_links_to_the_tally_and_counts_what_arrived(client, world, app):
    as_champion(client, world)
    north = world.events["north"]
    sync(client, {"tallies": [a_tally(north, {"reached": 1}), a_tally(north, {"leaflets": 1})]})
    with app.test_request_context():
        from flask import render_template

        html = render_template("community/_event_stall.html", event=north)
    assert f'href="/events/{north.id}/stall"' in html
    assert "2 tally changes received from the stall" in html


# --- Starting a stall ------------------------------------------------------------------------------


def start_form(client) -> dict:
    html = client.get("/stall/new").get_data(as_text=True)
    return {
        "uuid": re.search(r'name="uuid" value="([^"]+)"', html).group(1),
        "end_time": re.search(r'name="end_time" type="time"[^>]*value="([^"]*)"', html).group(1),
    }


def test_starting_a_stall_makes_the_event_and_goes_to_its_tally(client, world, db_session):
    as_champion(client, world)
    form = start_form(client)
    data = {**form, "event_type": "stall", "title": "Stall at the fair", "venue": "Park", "postcode": "FE1 2AB"}
    response = post_form(client, "/stall/new", data)

    event = db_session.exec(select(Event).where(Event.uuid == form["uuid"])).one()
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}/stall"
    assert (event.title, event.event_type, event.created_by_id) == (
        "Stall at the fair",
        "stall",
        world.people["champion"].id,
    )
    assert to_london(event.ends_at).strftime("%H:%M") == form["end_time"]
    assert abs((event.starts_at - utcnow()).total_seconds()) < 300
    worker = db_session.exec(select(EventWorker).where(EventWorker.event_id == event.id)).one()
    assert worker.person_id == world.people["champion"].id and worker.hours > 0

    # A second tap on "Start" sends the same form again: still one event, and the same tally.
    again = post_form(client, "/stall/new", data)
    assert again.headers["Location"] == f"/events/{event.id}/stall"
    assert len(db_session.exec(select(Event).where(Event.title == "Stall at the fair")).all()) == 1
    # After an offline start, the start page sends the phone on to the event once it arrived.
    assert client.get(f"/stall/new?event={form['uuid']}").headers["Location"] == f"/events/{event.id}/stall"


def test_the_start_form_says_what_to_fix_and_saves_nothing(client, world, db_session):
    as_champion(client, world)
    form = start_form(client)
    response = post_form(client, "/stall/new", {**form, "title": "", "postcode": "nowhere", "end_time": "soon"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-error"' in html and 'id="postcode-error"' in html and 'id="end_time-error"' in html
    assert form["uuid"] in html, "the same UUID, so fixing and sending again makes one event"
    assert db_session.exec(select(Event).where(Event.uuid == form["uuid"])).first() is None


def test_a_start_page_link_for_someone_elses_event_does_not_show_it(client, world):
    as_champion(client, world)
    for event in (world.events["trainer"], world.events["south"]):
        response = client.get(f"/stall/new?event={event.uuid}")
        assert response.status_code == 200 and event.title not in response.get_data(as_text=True)


def test_taps_from_two_phones_at_the_same_moment_all_count(app, world, db_session, second_champion):
    """Each change locks the event row, so changes racing each other add up instead of one
    overwriting the other; a replay racing its original is still stored once."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session

    north = world.events["north"]
    people = [world.people["champion"].id, second_champion[0].id]
    replayed = new_uuid()
    jobs = [(people[n % 2], new_uuid()) for n in range(20)] + [(people[0], replayed), (people[1], replayed)]

    def send(job):
        person_id, change_uuid = job
        with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
            event = session.get(Event, north.id)
            applied = tally.apply_tally(
                session, event, uuid=change_uuid, counts={"leaflets": 1}, person_id=person_id, recorded_at=utcnow()
            )
            return applied.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(send, jobs))

    assert statuses.count("created") == 21 and statuses.count("duplicate") == 1
    assert fresh(db_session, Event, north.id).leaflets == 20 + 21


@pytest.mark.parametrize(
    "now_london, end_time, expected_end",
    [
        ("2026-11-22 14:00", "16:00", "2026-11-22 16:00"),
        ("2026-11-22 22:30", "00:30", "2026-11-23 00:30"),  # an evening stall runs past midnight
        ("2026-11-22 14:00", "10:00", None),  # a slip, not a 20-hour stall
        ("2026-11-22 14:00", "14:00", None),
    ],
)
def test_the_planned_end_may_be_after_midnight_but_not_half_a_day_away(now_london, end_time, expected_end):
    from datetime import datetime

    from pwa.clock import LONDON
    from pwa.community.stall_views import check_start

    now = datetime.fromisoformat(now_london).replace(tzinfo=LONDON)
    form = {"event_type": "stall", "title": "Evening stall", "venue": "", "postcode": "", "end_time": end_time}

    checked = check_start(form, now=now)

    if expected_end is None:
        assert "end_time" in checked.errors
    else:
        assert checked.ok, checked.errors
        assert to_london(checked.values["ends_at"]).strftime("%Y-%m-%d %H:%M") == expected_end
