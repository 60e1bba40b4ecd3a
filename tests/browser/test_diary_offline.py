"""Diary entries from a phone: sent at once with signal, kept on the phone without it, and
stored exactly once when they are sent, even when an answer is lost or the login ran out."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import DiaryEntry
from tests.browser.conftest import PHONE
from tests.browser.helpers import h1_text, log_in, wait_for_controlling_worker

QUEUED_UUIDS = "() => DiaryQueue.list().then((records) => records.map((record) => record.uuid))"


@pytest.fixture
def own_rows(world, db_session):
    """A function giving the client's diary rows added since the world was built."""
    known = {entry.id for entry in world.entries.values()}
    client_id = world.clients["own"].id

    def rows() -> list[DiaryEntry]:
        found = db_session.exec(select(DiaryEntry).where(DiaryEntry.client_id == client_id)).all()
        # End the read at once: SQLite must not be held while the app writes.
        db_session.rollback()
        return [row for row in found if row.id not in known]

    return rows


@pytest.fixture
def no_worker_page(browser):
    """A phone page whose requests page.route can see: no service worker answers them."""
    context = browser.new_context(service_workers="block", **PHONE)
    yield context.new_page()
    context.close()


def wait_until_the_queue_is_empty(page, seconds: float = 10) -> None:
    """Poll the phone's queue (wait_for_function does not wait for a promise's value)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate("() => DiaryQueue.count()") == 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"entries still queued: {page.evaluate(QUEUED_UUIDS)}")


def containing(text: str) -> re.Pattern:
    return re.compile(re.escape(text))


def choose(page, group: str, option: str) -> None:
    page.get_by_role("group", name=group).get_by_role("radio", name=option, exact=True).check()


def unsent_summary(page):
    return page.locator("#unsent-summary")


def go_online_client(page, base_url) -> None:
    """Log in as the client and let the service worker take control of the pages."""
    log_in(page, base_url, "client")
    wait_for_controlling_worker(page)


def test_entries_added_with_signal_are_saved_once_and_listed(live_server, page, world, own_rows):
    base = live_server.url
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    log_in(page, base, "client")
    # The login was a boosted swap: the page still knows who is logged in now.
    assert page.evaluate("() => document.body.dataset.personId") == str(world.people["client"].id)

    page.goto(base + "/diary/add/mood")
    choose(page, "How do you feel?", "Good")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base + "/today")
    # Sent by the script through the sync API (from the page or its worker), not by the form.
    assert not [url for url in posts if "/diary/add" in url], posts
    expect(page.locator("#diary-status")).to_have_text("Saved.")
    expect(page.locator(".entries")).to_contain_text("Mood good")

    page.goto(base + "/diary/add/activity")
    choose(page, "What did you do?", "Walking")
    page.get_by_label("How many minutes?").fill("30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base + "/today")
    # The world already had a 30-minute walk today: now there are two.
    expect(page.locator(".entries li", has_text="Walking, 30 minutes")).to_have_count(2)

    rows = own_rows()
    assert sorted((row.kind, row.mood, row.activity, row.minutes) for row in rows) == [
        ("activity", None, "walking", 30),
        ("mood", 4, None, None),
    ]
    assert len({row.uuid for row in rows}) == 2
    assert page.evaluate(QUEUED_UUIDS) == []


def test_entries_added_offline_wait_on_the_phone_and_are_sent_once(live_server, page, world, own_rows):
    base = live_server.url
    go_online_client(page, base)
    page.goto(base + "/diary/add/mood")
    page.context.set_offline(True)

    # From the add page that was already open.
    choose(page, "How do you feel?", "Very good")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#diary-status")).to_have_text("Saved on this phone. It will be sent when you are online.")
    expect(unsent_summary(page)).to_contain_text("1 entry saved on this phone, not sent yet.")
    expect(page.get_by_role("radio", name="Very good")).not_to_be_checked()

    # From the offline page the worker shows for any page with no signal.
    page.goto(base + "/today")
    assert h1_text(page) == "You are offline"
    page.get_by_role("button", name="Drink-free day").click()
    expect(unsent_summary(page)).to_contain_text("2 entries saved on this phone")
    page.get_by_label("Your weight in kg").fill("80.5")
    page.get_by_role("button", name="Save weight").click()
    expect(unsent_summary(page)).to_contain_text("3 entries saved on this phone, not sent yet.")
    expect(page.locator("#unsent-list li")).to_have_text(
        [containing("Mood very good"), containing("Drink-free day"), containing("Weight 80.5 kg")]
    )

    page.reload()
    assert h1_text(page) == "You are offline"
    expect(unsent_summary(page)).to_contain_text("3 entries saved on this phone, not sent yet.")
    expect(page.locator("#unsent-list li")).to_have_count(3)
    uuids = sorted(page.evaluate(QUEUED_UUIDS))
    assert own_rows() == []

    page.context.set_offline(False)  # the page hears "online" and sends
    expect(page.locator("#unsent")).to_be_hidden()
    wait_until_the_queue_is_empty(page)
    rows = own_rows()
    assert sorted(row.uuid for row in rows) == uuids
    assert sorted((row.kind, row.mood, row.marker, row.weight_kg) for row in rows) == [
        ("alcohol", None, "drink_free", None),
        ("mood", 5, None, None),
        ("weight", None, None, 80.5),
    ]

    page.goto(base + "/today")
    expect(page.locator(".entries")).to_contain_text("Drink-free day")
    page.reload()
    expect(page.locator("#unsent")).to_be_hidden()
    assert len(own_rows()) == 3


def test_a_lost_answer_is_sent_again_and_stored_once(live_server, no_worker_page, world, own_rows):
    page = no_worker_page
    base = live_server.url
    log_in(page, base, "client")
    page.goto(base + "/diary/add/weight")
    posts = []

    def lose_the_first_answer(route):
        posts.append(route.request.post_data_json)
        response = route.fetch()  # the server gets it and saves it...
        if len(posts) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/diary/entries", lose_the_first_answer)
    page.get_by_label("Your weight in kg").fill("81")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#diary-status")).to_contain_text("Saved on this phone.")
    assert len(own_rows()) == 1

    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#unsent")).to_be_hidden()
    assert len(posts) == 2
    assert posts[0] == posts[1], "the replay must be the same entry, time included"
    # "Now" was fixed when it was saved on the phone, not left to the server.
    sent = posts[0]["entries"][0]
    assert "occurred_at" in sent and "day" not in sent and "time" not in sent, sent
    rows = own_rows()
    assert [(row.uuid, row.weight_kg) for row in rows] == [(posts[0]["entries"][0]["uuid"], 81.0)]


def test_entries_wait_for_a_new_login_when_the_old_one_ran_out(live_server, page, world, own_rows):
    base = live_server.url
    go_online_client(page, base)
    page.goto(base + "/diary/add/mood")
    page.context.set_offline(True)
    choose(page, "How do you feel?", "OK")
    page.get_by_role("button", name="Save").click()
    expect(unsent_summary(page)).to_contain_text("1 entry saved on this phone")
    [uuid] = page.evaluate(QUEUED_UUIDS)

    page.context.clear_cookies()
    page.context.set_offline(False)
    expect(unsent_summary(page)).to_contain_text("Log in again to send them.")
    assert page.evaluate(QUEUED_UUIDS) == [uuid]
    assert own_rows() == []

    page.goto(base + "/login")
    expect(page.locator("#unsent-login")).to_have_text("1 diary entry is saved on this phone. Log in to send it.")
    log_in(page, base, "client")
    wait_until_the_queue_is_empty(page)
    expect(page.locator("#unsent")).to_be_hidden()
    assert [(row.uuid, row.mood) for row in own_rows()] == [(uuid, 3)]
    page.reload()
    assert len(own_rows()) == 1


def test_an_entry_the_server_refuses_shows_the_reason_next_to_the_field(live_server, page, world, own_rows):
    base = live_server.url
    log_in(page, base, "client")
    page.goto(base + "/diary/add/weight")
    page.get_by_label("Your weight in kg").fill("999")
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/diary/add/" in response.url
    ) as post:
        page.get_by_role("button", name="Save").click()
    assert post.value.status == 422
    expect(page.locator("#weight_kg-error")).to_contain_text("Weight: kg from 25 to 350.")
    expect(page.get_by_label("Your weight in kg")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate(QUEUED_UUIDS) == []
    assert own_rows() == []


def test_a_refused_entry_from_the_queue_can_be_removed(live_server, page, world, own_rows):
    base = live_server.url
    go_online_client(page, base)
    page.goto(base + "/diary/add/weight")
    page.context.set_offline(True)
    page.get_by_label("Your weight in kg").fill("999")
    page.get_by_role("button", name="Save").click()
    expect(unsent_summary(page)).to_contain_text("1 entry saved on this phone")

    page.context.set_offline(False)
    item = page.locator("#unsent-list li")
    expect(item).to_contain_text("Not saved: Weight: kg from 25 to 350.")
    page.goto(base + "/today")
    expect(page.locator("#unsent-badge")).to_have_text("Diary: 1 not sent")
    expect(item).to_contain_text("Weight 999 kg")
    item.get_by_role("button", name="Remove Weight 999 kg").click()
    expect(page.locator("#unsent")).to_be_hidden()
    expect(page.locator("#unsent-badge")).to_be_hidden()
    assert page.evaluate(QUEUED_UUIDS) == []
    assert own_rows() == []


def test_the_worker_sends_the_queue_on_background_sync(live_server, page, world, own_rows):
    base = live_server.url
    go_online_client(page, base)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller")
    page.evaluate(
        """() => {
            navigator.serviceWorker.addEventListener("message", (event) => { window.fromWorker = event.data; });
            return DiaryQueue.add([{uuid: DiaryQueue.newUuid(), kind: "smoking", marker: "smoke_free"}],
                document.body.dataset.personId);
        }"""
    )
    [uuid] = page.evaluate(QUEUED_UUIDS)

    for _ in range(50):
        found = [item for item in registrations if item["scopeURL"] == base + "/"]
        if found:
            break
        page.wait_for_timeout(100)  # CDP events arrive while Playwright waits
    registration = found[0]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": base, "registrationId": registration["registrationId"], "tag": "diary-sync", "lastChance": False},
    )
    page.wait_for_function("() => window.fromWorker && window.fromWorker.type === 'diary-queue-changed'")
    assert page.evaluate(QUEUED_UUIDS) == []
    assert [(row.uuid, row.marker) for row in own_rows()] == [(uuid, "smoke_free")]
