"""Signposting and referral from the client record: records, results, status and access."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models import AuditEvent, Episode, Signpost
from pwa.caseload.signpost_rules import check_result, check_signpost, follow_up_state, signposting_status
from pwa.clock import london_today
from tests.conftest import act_as, post_form


@pytest.fixture
def as_trainer(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    return client


def own_episode(db_session, world) -> Episode:
    db_session.expire_all()
    return db_session.exec(select(Episode).where(Episode.client_id == world.clients["own"].id)).one()


def signposts(db_session) -> list[Signpost]:
    db_session.expire_all()
    # Signposts for clients: the world also holds anonymous ones made from the directory.
    return list(db_session.exec(select(Signpost).where(Signpost.client_id.is_not(None)).order_by(Signpost.id)).all())


def audits(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def signpost_form(**changes) -> dict:
    today = london_today()
    return {
        "destination": "community_voluntary",
        "destination_name": "Tuesday Health Walk",
        "kind": "referral",
        "made_on": today.isoformat(),
        "follow_up_on": (today + timedelta(days=14)).isoformat(),
        **changes,
    }


def add_signpost(db_session, client, episode=None, **fields) -> Signpost:
    values = {
        "service_id": client.service_id,
        "client_id": client.id,
        "episode_id": episode.id if episode else None,
        "destination": "housing",
        "destination_name": "Housing advice",
        "made_on": london_today() - timedelta(days=10),
        **fields,
    }
    signpost = Signpost(**values)
    db_session.add(signpost)
    db_session.commit()
    return signpost


def result_form(target, **changes) -> dict:
    return {"signpost": str(target.id), "result": "attended", "result_on": london_today().isoformat(), **changes}


# --- Rules without HTTP ------------------------------------------------------------------------


def test_signposting_status_is_never_blank():
    episode = SimpleNamespace(id=1, signposting="not_yet_done")
    here, elsewhere = SimpleNamespace(episode_id=1), SimpleNamespace(episode_id=2)
    assert signposting_status(episode, []) == "not_yet_done"
    assert signposting_status(SimpleNamespace(id=1, signposting="not_required"), []) == "not_required"
    assert signposting_status(SimpleNamespace(id=1, signposting="not_required"), [here]) == "done"
    assert signposting_status(episode, [elsewhere]) == "not_yet_done"
    assert signposting_status(SimpleNamespace(id=1, signposting=""), []) == "not_yet_done"
    assert signposting_status(None, []) == "not_yet_done"
    assert signposting_status(None, [elsewhere]) == "done"


def test_follow_up_is_due_overdue_or_nothing():
    today = date(2025, 6, 10)
    assert follow_up_state(SimpleNamespace(result=None, follow_up_on=date(2025, 6, 9)), today) == "overdue"
    assert follow_up_state(SimpleNamespace(result=None, follow_up_on=today), today) == "due"
    assert follow_up_state(SimpleNamespace(result="attended", follow_up_on=date(2025, 6, 1)), today) is None
    assert follow_up_state(SimpleNamespace(result=None, follow_up_on=None), today) is None


def test_not_recorded_is_no_destination():
    assert "destination" in check_signpost(signpost_form(destination="not_recorded"), today=london_today()).errors
    assert check_signpost(signpost_form(destination="gp_primary_care", destination_name=""), today=london_today()).ok


def test_barrier_only_counts_when_they_did_not_go():
    checked = check_result(
        {"result": "attended", "barrier": "cost", "result_on": "2025-06-01"}, today=date(2025, 6, 2), made_on=None
    )
    assert checked.ok and checked.values["barrier"] is None


# --- Adding a signpost --------------------------------------------------------------------------


def test_trainer_signposts_a_client(as_trainer, world, db_session):
    own = world.clients["own"]
    assert as_trainer.get(f"/clients/{own.id}/signposts/new").status_code == 200
    response = post_form(as_trainer, f"/clients/{own.id}/signposts/new", signpost_form(for_family_member="yes"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/{own.id}#signposts")
    [stored] = signposts(db_session)
    assert (stored.destination, stored.destination_name, stored.kind) == (
        "community_voluntary",
        "Tuesday Health Walk",
        "referral",
    )
    assert stored.for_family_member and stored.follow_up_on == london_today() + timedelta(days=14)
    assert stored.episode_id == own_episode(db_session, world).id and stored.by_id == world.people["trainer"].id
    assert stored.client_id == own.id and stored.service_id == own.service_id and stored.result is None
    assert [e.client_id for e in audits(db_session, "add_signpost")] == [own.id]
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert 'id="signposting-status">Done<' in page
    assert "Tuesday Health Walk" in page and "for a family member" in page and "Follow up on" in page


def test_signpost_without_an_episode_is_kept_with_the_client(client, world, db_session):
    case = world.clients["trainee-own"]
    act_as(client, world.people["trainee"], world.grants["trainee"])
    page = client.get(f"/clients/{case.id}").get_data(as_text=True)
    assert 'id="signposting-status">Not done yet<' in page
    assert post_form(client, f"/clients/{case.id}/signposts/new", signpost_form(follow_up_on="")).status_code == 302
    [stored] = signposts(db_session)
    assert stored.episode_id is None and stored.follow_up_on is None and not stored.for_family_member
    page = client.get(f"/clients/{case.id}").get_data(as_text=True)
    assert 'id="signposting-status">Done<' in page and "No follow-up planned" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"destination": ""}, "destination", "what kind of place"),
        ({"destination": "not_recorded"}, "destination", "what kind of place"),
        ({"destination": "the_moon"}, "destination", "what kind of place"),
        ({"destination": "other", "destination_name": ""}, "destination_name", "Write the name"),
        ({"destination_name": "x" * 121}, "destination_name", "under 120"),
        ({"kind": "shove"}, "kind", "Choose signposted, referred"),
        ({"made_on": ""}, "made_on", "Choose the day you made it"),
        ({"made_on": (london_today() + timedelta(days=1)).isoformat()}, "made_on", "cannot be in the future"),
        ({"follow_up_on": "soon"}, "follow_up_on", "real date"),
        ({"follow_up_on": (london_today() - timedelta(days=1)).isoformat()}, "follow_up_on", "before the day you made"),
        ({"follow_up_on": (london_today() + timedelta(days=400)).isoformat()}, "follow_up_on", "within a year"),
    ],
)
def test_bad_signpost_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    response = post_form(as_trainer, f"/clients/{world.clients['own'].id}/signposts/new", signpost_form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert signposts(db_session) == [] and audits(db_session, "add_signpost") == []


# --- Results ------------------------------------------------------------------------------------


def test_trainer_records_what_came_of_a_signpost(as_trainer, world, db_session):
    own = world.clients["own"]
    signpost = add_signpost(
        db_session, own, own_episode(db_session, world), follow_up_on=london_today() - timedelta(days=1)
    )
    record = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Follow-up overdue" in record and f"/signposts/result?signpost={signpost.id}" in record
    url = f"/clients/{own.id}/signposts/result"
    form = as_trainer.get(f"{url}?signpost={signpost.id}").get_data(as_text=True)
    assert f'<option value="{signpost.id}" selected>' in form and "Housing advice" in form
    changes = {"result": "not_attended", "barrier": "transport", "result_note": "No bus on Sunday"}
    assert post_form(as_trainer, url, result_form(signpost, **changes)).status_code == 302
    [stored] = signposts(db_session)
    assert (stored.result, stored.barrier, stored.result_note, stored.result_on) == (
        "not_attended",
        "transport",
        "No bus on Sunday",
        london_today(),
    )
    assert [e.detail for e in audits(db_session, "record_signpost_result")] == [f"signpost {signpost.id}: not_attended"]
    record = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Result: Did not go (Transport): No bus on Sunday" in record and "Follow-up overdue" not in record
    # Changing it later: a new answer clears a barrier that no longer applies.
    assert post_form(as_trainer, url, result_form(signpost, barrier="transport")).status_code == 302
    [stored] = signposts(db_session)
    assert (stored.result, stored.barrier) == ("attended", None)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"result": ""}, "result", "Choose whether they went"),
        ({"result": "maybe"}, "result", "Choose whether they went"),
        ({"result": "not_attended"}, "barrier", "what got in the way"),
        ({"result": "not_attended", "barrier": "dragons"}, "barrier", "what got in the way"),
        ({"result": "not_attended", "barrier": "other"}, "result_note", "what got in the way"),
        ({"result_note": "x" * 301}, "result_note", "under 300"),
        ({"result_on": ""}, "result_on", "Choose the day you found out"),
        ({"result_on": (london_today() + timedelta(days=1)).isoformat()}, "result_on", "cannot be in the future"),
        ({"result_on": (london_today() - timedelta(days=20)).isoformat()}, "result_on", "before the signpost was made"),
        ({"signpost": ""}, "signpost", "Choose which signpost"),
    ],
)
def test_bad_result_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    own = world.clients["own"]
    signpost = add_signpost(db_session, own, own_episode(db_session, world))
    response = post_form(as_trainer, f"/clients/{own.id}/signposts/result", result_form(signpost, **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert signposts(db_session)[0].result is None and audits(db_session, "record_signpost_result") == []


def test_another_clients_signpost_is_not_found(as_trainer, world, db_session):
    own, other, south = world.clients["own"], world.clients["other-caseload"], world.clients["south"]
    theirs = add_signpost(db_session, other)
    southern = add_signpost(db_session, south)
    url = f"/clients/{own.id}/signposts/result"
    for foreign in (theirs, southern):
        assert as_trainer.get(f"{url}?signpost={foreign.id}").status_code == 404
        assert post_form(as_trainer, url, result_form(foreign)).status_code == 404
    for bad in ("abc", "99999999999999999999", "\u00b2"):
        assert as_trainer.get(f"{url}?signpost={bad}").status_code == 404
        assert post_form(as_trainer, url, {**result_form(theirs), "signpost": bad}).status_code == 404
    assert all(signpost.result is None for signpost in signposts(db_session))
    # The list to choose from holds only this client's signposts.
    page = as_trainer.get(url).get_data(as_text=True)
    assert "There are no signposts yet" in page and "Housing advice" not in page


# --- Signposting status -------------------------------------------------------------------------


def test_trainer_sets_signposting_not_needed(as_trainer, world, db_session):
    own = world.clients["own"]
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert 'id="signposting-status">Not done yet<' in page and 'value="not_yet_done" checked' in page
    response = post_form(as_trainer, f"/clients/{own.id}/signposting", {"signposting": "not_required"})
    assert response.status_code == 302
    assert own_episode(db_session, world).signposting == "not_required"
    assert [e.detail for e in audits(db_session, "set_signposting_status")] == ["not_required"]
    assert 'id="signposting-status">Not needed<' in as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)


def test_a_signpost_makes_the_status_done_whatever_was_chosen(as_trainer, world, db_session):
    own = world.clients["own"]
    post_form(as_trainer, f"/clients/{own.id}/signposting", {"signposting": "not_required"})
    add_signpost(db_session, own, own_episode(db_session, world))
    page = as_trainer.get(f"/clients/{own.id}").get_data(as_text=True)
    assert 'id="signposting-status">Done<' in page and 'id="signposting-form"' not in page


def test_bad_signposting_status_is_explained(as_trainer, world, db_session):
    own = world.clients["own"]
    for value in ("", "done", "whatever"):
        response = post_form(as_trainer, f"/clients/{own.id}/signposting", {"signposting": value})
        assert response.status_code == 422
        assert 'id="signposting-error"' in response.get_data(as_text=True)
    assert own_episode(db_session, world).signposting == "not_yet_done"
    assert audits(db_session, "set_signposting_status") == []


def test_signposting_status_needs_an_open_episode(client, world, db_session):
    case = world.clients["trainee-own"]
    act_as(client, world.people["trainee"], world.grants["trainee"])
    response = post_form(
        client, f"/clients/{case.id}/signposting", {"signposting": "not_required"}, follow_redirects=True
    )
    assert "no open plan" in response.get_data(as_text=True)
    assert audits(db_session, "set_signposting_status") == []


# --- Reach --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, expected",
    [("other-trainer", 403), ("south-trainer", 404), ("champion", 403), ("manager", 403), ("client", 403)],
)
def test_who_may_not_signpost(client, world, db_session, actor, expected):
    own = world.clients["own"]
    signpost = add_signpost(db_session, own, own_episode(db_session, world))
    act_as(client, world.people[actor], world.grants[actor])
    for path, form in [
        (f"/clients/{own.id}/signposts/new", signpost_form()),
        (f"/clients/{own.id}/signposts/result", result_form(signpost)),
    ]:
        assert client.get(path).status_code == expected
        assert post_form(client, path, form).status_code == expected
    assert post_form(client, f"/clients/{own.id}/signposting", {"signposting": "not_required"}).status_code == expected
    assert len(signposts(db_session)) == 1 and signposts(db_session)[0].result is None
    assert own_episode(db_session, world).signposting == "not_yet_done"


def test_trainee_signposts_even_when_supervised(client, world, db_session):
    world.north.trainee_mode = "supervised"
    db_session.add(world.north)
    db_session.commit()
    case = world.clients["trainee-own"]
    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert post_form(client, f"/clients/{case.id}/signposts/new", signpost_form()).status_code == 302
    [stored] = signposts(db_session)
    assert post_form(client, f"/clients/{case.id}/signposts/result", result_form(stored)).status_code == 302
    assert signposts(db_session)[0].result == "attended"
    assert [e.actor_role for e in audits(db_session, "add_signpost")] == ["trainee"]


def test_manager_sees_signposting_without_buttons(client, world, db_session):
    own = world.clients["own"]
    add_signpost(db_session, own, own_episode(db_session, world))
    act_as(client, world.people["manager"], world.grants["manager"])
    page = client.get(f"/clients/{own.id}").get_data(as_text=True)
    assert "Housing advice" in page and 'id="signposting-status">Done<' in page
    assert "Signpost or refer" not in page and "Did they go?" not in page
