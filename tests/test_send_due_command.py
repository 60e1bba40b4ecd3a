"""flask --app pwa vapid-keys and flask --app pwa send-due, run as an operator (or cron) would."""

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models import Notification, PushDelivery, ReminderChoice
from pwa.reminders.vapid import generate_keys, key_file, load_keys, raw_private_key
from tests.push_service import check_vapid

SUBJECT = "mailto:reminders@example.org"


@pytest.fixture
def own(world, db_session):
    """Client "own" with only the daily diary reminder on (7 pm), and no phone yet."""
    client = world.clients["own"]
    db_session.delete(world.devices["client"])
    db_session.add(
        ReminderChoice(
            service_id=client.service_id,
            client_id=client.id,
            quiet_hours=False,
            session_day_before=False,
            session_hour_before=False,
        )
    )
    db_session.commit()
    return client


@pytest.fixture
def ready(app, own, db_session, push_service):
    """Keys made, the subject set, and one phone on the loopback push service."""
    app.config["VAPID_SUBJECT"] = SUBJECT
    keys = generate_keys(app)
    phone = push_service.phone("phone")
    db_session.add(phone.subscription(own.person_id))
    db_session.commit()
    return keys, phone


def test_vapid_keys_are_made_once(app, runner):
    first = runner.invoke(args=["vapid-keys"])
    made = load_keys(app)
    second = runner.invoke(args=["vapid-keys"])

    assert first.exit_code == 0, first.output
    assert f"Public key: {made.public_key}" in first.output
    assert f"VAPID_PRIVATE_KEY={raw_private_key(made.private)}" in first.output
    assert second.exit_code == 0
    assert second.output.strip() == f"Keys already made; public key: {made.public_key}"
    assert load_keys(app).public_key == made.public_key
    assert stat.S_IMODE(os.stat(key_file(app)).st_mode) == 0o600


def test_vapid_keys_new_replaces_them_with_a_warning(app, runner):
    old = generate_keys(app)
    result = runner.invoke(args=["vapid-keys", "--new"])
    assert result.exit_code == 0, result.output
    assert "turn reminders on again" in result.output
    assert load_keys(app).public_key != old.public_key


def test_send_due_without_keys_says_how_to_make_them(app, runner, own):
    app.config["VAPID_SUBJECT"] = SUBJECT
    result = runner.invoke(args=["send-due"])
    assert result.exit_code == 1
    assert "no VAPID keys" in result.output and "flask --app pwa vapid-keys" in result.output


@pytest.mark.parametrize("subject", ["", "admin@example.org"])
def test_send_due_needs_a_contact_address(app, runner, own, subject):
    generate_keys(app)
    app.config["VAPID_SUBJECT"] = subject
    result = runner.invoke(args=["send-due"])
    assert result.exit_code == 1 and "VAPID_SUBJECT" in result.output


def test_send_due_refuses_a_time_it_cannot_read(runner, ready):
    result = runner.invoke(args=["send-due", "--now", "tomorrow at 7"])
    assert result.exit_code == 2 and "2026-11-22T19:00" in result.output


def test_the_7pm_diary_reminder_arrives_once(runner, ready, push_service, db_session):
    keys, phone = ready

    first = runner.invoke(args=["send-due", "--now", "2026-11-23T19:00"])
    again = runner.invoke(args=["send-due", "--now", "2026-11-23T19:00"])
    next_minute = runner.invoke(args=["send-due", "--now", "2026-11-23T19:01"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith("Planned 1. Sent 1, skipped 0")
    assert again.exit_code == 0 and again.output.startswith("Planned 0. Sent 0, skipped 0")
    assert next_minute.exit_code == 0 and next_minute.output.startswith("Planned 0. Sent 0")
    [request] = push_service.requests_for("phone")
    notification = db_session.exec(select(Notification)).one()
    assert json.loads(phone.decrypt(request.body)) == {
        "title": "Health Trainer",
        "body": "Time to fill in your diary",
        "url": "/today",
        "tag": f"n{notification.id}",
    }
    check_vapid(request, phone.endpoint, SUBJECT, keys.public_key)
    assert (notification.dedupe_key, notification.status) == ("diary:2026-11-23", "sent")
    # Until the end of that London day (midnight GMT): five hours.
    assert request.headers["ttl"] == str(5 * 3600)


def test_send_due_sends_a_trainers_message_alert_once(runner, ready, push_service, db_session, own):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 10 am: no diary reminder due
    notification = Notification(
        service_id=own.service_id,
        client_id=own.id,
        person_id=own.person_id,
        kind="message",
        dedupe_key="message:1",
        due_at=now,
        expires_at=now + timedelta(hours=24),
        next_attempt_at=now,
    )
    db_session.add(notification)
    db_session.commit()

    results = [runner.invoke(args=["send-due", "--now", "2026-11-23T10:00:30Z"]) for _ in range(2)]

    assert [result.exit_code for result in results] == [0, 0]
    assert "Sent 1," in results[0].output and "Sent 0," in results[1].output
    [request] = push_service.requests_for("phone")
    assert request.headers["topic"] == f"n{notification.id}"


def test_send_due_prunes_what_finished_over_90_days_ago(runner, ready, db_session, own):
    long_ago = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
    old = Notification(
        service_id=own.service_id,
        client_id=own.id,
        person_id=own.person_id,
        kind="message",
        dedupe_key="message:1",
        due_at=long_ago,
        expires_at=long_ago + timedelta(hours=24),
        next_attempt_at=long_ago,
        status="sent",
        finished_at=long_ago,
    )
    db_session.add(old)
    db_session.commit()
    db_session.add(PushDelivery(notification_id=old.id, subscription_id=1, outcome="sent"))
    db_session.commit()

    result = runner.invoke(args=["send-due", "--now", "2026-11-23T10:00"])

    assert result.exit_code == 0 and "Old records removed: 1." in result.output
    db_session.expire_all()
    assert db_session.exec(select(Notification)).all() == []
    assert db_session.exec(select(PushDelivery)).all() == []


def test_the_printed_key_line_works_from_the_environment(app, runner):
    made = generate_keys(app)
    key_file(app).unlink()
    app.config["VAPID_PRIVATE_KEY"] = raw_private_key(made.private)

    result = runner.invoke(args=["vapid-keys"])

    assert result.exit_code == 0
    assert result.output.strip() == f"Keys already made; public key: {made.public_key}"
    assert not key_file(app).exists()
