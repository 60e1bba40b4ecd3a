"""Reminders in a real browser: "Turn on reminders" with a stubbed push service, a push delivered
to the service worker through DevTools, and the choices form with JavaScript off.

No push service is reachable from here, so PushManager.subscribe and getSubscription are
replaced (before any page script runs) by functions returning a fake subscription whose keys
are real: what the page posts is checked by the same server code a phone's would be.
"""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect
from sqlmodel import select

from models import PushSubscription, ReminderChoice
from pwa.reminders import vapid
from tests.browser.helpers import axe_violations, describe_violations, log_in_by_cookie, wait_for_controlling_worker

# Replaces the browser's push subscription with a fake one, kept in localStorage so it
# survives reloads the way a real subscription does.
FAKE_PUSH_MANAGER = """
(() => {
  const fake = %s;
  const toBase64Url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const fromBase64Url = (text) => Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) %% 4)), (c) => c.charCodeAt(0));
  const make = (key) => ({
    endpoint: fake.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: key ? fromBase64Url(key).buffer : null },
    toJSON() { return { endpoint: fake.endpoint, expirationTime: null, keys: fake.keys }; },
    unsubscribe() { localStorage.removeItem("fakePushKey"); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    const key = toBase64Url(options.applicationServerKey);
    localStorage.setItem("fakePushKey", key);
    return Promise.resolve(make(key));
  };
  PushManager.prototype.getSubscription = function () {
    const key = localStorage.getItem("fakePushKey");
    return Promise.resolve(key ? make(key) : null);
  };
})();
"""

READ_STORED_COPY = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("health-trainer-push", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("subscription");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const request = opening.result.transaction("subscription").objectStore("subscription").get("this-phone");
    request.onsuccess = () => { opening.result.close(); resolve(request.result || null); };
  };
})"""


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_subscription(base_url: str) -> dict:
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {
        "endpoint": f"{base_url}/fake-push/{b64url(os.urandom(12))}",
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


def devices_with(db_session, endpoint: str) -> list[PushSubscription]:
    db_session.expire_all()
    return list(db_session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).all())


@pytest.fixture
def keys(app):
    """The service's VAPID key pair, in the live app's instance folder."""
    return vapid.generate_keys(app)


def client_page_with_fake_push(app, live_server, context, world):
    """The client's phone, logged in, whose push manager hands out a fake subscription."""
    fake = fake_subscription(live_server.url)
    context.add_init_script(script=FAKE_PUSH_MANAGER % json.dumps(fake))
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    return page, fake


def test_turn_on_and_off_with_a_stubbed_push_service(app, live_server, context, db_session, world, keys):
    page, fake = client_page_with_fake_push(app, live_server, context, world)
    page.goto(live_server.url + "/today")
    wait_for_controlling_worker(page)
    # A boosted link: the page's script must still run after htmx swaps the body in.
    page.get_by_role("link", name="Reminders on my phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")

    turn_on = page.get_by_role("button", name="Turn on reminders")
    expect(turn_on).to_be_visible()
    expect(page.get_by_text("JavaScript must be turned on")).to_be_hidden()
    turn_on.click()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")

    stored = devices_with(db_session, fake["endpoint"])
    assert [(device.person_id, device.p256dh, device.auth) for device in stored] == [
        (world.people["client"].id, fake["keys"]["p256dh"], fake["keys"]["auth"])
    ]
    assert page.evaluate("localStorage.getItem('fakePushKey')") == keys.public_key  # subscribed with our key
    copy = page.evaluate(READ_STORED_COPY)
    assert copy == {"endpoint": fake["endpoint"], "auth": fake["keys"]["auth"], "key": keys.public_key}
    # The list now has this phone, marked as such, beside the client's other phone.
    phones = page.locator("#my-phones li")
    expect(phones).to_have_count(2)
    expect(page.locator("#my-phones [data-this-phone]:visible")).to_have_count(1)

    # After a reload the page knows this phone is on.
    page.reload()
    turn_off = page.get_by_role("button", name="Turn off reminders on this phone")
    expect(turn_off).to_be_visible()
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_hidden()
    turn_off.click()
    expect(page.locator("#push-status")).to_have_text("Reminders are off for this phone.")
    assert devices_with(db_session, fake["endpoint"]) == []
    assert page.evaluate("localStorage.getItem('fakePushKey')") is None
    assert page.evaluate(READ_STORED_COPY) is None
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()
    expect(phones).to_have_count(1)


def test_logging_out_stops_reminders_on_this_phone(app, live_server, context, db_session, world, keys):
    """A phone may be shared: after logout the service worker drops this phone's subscription, so
    the next push to it is answered "gone" and the server removes it."""
    page, _ = client_page_with_fake_push(app, live_server, context, world)
    page.goto(live_server.url + "/reminders")
    wait_for_controlling_worker(page)
    page.get_by_role("button", name="Turn on reminders").click()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")
    assert page.evaluate(READ_STORED_COPY) is not None

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    # The worker's copy of the subscription goes once it has handled the logout message (polled:
    # wait_for_function does not wait for a promise's value).
    for _ in range(100):
        if page.evaluate(READ_STORED_COPY) is None:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(READ_STORED_COPY) is None, "the subscription was kept after logout"


def test_blocked_notifications_are_explained(app, live_server, context, world, keys):
    context.add_init_script(script=FAKE_PUSH_MANAGER % json.dumps(fake_subscription(live_server.url)))
    context.add_init_script(script="Notification.requestPermission = () => Promise.resolve('denied');")
    page = context.new_page()
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/reminders")
    page.get_by_role("button", name="Turn on reminders").click()
    expect(page.locator("#push-status")).to_contain_text("open your phone's Settings")
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()


def test_a_failed_save_is_said_plainly_and_the_button_stays(app, live_server, context, world, keys):
    fake = fake_subscription(live_server.url)
    fake["keys"]["auth"] = "too-short"  # the server refuses it
    context.add_init_script(script=FAKE_PUSH_MANAGER % json.dumps(fake))
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/reminders")
    wait_for_controlling_worker(page)
    page.get_by_role("button", name="Turn on reminders").click()
    expect(page.locator("#push-status")).to_have_text(
        "Sorry, reminders could not be turned on. Check you have signal and try again."
    )
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_enabled()


def test_iphone_safari_not_installed_is_told_to_add_to_home_screen(app, live_server, browser, world, keys):
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1"
    )
    context = browser.new_context(user_agent=iphone, viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        log_in_by_cookie(page, app, live_server.url, world.people["client"])
        page.goto(live_server.url + "/reminders")
        expect(page.get_by_text('Tap "Add to Home Screen", then "Add".')).to_be_visible()
        expect(page.get_by_role("button", name="Turn on reminders")).to_be_hidden()
    finally:
        context.close()


def test_a_push_reaches_the_service_worker_and_shows_no_health_data(app, live_server, context, world, keys):
    """A real push event, delivered by DevTools (ServiceWorker.deliverPushMessage)."""
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/today")
    wait_for_controlling_worker(page)

    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(50):  # events arrive while Playwright waits on the page
        if any(not item["isDeleted"] for item in registrations):
            break
        page.evaluate("1")
    registration_id = next(item["registrationId"] for item in registrations if not item["isDeleted"])

    def deliver(data: str) -> None:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration_id, "data": data},
        )

    payload = {"title": "Health Trainer", "body": "Time to fill in your diary", "url": "/today", "tag": "n41"}

    def shown(tag: str) -> list[dict]:
        """The notifications the worker shows with this tag, once there are any ("" = no tag)."""
        return page.evaluate(
            """async (tag) => {
                const registration = await navigator.serviceWorker.ready;
                for (let tries = 0; tries < 100; tries += 1) {
                    const found = (await registration.getNotifications()).filter((n) => n.tag === tag);
                    if (found.length) {
                        return found.map((n) => ({
                            title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url,
                        }));
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                return [];
            }""",
            tag,
        )

    def deliver_and_show(data: str, tag: str) -> list[dict]:
        """Under load DevTools can hand a push to a worker that is still starting and drop it:
        deliver again (at most three times) until it shows; a repeat with the same tag replaces it."""
        for _ in range(3):
            deliver(data)
            found = shown(tag)
            if found:
                return found
        return []

    assert deliver_and_show(json.dumps(payload), "n41") == [
        {"title": "Health Trainer", "body": "Time to fill in your diary", "tag": "n41", "url": "/today"}
    ]

    # Unreadable data still shows a reminder, and a link to another site is never followed.
    assert deliver_and_show("not json", "") == [
        {"title": "Health Trainer", "body": "You have a new reminder", "tag": "", "url": "/"}
    ]
    evil = {**payload, "body": "You have a new message", "url": "https://evil.example/x", "tag": "n42"}
    assert deliver_and_show(json.dumps(evil), "n42")[0]["url"] == "/"


def test_choices_form_works_without_javascript(app, live_server, no_js_page, db_session, world, keys):
    page = no_js_page
    phone_endpoint = world.devices["client"].endpoint
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/reminders")
    expect(page.get_by_text("JavaScript must be turned on")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_hidden()

    page.get_by_label("Diary reminder time").fill("22:30")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#diary_time-error")).to_contain_text("This is in your quiet hours")
    db_session.expire_all()
    assert db_session.exec(select(ReminderChoice)).all() == []

    page.get_by_label("Diary reminder time").fill("18:15")
    page.get_by_label("Tell me when my health trainer sends me a message").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Saved. Your reminder choices are changed.")).to_be_visible()
    db_session.expire_all()
    choice = db_session.exec(select(ReminderChoice)).one()
    assert (choice.client_id, choice.diary_time.strftime("%H:%M"), choice.trainer_messages) == (
        world.clients["own"].id,
        "18:15",
        False,
    )

    page.get_by_role("button", name="Remove Android phone").click()
    expect(page.get_by_text("Removed. Reminders will not be sent to that Android phone any more.")).to_be_visible()
    assert devices_with(db_session, phone_endpoint) == []


def test_reminders_page_is_accessible(app, live_server, browser, world, keys):
    context = browser.new_context(bypass_csp=True, service_workers="block", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in_by_cookie(page, app, live_server.url, world.people["client"])
        page.goto(live_server.url + "/reminders")
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()
