"""The diary pages without JavaScript: adding, one-tap, editing, deleting, sharing, comments."""

import html
import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, DiaryComment, DiaryEntry, DiaryEntryRevision, DiaryFavourite
from pwa.clock import london_today
from tests.conftest import act_as, post_form
from tests.world import diary_entry


@pytest.fixture
def as_client(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    return client


def own_rows(db_session, world, **where):
    db_session.expire_all()
    query = select(DiaryEntry).where(DiaryEntry.client_id == world.clients["own"].id)
    for name, value in where.items():
        query = query.where(getattr(DiaryEntry, name) == value)
    return db_session.exec(query.order_by(DiaryEntry.id)).all()


def hidden_uuid(page: str) -> str:
    return re.search(r'name="uuid" value="([0-9a-f-]{36})"', page).group(1)


def test_today_shows_entries_and_totals(as_client, world):
    page = as_client.get("/today").get_data(as_text=True)
    assert "<h1>Today</h1>" in page
    assert "Walking, 30 minutes" in page  # the world's entry for today
    assert "30 today. This week: 30 of 150" in page
    assert 'hx-history="false"' in page
    for kind in ["food", "activity", "alcohol", "smoking", "mood", "weight"]:
        assert f'href="/diary/add/{kind}"' in page  # every kind one tap away


def test_add_form_saves_an_entry_without_javascript(as_client, db_session, world):
    form = as_client.get("/diary/add/activity").get_data(as_text=True)
    assert 'inputmode="numeric"' in form
    entry_uuid = hidden_uuid(form)
    response = post_form(
        as_client,
        "/diary/add/activity",
        {"uuid": entry_uuid, "activity": "cycling", "minutes": "45", "intensity": "vigorous"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    [row] = own_rows(db_session, world, uuid=entry_uuid)
    assert (row.activity, row.minutes, row.intensity, row.day) == ("cycling", 45, "vigorous", london_today())
    # The same form sent again (double tap, or back and resend) is saved once.
    post_form(
        as_client,
        "/diary/add/activity",
        {"uuid": entry_uuid, "activity": "cycling", "minutes": "45", "intensity": "vigorous"},
    )
    assert len(own_rows(db_session, world, uuid=entry_uuid)) == 1


@pytest.mark.parametrize(
    "kind, data, field, message",
    [
        ("activity", {"activity": "walking", "minutes": "2000"}, "minutes", "from 1 to 1440"),
        ("weight", {"weight_kg": "999"}, "weight_kg", "from 25 to 350"),
        ("alcohol", {"drink": "other", "volume_ml": "330"}, "abv", "strength"),
        ("food", {"meal": "lunch", "portions": "25"}, "portions", "from 0 to 20"),
        ("mood", {}, "mood", "how you feel"),
        ("smoking", {"cigarettes": "many"}, "cigarettes", "from 1 to 200"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_saved(
    as_client, db_session, world, kind, data, field, message
):
    before = len(own_rows(db_session, world))
    response = post_form(as_client, f"/diary/add/{kind}", {"uuid": str(uuid.uuid4()), **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field}-error"' in page or f"{field}-hint {field}-error" in page
    assert len(own_rows(db_session, world)) == before


def test_time_can_be_set_earlier_but_not_in_the_future_or_too_far_back(as_client, db_session, world):
    yesterday = (london_today() - timedelta(days=1)).isoformat()
    response = post_form(
        as_client, "/diary/add/mood", {"uuid": str(uuid.uuid4()), "mood": "4", "day": yesterday, "time": "08:15"}
    )
    assert response.headers["Location"] == f"/diary/day/{yesterday}"
    too_old = (london_today() - timedelta(days=15)).isoformat()
    response = post_form(
        as_client, "/diary/add/mood", {"uuid": str(uuid.uuid4()), "mood": "4", "day": too_old, "time": "08:15"}
    )
    assert response.status_code == 422 and "last 14 days" in response.get_data(as_text=True)


def one_tap_entries(page: str, label: str) -> list[dict]:
    """The hidden entries of the one-tap form whose button says `label`."""
    for form in re.findall(r'<form method="post" action="/diary/add-many".*?</form>', page, re.S):
        if label in form:
            return [json.loads(html.unescape(value)) for value in re.findall(r'name="entry" value="([^"]+)"', form)]
    raise AssertionError(f"no one-tap button {label!r}")


def tap(client, entries):
    return post_form(client, "/diary/add-many", {"entry": [json.dumps(entry) for entry in entries]})


def test_drink_free_day_in_one_tap(as_client, db_session, world):
    entries = one_tap_entries(as_client.get("/today").get_data(as_text=True), "Drink-free day")
    assert tap(as_client, entries).headers["Location"] == "/today"
    tap(as_client, entries)  # pressed twice: still one
    assert len(own_rows(db_session, world, marker="drink_free")) == 1
    page = as_client.get("/today").get_data(as_text=True)
    assert "Drink-free day <span" in page and "🚱" not in page  # the button goes once marked


def test_drink_preset_in_one_tap_computes_units(as_client, db_session, world):
    page = as_client.get("/diary/add/alcohol").get_data(as_text=True)
    tap(as_client, one_tap_entries(page, "Pint of beer or lager (4%)"))
    [row] = own_rows(db_session, world, kind="alcohol")
    assert row.units == pytest.approx(2.27) and row.quantity == 1


def test_recent_item_repeats_in_two_taps(as_client, db_session, world):
    page = as_client.get("/diary/add/activity").get_data(as_text=True)  # tap 1: the kind
    entries = one_tap_entries(page, "Walking, 30 minutes")  # offered from the world's entry
    assert tap(as_client, entries).status_code == 302  # tap 2
    assert len(own_rows(db_session, world, activity="walking")) == 2


def test_same_meal_as_yesterday(as_client, db_session, world):
    yesterday = london_today() - timedelta(days=1)
    for description in ["Porridge", "Banana"]:
        post_form(
            as_client,
            "/diary/add/food",
            {
                "uuid": str(uuid.uuid4()),
                "meal": "breakfast",
                "description": description,
                "day": yesterday.isoformat(),
                "time": "08:00",
            },
        )
    page = as_client.get("/diary/add/food").get_data(as_text=True)
    entries = one_tap_entries(page, "Same breakfast as yesterday")
    assert len(entries) == 2
    tap(as_client, entries)
    today_rows = [row for row in own_rows(db_session, world, meal="breakfast") if row.day == london_today()]
    assert sorted(row.description for row in today_rows) == ["Banana", "Porridge"]


def test_favourites_are_offered_first(as_client, db_session, world):
    entry_id = world.entries["own"].id
    post_form(as_client, f"/diary/entries/{entry_id}/favourite")
    post_form(as_client, f"/diary/entries/{entry_id}/favourite")  # starring twice keeps one
    db_session.expire_all()
    assert len(db_session.exec(select(DiaryFavourite).where(DiaryFavourite.kind == "activity")).all()) == 1
    page = as_client.get("/diary/add/activity").get_data(as_text=True)
    assert page.index("⭐") < page.index("🕘")


def test_edit_keeps_history_and_delete_can_be_undone(as_client, db_session, world):
    entry_id = world.entries["own"].id
    form = as_client.get(f"/diary/entries/{entry_id}/edit").get_data(as_text=True)
    assert 'value="30"' in form
    response = post_form(
        as_client, f"/diary/entries/{entry_id}/edit", {"activity": "walking", "minutes": "40", "intensity": "moderate"}
    )
    assert response.status_code == 302
    bad = post_form(as_client, f"/diary/entries/{entry_id}/edit", {"activity": "walking", "minutes": "0"})
    assert bad.status_code == 422
    post_form(as_client, f"/diary/entries/{entry_id}/delete")
    assert "Walking, 40 minutes" not in as_client.get("/today").get_data(as_text=True)
    assert "Walking, 40 minutes" in as_client.get("/diary/deleted").get_data(as_text=True)
    post_form(as_client, f"/diary/entries/{entry_id}/restore")
    assert "Walking, 40 minutes" in as_client.get("/today").get_data(as_text=True)
    db_session.expire_all()
    history = db_session.exec(
        select(DiaryEntryRevision).where(DiaryEntryRevision.entry_id == entry_id).order_by(DiaryEntryRevision.version)
    ).all()
    assert [(revision.action, revision.snapshot["minutes"]) for revision in history] == [
        ("create", 30),  # the original, kept at the first change
        ("edit", 40),
        ("delete", 40),
        ("restore", 40),
    ]


def test_client_cannot_touch_another_clients_entry(as_client, world):
    south = world.entries["south"].id
    assert as_client.get(f"/diary/entries/{south}/edit").status_code == 404
    assert post_form(as_client, f"/diary/entries/{south}/delete").status_code == 404
    assert post_form(as_client, f"/diary/entries/{south}/favourite").status_code == 404


def test_week_view_shows_seven_days_and_guideline_figures(as_client, world):
    page = as_client.get("/diary/week").get_data(as_text=True)
    assert page.count('<th scope="col">') == 7
    assert "30 of 150" in page and "Days with entries</dt><dd>1 of 7" in page
    earlier = as_client.get(f"/diary/week?start={(london_today() - timedelta(days=30)).isoformat()}")
    assert earlier.status_code == 200 and "Next week" in earlier.get_data(as_text=True)
    assert as_client.get("/diary/week?start=not-a-date").status_code == 404


# --- Sharing with the trainer -------------------------------------------------------------------


def test_trainer_reads_a_shared_diary_and_comments(client, world, db_session):
    own = world.clients["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/clients/{own.id}/diary/").get_data(as_text=True)
    assert "Walking, 30 minutes" in page
    response = post_form(
        client, f"/clients/{own.id}/diary/comments", {"day": london_today().isoformat(), "text": "Great walk!"}
    )
    assert response.status_code == 302
    response = post_form(client, f"/clients/{own.id}/diary/comments", {"day": london_today().isoformat(), "text": "  "})
    assert db_session.exec(select(DiaryComment)).all()[0].text == "Great walk!"
    audited = {
        event.action for event in db_session.exec(select(AuditEvent).where(AuditEvent.client_id == own.id)).all()
    }
    assert {"view_diary", "comment_diary"} <= audited
    act_as(client, world.people["client"], world.grants["client"])
    assert "Great walk!" in client.get("/today").get_data(as_text=True)
    assert "Great walk!" in client.get("/diary/week").get_data(as_text=True)


def test_trainer_comments_on_an_entry_and_the_client_sees_it_beside_it(client, world, db_session):
    own, entry = world.clients["own"], world.entries["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/clients/{own.id}/diary/").get_data(as_text=True)
    assert f'name="entry_id" value="{entry.id}"' in page
    post_form(
        client, f"/clients/{own.id}/diary/comments", {"day": "2000-01-01", "text": "Nice pace", "entry_id": entry.id}
    )
    [comment] = db_session.exec(select(DiaryComment)).all()
    assert comment.entry_id == entry.id and comment.day == entry.day  # the entry's own day wins
    act_as(client, world.people["client"], world.grants["client"])
    today = client.get("/today").get_data(as_text=True)
    assert re.search(r"Walking, 30 minutes.*?Your health trainer: Nice pace", today, re.S)


def test_trainer_cannot_comment_on_another_clients_entry(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = post_form(
        client,
        f"/clients/{world.clients['own'].id}/diary/comments",
        {"day": london_today().isoformat(), "text": "Hi", "entry_id": world.entries["south"].id},
    )
    assert response.status_code == 400


def test_private_diary_is_closed_to_the_trainer(client, world, db_session):
    act_as(client, world.people["client"], world.grants["client"])
    assert post_form(client, "/diary/sharing", {"shared": "no"}).status_code == 302
    assert post_form(client, "/diary/sharing", {"shared": "maybe"}).status_code == 422
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert client.get(f"/clients/{world.clients['own'].id}/diary/").status_code == 403
    assert "keeps their diary private" in client.get(f"/clients/{world.clients['own'].id}").get_data(as_text=True)
    db_session.expire_all()
    events = [event.action for event in db_session.exec(select(AuditEvent)).all()]
    assert "diary_sharing_off" in events


@pytest.mark.parametrize(
    "actor, client_key, status",
    [
        ("trainer", "own", 200),
        ("trainee", "trainee-own", 200),
        ("trainer", "other-caseload", 403),
        ("trainer", "south", 404),
        ("trainee", "own", 403),
        ("manager", "own", 403),
        ("champion", "own", 403),
        ("client", "own", 403),
        ("site-admin", "own", 403),
    ],
)
def test_who_may_read_a_diary(client, world, actor, client_key, status):
    act_as(client, world.people[actor], world.grants[actor])
    response = client.get(f"/clients/{world.clients[client_key].id}/diary/")
    assert response.status_code == status
    if status != 200:
        assert "Walking, 30 minutes" not in response.get_data(as_text=True)


def test_client_never_sees_another_clients_entries(client, world, db_session):
    db_session.add(diary_entry(world.clients["other-caseload"], "weight", weight_kg=99.9))
    db_session.commit()
    act_as(client, world.people["client"], world.grants["client"])
    for path in ["/today", "/diary/week", "/diary/deleted", "/diary/add/weight"]:
        assert "99.9" not in client.get(path).get_data(as_text=True)


def test_a_client_without_a_record_gets_a_plain_message(client, world, db_session):
    from tests.world import add_person

    person, grant = add_person(db_session, "no-record", role="client", service=world.north)
    db_session.commit()
    act_as(client, person, grant)
    for path in ["/today", "/diary/week", "/goals"]:
        response = client.get(path)
        assert response.status_code == 404
        assert "Your diary is not ready yet" in response.get_data(as_text=True)
