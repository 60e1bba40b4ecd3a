"""The diary sync API: batches, idempotency by UUID, per-entry answers, bad input, access."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models import DiaryEntry, DiaryEntryRevision
from pwa.clock import utcnow
from tests.conftest import act_as

URL = "/api/v1/diary/entries"


@pytest.fixture
def client_api(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    token = client.get("/api/v1/session").get_json()["csrf_token"]

    def post(body, *, raw: bytes | None = None):
        return client.post(
            URL,
            data=raw if raw is not None else json.dumps(body),
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )

    return post


def mood(value=3, **extra):
    return {"uuid": str(uuid.uuid4()), "kind": "mood", "mood": value, **extra}


def rows(db_session, world, **where):
    query = select(DiaryEntry).where(DiaryEntry.client_id == world.clients["own"].id)
    for name, value in where.items():
        query = query.where(getattr(DiaryEntry, name) == value)
    db_session.expire_all()
    return db_session.exec(query).all()


def test_session_endpoint_gives_identity_and_token(client, world):
    anonymous = client.get("/api/v1/session").get_json()
    assert anonymous["logged_in"] is False and anonymous["csrf_token"]
    act_as(client, world.people["client"], world.grants["client"])
    body = client.get("/api/v1/session").get_json()
    assert body["logged_in"] is True and body["person_id"] == world.people["client"].id and body["role"] == "client"


def test_batch_is_saved_and_answered_per_entry(client_api, db_session, world):
    batch = [mood(4), {"uuid": str(uuid.uuid4()), "kind": "activity", "activity": "walking", "minutes": 25}]
    response = client_api({"entries": batch})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [result["status"] for result in results] == ["created", "created"]
    assert [result["uuid"] for result in results] == [entry["uuid"] for entry in batch]
    assert len(rows(db_session, world, uuid=batch[0]["uuid"])) == 1
    stored = rows(db_session, world, uuid=batch[1]["uuid"])[0]
    assert stored.minutes == 25 and stored.entered_by_id == world.people["client"].id
    # History starts at the first change (see test_diary_pages); a new entry is its own first version.
    assert db_session.exec(select(DiaryEntryRevision).where(DiaryEntryRevision.entry_id == stored.id)).all() == []


def test_same_uuid_twice_gives_one_row(client_api, db_session, world):
    entry = mood(5, occurred_at=utcnow().isoformat())
    first = client_api({"entries": [entry]}).get_json()["results"][0]
    again = client_api({"entries": [entry]})
    assert again.status_code == 200
    assert again.get_json()["results"][0] == {"uuid": entry["uuid"], "status": "duplicate", "id": first["id"]}
    assert len(rows(db_session, world, uuid=entry["uuid"])) == 1


def test_same_uuid_twice_in_one_batch_gives_one_row(client_api, db_session, world):
    entry = mood(2)
    results = client_api({"entries": [entry, entry]}).get_json()["results"]
    assert [result["status"] for result in results] == ["created", "duplicate"]
    assert len(rows(db_session, world, uuid=entry["uuid"])) == 1


def test_changed_body_under_the_same_uuid_is_not_accepted(client_api, db_session, world):
    entry = mood(2)
    client_api({"entries": [entry]})
    response = client_api({"entries": [{**entry, "mood": 5}]})
    assert response.status_code == 400
    result = response.get_json()["results"][0]
    assert result["status"] == "rejected" and "different entry" in result["errors"]["uuid"]
    assert [row.mood for row in rows(db_session, world, uuid=entry["uuid"])] == [2]


def test_bad_entries_are_rejected_with_reasons_and_good_ones_still_saved(client_api, db_session, world):
    good, bad = mood(3), {"uuid": str(uuid.uuid4()), "kind": "weight", "weight_kg": 999}
    response = client_api({"entries": [good, bad, "junk"]})
    assert response.status_code == 400
    results = response.get_json()["results"]
    assert results[0]["status"] == "created"
    assert results[1] == {
        "uuid": bad["uuid"],
        "status": "rejected",
        "errors": {"weight_kg": "Weight: kg from 25 to 350."},
    }
    assert results[2]["status"] == "rejected" and "entry" in results[2]["errors"]
    assert rows(db_session, world, uuid=bad["uuid"]) == []
    assert len(rows(db_session, world, uuid=good["uuid"])) == 1


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[]", b'{"entries": {}}', b'{"entries": []}', b'{"entries": "x"}', b'{"other": []}', b"null"],
)
def test_malformed_batches_get_400_never_500(client_api, raw):
    response = client_api(None, raw=raw)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_batches_are_limited_in_size(client_api):
    response = client_api({"entries": [mood() for _ in range(201)]})
    assert response.status_code == 400 and "at most 200" in response.get_json()["error"]


def test_entry_for_another_clients_account_is_refused(client_api, db_session, world):
    entry = mood(3, client_id=world.clients["south"].id)
    response = client_api({"entries": [entry]})
    assert response.status_code == 400
    assert response.get_json()["results"][0]["errors"]["client_id"] == "You can only add to your own diary."
    db_session.expire_all()
    assert db_session.exec(select(DiaryEntry).where(DiaryEntry.uuid == entry["uuid"])).all() == []


def test_own_client_id_is_accepted(client_api, world):
    response = client_api({"entries": [mood(3, client_id=world.clients["own"].id)]})
    assert response.get_json()["results"][0]["status"] == "created"


def test_not_logged_in_gets_401_json(client, world):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    response = client.post(URL, json={"entries": [mood()]}, headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json()["error"]


@pytest.mark.parametrize("role", ["trainer", "champion", "manager", "site-admin"])
def test_staff_cannot_post_to_the_api(client, world, role):
    act_as(client, world.people[role], world.grants[role])
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    response = client.post(URL, json={"entries": [mood()]}, headers={"X-CSRFToken": token})
    assert response.status_code == 403 and response.is_json


def test_csrf_header_is_required(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    response = client.post(URL, json={"entries": [mood()]})
    assert response.status_code == 400 and response.is_json


# Junk of every shape: the API must answer 200 or 400 with JSON, never a 500.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["uuid", "kind", "day", "time", "occurred_at", "note", "meal", "description", "food_groups", "portions",
     "minutes", "activity", "intensity", "steps", "drink", "quantity", "volume_ml", "abv", "marker", "tobacco",
     "cigarettes", "mood", "mood_words", "weight_kg", "client_id"]
)  # fmt: skip
plausible_entries = st.fixed_dictionaries(
    {
        "uuid": st.uuids().map(str),
        "kind": st.sampled_from(["food", "activity", "alcohol", "smoking", "mood", "weight"]),
    },
    optional={"extra": st.dictionaries(field_names, json_values, max_size=6)},
).map(lambda entry: {**{k: v for k, v in entry.items() if k != "extra"}, **entry.get("extra", {})})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(plausible_entries | json_values, min_size=0, max_size=5) | json_values)
def test_junk_never_causes_a_server_error(client_api, batch):
    response = client_api({"entries": batch} if isinstance(batch, list) else batch)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body, dict)
    for result in body.get("results", []):
        assert result["status"] in ("created", "duplicate", "rejected")


def test_a_uuid_saved_by_a_racing_request_is_answered_as_duplicate(db_session, world, monkeypatch):
    """Two requests with the same UUID at once: the loser's insert hits the unique index, and it
    then finds the winner's row and answers "duplicate" (no error, no second row)."""
    from pwa.clock import utcnow
    from pwa.diary import store
    from pwa.diary.rules import check_entry

    record = world.clients["own"]
    checked = [check_entry(mood(3), now=utcnow()), check_entry(mood(4), now=utcnow())]
    assert store.save_new_entries(db_session, record, checked[:1], None)[0].status == "created"
    real_lookup = store.existing_entries
    calls = []

    def lookup_that_misses_the_first_time(*args):
        calls.append(args)
        return {} if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(store, "existing_entries", lookup_that_misses_the_first_time)
    results = store.save_new_entries(db_session, record, checked, None)
    assert [result.status for result in results] == ["duplicate", "created"]
    assert len(rows(db_session, world, uuid=checked[0].values["uuid"])) == 1
