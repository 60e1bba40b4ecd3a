"""The issue's "Done when", end to end: a client turns on a 7 pm diary reminder on their phone and
receives it on days they have not logged, never twice, and a trainer's "well done" arrives as a
notification that reveals nothing on the lock screen.

Every part is real (login and forms in Chromium, the reminders page's script, the database,
`flask --app pwa send-due`, pywebpush's encryption and VAPID signature, the service worker)
except the push service, which no test can reach: a loopback server (tests/push_service.py)
plays it, and the phone's side of the subscription is a TestPhone whose private key the test
holds. What that push service receives is decrypted with it and handed to the real service
worker through DevTools (ServiceWorker.deliverPushMessage), as the push service would.

The story's days are the three days before today (London), so the client can log one of them
through the real diary form (it takes the last 14 days, not the future).
"""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import delete, select

from models import DiaryEntry, Message, Notification, PushSubscription, ReminderChoice
from pwa.clock import LONDON, london_today
from pwa.reminders import vapid
from tests.browser.conftest import PHONE
from tests.browser.helpers import log_in, wait_for_controlling_worker
from tests.browser.test_reminders import FAKE_PUSH_MANAGER
from tests.push_service import TestPhone, check_vapid

SUBJECT = "mailto:reminders@example.org"
DIARY_PUSH = {"title": "Health Trainer", "body": "Time to fill in your diary", "url": "/today"}
MESSAGE_PUSH = {"title": "Health Trainer", "body": "You have a new message", "url": "/messages"}

# The notifications the service worker shows with one tag, polled in the page (up to 5 s).
SHOWN_WITH_TAG = """async (tag) => {
    const registration = await navigator.serviceWorker.ready;
    for (let tries = 0; tries < 100; tries += 1) {
        const found = (await registration.getNotifications()).filter((n) => n.tag === tag);
        if (found.length) {
            return found.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url }));
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return [];
}"""


@pytest.fixture
def casey(app, world, db_session):
    """Casey (client "own") agreed to messages in the app, has no phone and no messages yet, and has
    never opened the reminders page. Their trainer is called Jo Bloggs. The service has VAPID keys."""
    app.config["VAPID_SUBJECT"] = SUBJECT
    record = world.clients["own"]
    record.contact_by_app = True
    trainer = world.people["trainer"]
    trainer.display_name = "Jo Bloggs"
    db_session.add_all([record, trainer])
    db_session.delete(world.devices["client"])
    db_session.exec(delete(Message))
    db_session.commit()
    return record


class ServiceWorkerPushes:
    """Push messages handed to the page's service worker through DevTools, and what it then shows."""

    def __init__(self, context: BrowserContext, page: Page, origin: str):
        self.page, self.origin = page, origin
        self.cdp = context.new_cdp_session(page)
        registrations = []
        self.cdp.on(
            "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
        )
        self.cdp.send("ServiceWorker.enable")
        page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
        for _ in range(200):  # events arrive while Playwright waits on the page
            if any(not item["isDeleted"] for item in registrations):
                break
            page.wait_for_timeout(50)
        live = [item["registrationId"] for item in registrations if not item["isDeleted"]]
        assert live, f"DevTools told of no service worker registration: {registrations}"
        self.registration_id = live[-1]

    def deliver(self, data: bytes) -> None:
        self.cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.origin, "registrationId": self.registration_id, "data": data.decode()},
        )

    def shown(self, tag: str) -> list[dict]:
        return self.page.evaluate(SHOWN_WITH_TAG, tag)

    def deliver_and_show(self, data: bytes, tag: str) -> list[dict]:
        """Deliver the push and return what the worker shows with this tag. Under load DevTools
        can hand a push to a worker that is still starting and drop it, so it is delivered again
        (at most three times) until something shows; a repeat with the same tag replaces it."""
        for _ in range(3):
            self.deliver(data)
            found = self.shown(tag)
            if found:
                return found
        return []


def at_london(day: date, clock: str) -> str:
    """--now for send-due: a London wall-clock time on a London day."""
    return f"{day.isoformat()}T{clock}"


def after_default_quiet_hours(moment: datetime) -> datetime:
    """When something created at `moment` may be pushed with the default quiet hours (21:00 to 08:00)."""
    local = moment.astimezone(LONDON)
    if time(8) <= local.time() < time(21):
        return moment
    day = local.date() + timedelta(days=1 if local.time() >= time(21) else 0)
    return datetime.combine(day, time(8), tzinfo=LONDON).astimezone(UTC)


def test_the_7pm_diary_reminder_and_a_trainers_well_done_reach_the_phone(
    app, live_server, browser, context, runner, db_session, push_service, casey, world
):
    """Casey turns on a 7 pm diary reminder on their phone. On a day they have not logged they get
    one reminder, however often send-due runs; on a day they logged before 7 pm they get none; the
    next day without an entry they get one again. Then their trainer taps "Great week!": Casey's
    phone says only "You have a new message", and the words are on their Messages page."""
    base = live_server.url
    keys = vapid.generate_keys(app)
    phone: TestPhone = push_service.phone("caseys-phone")
    first_day, logged_day, third_day = (london_today() - timedelta(days=back) for back in (3, 2, 1))

    def pushes() -> list:
        return push_service.requests_for("caseys-phone")

    def send_due(now: str) -> str:
        result = runner.invoke(args=["send-due", "--now", now])
        assert result.exit_code == 0, result.output
        return result.output

    def notification(key: str) -> Notification:
        found = db_session.exec(
            select(Notification).where(Notification.client_id == casey.id, Notification.dedupe_key == key)
        ).one()
        db_session.rollback()  # end the read: SQLite must not be held while the app writes
        return found

    # 1. On the phone: log in, choose the diary reminder at 7 pm, and turn reminders on.
    subscription = {"endpoint": phone.endpoint, "keys": {"p256dh": phone.p256dh, "auth": phone.auth}}
    context.add_init_script(script=FAKE_PUSH_MANAGER % json.dumps(subscription))
    context.grant_permissions(["notifications"], origin=base)
    page = context.new_page()
    log_in(page, base, "client")
    wait_for_controlling_worker(page)
    page.get_by_role("link", name="Reminders on my phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")
    page.get_by_label("Send me reminders").check()
    page.get_by_label("Remind me to fill in my diary every day").check()
    page.get_by_label("Diary reminder time").fill("19:00")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Saved. Your reminder choices are changed.")).to_be_visible()
    choice = db_session.exec(select(ReminderChoice).where(ReminderChoice.client_id == casey.id)).one()
    db_session.rollback()
    assert (choice.enabled, choice.diary_daily, choice.diary_time) == (True, True, time(19, 0))

    page.get_by_role("button", name="Turn on reminders").click()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")
    stored = db_session.exec(select(PushSubscription).where(PushSubscription.person_id == casey.person_id)).all()
    db_session.rollback()
    assert [(row.endpoint, row.p256dh, row.auth) for row in stored] == [(phone.endpoint, phone.p256dh, phone.auth)]

    # 2. 7 pm on a day with nothing logged: one push, encrypted to the phone and signed by the service.
    assert send_due(at_london(first_day, "19:00")).startswith("Planned 1. Sent 1, skipped 0")
    [push] = pushes()
    reminder = notification(f"diary:{first_day.isoformat()}")
    assert json.loads(phone.decrypt(push.body)) == {**DIARY_PUSH, "tag": f"n{reminder.id}"}
    check_vapid(push, phone.endpoint, SUBJECT, keys.public_key)
    assert push.headers["ttl"] == str(5 * 3600)  # no use after that London day ends
    # Never twice: cron runs it again in the same minute, and the next minute.
    assert send_due(at_london(first_day, "19:00")).startswith("Planned 0. Sent 0, skipped 0")
    assert send_due(at_london(first_day, "19:01")).startswith("Planned 0. Sent 0, skipped 0")
    assert len(pushes()) == 1
    assert notification(f"diary:{first_day.isoformat()}").status == "sent"

    # 3. The phone shows it (the push service would hand the service worker these bytes).
    worker = ServiceWorkerPushes(context, page, base)
    assert worker.deliver_and_show(phone.decrypt(push.body), f"n{reminder.id}") == [
        {**DIARY_PUSH, "tag": f"n{reminder.id}"}
    ]

    # 4. The next day Casey logs their mood at lunchtime through the diary form: no reminder at 7 pm.
    page.goto(f"{base}/diary/add/mood?day={logged_day.isoformat()}")
    page.get_by_role("group", name="How do you feel?").get_by_role("radio", name="Good", exact=True).check()
    page.get_by_label("Time", exact=True).fill("12:30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/diary/day/{logged_day.isoformat()}")
    # Said by the diary script, or by the server if the form was posted before the script was ready.
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    logged = db_session.exec(
        select(DiaryEntry.kind, DiaryEntry.day).where(DiaryEntry.client_id == casey.id, DiaryEntry.day == logged_day)
    ).all()
    db_session.rollback()
    assert logged == [("mood", logged_day)]
    assert send_due(at_london(logged_day, "19:00")).startswith("Planned 1. Sent 0, skipped 1")
    assert len(pushes()) == 1
    skipped = notification(f"diary:{logged_day.isoformat()}")
    assert (skipped.status, skipped.reason) == ("skipped", "already logged today")

    # The day after, nothing logged: one reminder again.
    assert send_due(at_london(third_day, "19:00")).startswith("Planned 1. Sent 1, skipped 0")
    assert send_due(at_london(third_day, "19:00")).startswith("Planned 0. Sent 0, skipped 0")
    assert len(pushes()) == 2
    again = notification(f"diary:{third_day.isoformat()}")
    assert json.loads(phone.decrypt(pushes()[1].body)) == {**DIARY_PUSH, "tag": f"n{again.id}"}

    # 5. Casey's trainer sends "Great week!" with one tap from Casey's record.
    trainer_context = browser.new_context(**PHONE)
    try:
        trainer = trainer_context.new_page()
        log_in(trainer, base, "trainer")
        trainer.goto(f"{base}/clients/{casey.id}")
        trainer.get_by_role("link", name="Messages", exact=True).click()
        expect(trainer.get_by_role("heading", level=1)).to_have_text("Messages to Casey Client")
        expect(trainer.get_by_text('It only says "You have a new message"')).to_be_visible()
        trainer.get_by_role("button", name="Great week!", exact=True).click()
        expect(trainer.get_by_role("status")).to_have_text("Message sent.")
    finally:
        trainer_context.close()
    message = db_session.exec(select(Message).where(Message.client_id == casey.id)).one()
    db_session.rollback()
    assert message.body == "Great week!"
    alert = notification(f"message:{message.id}")
    # Due when it was sent, or when Casey's quiet hours (21:00 to 08:00) end if it was sent in them.
    assert alert.due_at == after_default_quiet_hours(message.created_at)
    output = send_due((alert.due_at + timedelta(minutes=1)).isoformat())
    assert "Sent 1," in output, output
    assert len(pushes()) == 3
    push = pushes()[2]
    check_vapid(push, phone.endpoint, SUBJECT, keys.public_key)
    plain = phone.decrypt(push.body)
    assert json.loads(plain) == {**MESSAGE_PUSH, "tag": f"n{alert.id}"}
    text = plain.decode()
    for secret in ("Great week", casey.full_name, "Casey", "Jo Bloggs", "Bloggs", world.people["client"].username):
        assert secret not in text, f"{secret!r} would show on the lock screen: {text}"

    # What the lock screen shows: the plain line, nothing else.
    [shown] = worker.deliver_and_show(plain, f"n{alert.id}")
    assert shown == {**MESSAGE_PUSH, "tag": f"n{alert.id}"}

    # 6. Tapping it opens Messages, where the words are.
    page.goto(base + shown["url"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    item = page.locator(".inbox__item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("From Jo Bloggs")
    expect(item.locator(".keep-lines")).to_have_text("Great week!")
