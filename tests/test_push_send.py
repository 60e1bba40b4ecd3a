"""Sending with the real pywebpush to a push service on the loopback: what arrives decrypts (RFC
8291) to the payload and carries a valid VAPID signature (RFC 8292); each phone gets each
notification once, whatever crashes or runs twice; gone phones are removed; busy services retried."""

import json
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import DiaryEntry, Notification, PushDelivery, PushSubscription, ReminderChoice
from pwa.reminders import send
from pwa.reminders.payloads import payload_for, push_headers, ttl_for
from pwa.reminders.send import claim, prune_finished, send_due
from pwa.reminders.vapid import generate_keys
from tests.push_service import check_vapid, start_push_service

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, 10 am in London (GMT)
SUBJECT = "mailto:reminders@example.org"


@pytest.fixture
def keys(app):
    return generate_keys(app)


@pytest.fixture
def own(world, db_session):
    """Client "own" with reminders on (no quiet hours) and no phone yet: the world's phone has a
    made-up address, so tests add phones on the loopback push service."""
    client = world.clients["own"]
    db_session.delete(world.devices["client"])
    db_session.add(ReminderChoice(service_id=client.service_id, client_id=client.id, quiet_hours=False))
    db_session.commit()
    return client


def add_phone(db_session, own, service, name):
    phone = service.phone(name)
    row = phone.subscription(own.person_id)
    db_session.add(row)
    db_session.commit()
    phone.row_id = row.id
    return phone


def add_notification(db_session, own, kind="message", key="message:1", due=NOW, expires=None) -> Notification:
    notification = Notification(
        service_id=own.service_id,
        client_id=own.id,
        person_id=own.person_id,
        kind=kind,
        dedupe_key=key,
        due_at=due,
        expires_at=expires or due + timedelta(hours=24),
        next_attempt_at=due,
    )
    db_session.add(notification)
    db_session.commit()
    return notification


def run(db_session, keys, now=NOW):
    return send_due(db_session, now, keys, SUBJECT, timeout=5)


def fresh(db_session, model, row_id):
    db_session.expire_all()
    return db_session.get(model, row_id)


def deliveries(db_session, notification_id) -> list[PushDelivery]:
    db_session.expire_all()
    query = select(PushDelivery).where(PushDelivery.notification_id == notification_id).order_by(PushDelivery.id)
    return list(db_session.exec(query).all())


@pytest.mark.parametrize(
    ("kind", "body", "url", "urgency"),
    [
        ("diary", "Time to fill in your diary", "/today", "normal"),
        ("session_day_before", "You have a session tomorrow", "/", "normal"),
        ("session_hour_before", "Your session starts in an hour", "/", "high"),
        ("goal_check_in", "Time to check in on your goals", "/goals", "normal"),
        ("message", "You have a new message", "/messages", "normal"),
    ],
)
def test_payloads_say_nothing_private(kind, body, url, urgency):
    notification = Notification(id=7, kind=kind, expires_at=NOW + timedelta(minutes=90), due_at=NOW)
    assert payload_for(notification) == {"title": "Health Trainer", "body": body, "url": url, "tag": "n7"}
    assert push_headers(notification) == {"Urgency": urgency, "Topic": "n7"}
    assert ttl_for(notification, NOW) == 5400
    assert ttl_for(notification, NOW + timedelta(hours=2)) == 0


def test_round_trip_decrypts_to_the_payload_with_a_valid_vapid_signature(db_session, own, push_service, keys):
    phone = add_phone(db_session, own, push_service, "one")
    notification = add_notification(db_session, own, expires=NOW + timedelta(hours=3))

    summary = run(db_session, keys)

    assert (summary.sent, summary.pushes, summary.failed, summary.retrying) == (1, 1, 0, 0)
    [request] = push_service.requests_for("one")
    plain = phone.decrypt(request.body)
    assert json.loads(plain) == payload_for(notification)
    assert json.loads(plain) == {
        "title": "Health Trainer",
        "body": "You have a new message",
        "url": "/messages",
        "tag": f"n{notification.id}",
    }
    assert b"Casey" not in plain
    check_vapid(request, phone.endpoint, SUBJECT, keys.public_key)
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(3 * 3600)
    assert request.headers["topic"] == f"n{notification.id}"
    assert request.headers["urgency"] == "normal"

    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.attempts, stored.finished_at, stored.claimed_by) == ("sent", 1, NOW, "")
    [log] = deliveries(db_session, notification.id)
    assert (log.outcome, log.status_code, log.attempts, log.push_host) == ("sent", 201, 1, "127.0.0.1")
    assert log.subscription_id == phone.row_id
    assert fresh(db_session, PushSubscription, phone.row_id).last_success_at == NOW


def test_running_twice_sends_once(db_session, own, push_service, keys):
    add_phone(db_session, own, push_service, "one")
    add_notification(db_session, own)

    first = run(db_session, keys)
    second = run(db_session, keys)

    assert first.sent == 1 and second == send.SendSummary()
    assert len(push_service.requests_for("one")) == 1


def test_two_runs_at_once_send_each_notification_once(app, db_session, own, push_service, keys):
    add_phone(db_session, own, push_service, "one")
    made = [add_notification(db_session, own, key=f"message:{n}") for n in range(12)]
    engine = app.extensions["db_engine"]
    summaries = []

    def one_run():
        with Session(engine, expire_on_commit=False) as session:
            summaries.append(run(session, keys))

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()

    topics = sorted(request.headers["topic"] for request in push_service.requests_for("one"))
    assert topics == sorted(f"n{notification.id}" for notification in made)
    assert sum(summary.sent for summary in summaries) == 12


def test_a_claim_is_taken_by_one_run_only(app, db_session, own, keys):
    notification = add_notification(db_session, own)
    engine = app.extensions["db_engine"]
    with Session(engine) as first, Session(engine) as second:
        taken = claim(first, NOW, NOW + timedelta(minutes=5))
        again = claim(second, NOW, NOW + timedelta(minutes=5))
    assert [row.id for row in taken] == [notification.id] and again == []
    stored = fresh(db_session, Notification, notification.id)
    assert stored.status == "sending" and stored.lease_until == NOW + timedelta(minutes=5)


def test_every_phone_of_the_client_gets_it(db_session, own, push_service, keys):
    phones = [add_phone(db_session, own, push_service, name) for name in ("android", "iphone")]
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)

    assert summary.sent == 1 and summary.pushes == 2
    for phone in phones:
        [request] = push_service.requests_for(phone.name)
        assert json.loads(phone.decrypt(request.body))["tag"] == f"n{notification.id}"
    assert [row.outcome for row in deliveries(db_session, notification.id)] == ["sent", "sent"]


def test_claims_are_fresh_for_each_push_service(db_session, own, push_service, keys):
    other_service = start_push_service()
    try:
        first = add_phone(db_session, own, push_service, "first")
        second = add_phone(db_session, own, other_service, "second")
        add_notification(db_session, own)

        run(db_session, keys)

        [to_first] = push_service.requests_for("first")
        [to_second] = other_service.requests_for("second")
        assert check_vapid(to_first, first.endpoint, SUBJECT, keys.public_key)["aud"] == push_service.origin
        assert check_vapid(to_second, second.endpoint, SUBJECT, keys.public_key)["aud"] == other_service.origin
        assert push_service.origin != other_service.origin
    finally:
        other_service.close()


def test_a_gone_phone_is_removed_and_logged(db_session, own, push_service, keys):
    gone = add_phone(db_session, own, push_service, "gone")
    kept = add_phone(db_session, own, push_service, "kept")
    push_service.answer("gone", 410)
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)

    assert (summary.sent, summary.devices_removed, summary.pushes) == (1, 1, 1)
    assert fresh(db_session, PushSubscription, gone.row_id) is None
    assert fresh(db_session, PushSubscription, kept.row_id) is not None
    outcomes = {(row.subscription_id, row.outcome, row.status_code) for row in deliveries(db_session, notification.id)}
    assert outcomes == {(gone.row_id, "gone", 410), (kept.row_id, "sent", 201)}


@pytest.mark.parametrize("status", [404, 410])
def test_when_the_only_phone_is_gone_the_notification_fails(db_session, own, push_service, keys, status):
    phone = add_phone(db_session, own, push_service, "only")
    push_service.answer("only", status)
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)
    run(db_session, keys, NOW + timedelta(hours=1))

    assert (summary.failed, summary.devices_removed) == (1, 1)
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.reason, stored.finished_at) == ("failed", "no devices", NOW)
    assert fresh(db_session, PushSubscription, phone.row_id) is None
    assert len(push_service.requests_for("only")) == 1


def test_a_refused_push_counts_against_the_phone(db_session, own, push_service, keys):
    phone = add_phone(db_session, own, push_service, "bad")
    push_service.answer("bad", 403)
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)
    run(db_session, keys, NOW + timedelta(hours=1))

    assert summary.failed == 1
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.reason) == ("failed", "every phone refused it")
    device = fresh(db_session, PushSubscription, phone.row_id)
    assert (device.failures_in_a_row, device.last_failure_at) == (1, NOW)
    assert [(row.outcome, row.status_code) for row in deliveries(db_session, notification.id)] == [("refused", 403)]
    assert len(push_service.requests_for("bad")) == 1


def test_too_many_requests_waits_as_long_as_the_push_service_asks(db_session, own, push_service, keys):
    add_phone(db_session, own, push_service, "busy")
    push_service.answer("busy", 429, {"Retry-After": "120"})
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)

    assert summary.retrying == 1
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.attempts, stored.next_attempt_at, stored.claimed_by) == (
        "pending",
        1,
        NOW + timedelta(seconds=120),
        "",
    )
    assert [(row.outcome, row.status_code) for row in deliveries(db_session, notification.id)] == [("retry", 429)]

    assert run(db_session, keys, NOW + timedelta(seconds=119)) == send.SendSummary()
    push_service.answer("busy", 201)
    later = run(db_session, keys, NOW + timedelta(seconds=120))

    assert later.sent == 1 and len(push_service.requests_for("busy")) == 2
    [log] = deliveries(db_session, notification.id)
    assert (log.outcome, log.attempts) == ("sent", 2)
    assert fresh(db_session, Notification, notification.id).status == "sent"


def test_server_errors_back_off_then_give_up_after_six_tries(db_session, own, push_service, keys):
    add_phone(db_session, own, push_service, "down")
    push_service.answer("down", 503)
    notification = add_notification(db_session, own)

    moment, waits = NOW, []
    for _ in range(5):
        run(db_session, keys, moment)
        stored = fresh(db_session, Notification, notification.id)
        assert stored.status == "pending"
        waits.append(stored.next_attempt_at - moment)
        moment = stored.next_attempt_at
    last = run(db_session, keys, moment)

    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 30, 60)]
    assert last.failed == 1
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.attempts, stored.reason) == ("failed", 6, "gave up after 6 tries")
    assert len(push_service.requests_for("down")) == 6
    [log] = deliveries(db_session, notification.id)
    assert (log.outcome, log.status_code, log.attempts) == ("retry", 503, 6)


def test_no_retry_after_the_reminder_stops_being_useful(db_session, own, push_service, keys):
    add_phone(db_session, own, push_service, "down")
    push_service.answer("down", 503)
    notification = add_notification(db_session, own, expires=NOW + timedelta(seconds=50))

    summary = run(db_session, keys)

    assert summary.failed == 1
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.reason) == ("failed", "too late to try again")


def test_an_unreachable_push_service_is_tried_again(db_session, own, keys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    phone = start_push_service().phone("x")  # only for its keys
    db_session.add(
        PushSubscription(
            person_id=own.person_id, endpoint=f"http://127.0.0.1:{port}/push/x", p256dh=phone.p256dh, auth=phone.auth
        )
    )
    db_session.commit()
    notification = add_notification(db_session, own)

    summary = run(db_session, keys)

    assert summary.retrying == 1
    stored = fresh(db_session, Notification, notification.id)
    assert (stored.status, stored.next_attempt_at) == ("pending", NOW + timedelta(minutes=1))
    [log] = deliveries(db_session, notification.id)
    assert log.outcome == "retry" and log.status_code is None and "ConnectionError" in log.detail


class Crash(BaseException):
    """Stands for the process dying (not an error the run could catch)."""


def test_after_a_crash_the_next_run_sends_only_to_the_phones_still_waiting(
    db_session, own, push_service, keys, monkeypatch
):
    first = add_phone(db_session, own, push_service, "first")
    add_phone(db_session, own, push_service, "second")
    notification = add_notification(db_session, own)
    real_push = send.push_to

    def dies_before_the_second_phone(device, *args, **kwargs):
        if device.id != first.row_id:
            raise Crash
        return real_push(device, *args, **kwargs)

    monkeypatch.setattr(send, "push_to", dies_before_the_second_phone)
    with pytest.raises(Crash):
        run(db_session, keys)
    db_session.rollback()
    monkeypatch.setattr(send, "push_to", real_push)
    stored = fresh(db_session, Notification, notification.id)
    assert stored.status == "sending"
    assert [row.outcome for row in deliveries(db_session, notification.id)] == ["sent"]

    # Still claimed by the dead run: nobody takes it until the lease runs out.
    assert run(db_session, keys, NOW + timedelta(minutes=4)) == send.SendSummary()
    takeover = run(db_session, keys, NOW + timedelta(minutes=6))

    assert takeover.sent == 1 and takeover.pushes == 1
    assert len(push_service.requests_for("first")) == 1
    assert len(push_service.requests_for("second")) == 1
    assert fresh(db_session, Notification, notification.id).status == "sent"


def test_a_stale_claim_is_taken_over_without_resending(db_session, own, push_service, keys):
    first = add_phone(db_session, own, push_service, "first")
    add_phone(db_session, own, push_service, "second")
    notification = add_notification(db_session, own)
    notification.status, notification.claimed_by = "sending", "dead-run"
    notification.lease_until = NOW - timedelta(seconds=1)
    db_session.add(notification)
    db_session.add(PushDelivery(notification_id=notification.id, subscription_id=first.row_id, outcome="sent"))
    db_session.commit()

    summary = run(db_session, keys)

    assert summary.sent == 1 and summary.pushes == 1
    assert push_service.requests_for("first") == []
    assert len(push_service.requests_for("second")) == 1


def test_an_error_in_our_code_does_not_keep_the_notification_claimed(db_session, own, push_service, keys, monkeypatch):
    add_phone(db_session, own, push_service, "one")
    broken = add_notification(db_session, own, key="message:1")
    fine = add_notification(db_session, own, key="message:2")

    def reason_to_skip(session, notification, now):
        if notification.id == broken.id:
            raise RuntimeError("a bug")
        return None

    monkeypatch.setattr(send, "reason_to_skip", reason_to_skip)
    summary = run(db_session, keys)

    assert (summary.sent, summary.retrying) == (1, 1)
    stored = fresh(db_session, Notification, broken.id)
    assert (stored.status, stored.claimed_by, stored.next_attempt_at) == ("pending", "", NOW + timedelta(minutes=1))
    assert fresh(db_session, Notification, fine.id).status == "sent"


@pytest.mark.parametrize(("logged", "status"), [(True, "skipped"), (False, "sent")])
def test_the_diary_reminder_is_skipped_when_the_client_logged_today(
    db_session, own, push_service, keys, logged, status
):
    add_phone(db_session, own, push_service, "one")
    evening = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # 7 pm in London (GMT)
    if logged:
        db_session.add(
            DiaryEntry(
                uuid="5b0c2f43-9a4e-4a8e-9d0c-1f1e2d3c4b5a",
                service_id=own.service_id,
                client_id=own.id,
                kind="mood",
                mood=4,
                occurred_at=evening - timedelta(hours=9),
                day=evening.date(),
                body_hash="test",
            )
        )
    notification = add_notification(
        db_session, own, kind="diary", key="diary:2026-11-23", due=evening, expires=datetime(2026, 11, 24, tzinfo=UTC)
    )

    run(db_session, keys, evening)

    stored = fresh(db_session, Notification, notification.id)
    assert stored.status == status
    assert stored.reason == ("already logged today" if logged else "")
    assert len(push_service.requests_for("one")) == (0 if logged else 1)


def test_finished_notifications_are_pruned_after_90_days(db_session, own):
    def finished(key, days_ago, status="sent"):
        notification = add_notification(db_session, own, key=key, due=NOW - timedelta(days=days_ago))
        notification.status = status
        notification.finished_at = NOW - timedelta(days=days_ago) if status != "pending" else None
        db_session.add(notification)
        db_session.add(PushDelivery(notification_id=notification.id, subscription_id=1, outcome="sent"))
        db_session.commit()
        return notification.id

    old = finished("message:1", 91)
    recent = finished("message:2", 89, "failed")
    waiting = finished("message:3", 91, "pending")

    assert prune_finished(db_session, NOW) == 1

    db_session.expire_all()
    left = {row.id for row in db_session.exec(select(Notification)).all()}
    assert left == {recent, waiting}
    assert {row.notification_id for row in db_session.exec(select(PushDelivery)).all()} == {recent, waiting}
    assert old not in left
