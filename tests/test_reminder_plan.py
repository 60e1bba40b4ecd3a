"""Planning reminders into notification rows, once each, and the checks made just before sending."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlmodel import Session

from models import DiaryEntry, Episode, Message, Notification, PushSubscription, ReminderChoice, SupportSession
from pwa.reminders.plan import already_logged, plan_due, queue_message_alert, reason_to_skip
from tests.world import diary_entry

# Tuesday 24 November 2026, 19:00 in London (winter, so UTC).
NOW = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def reminders(world, db_session):
    """A 7 pm diary reminder for the own and south clients, quiet hours off, and no diary yet."""
    db_session.execute(delete(DiaryEntry))  # the world's entries are on the real today
    for key in ("own", "south"):
        client = world.clients[key]
        db_session.add(
            ReminderChoice(service_id=client.service_id, client_id=client.id, diary_time=time(19), quiet_hours=False)
        )
    db_session.commit()
    return world


def choice_of(db_session, client) -> ReminderChoice:
    return db_session.scalar(select(ReminderChoice).where(ReminderChoice.client_id == client.id))


def notifications(db_session, client=None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if client is not None:
        query = query.where(Notification.client_id == client.id)
    return list(db_session.scalars(query.execution_options(populate_existing=True)))


def book(db_session, client, starts_at, status="planned") -> SupportSession:
    episode = db_session.scalar(select(Episode).where(Episode.client_id == client.id))
    if episode is None:
        episode = Episode(service_id=client.service_id, client_id=client.id, started_on=date(2026, 11, 1))
        db_session.add(episode)
        db_session.flush()
    booked = SupportSession(
        service_id=client.service_id, client_id=client.id, episode_id=episode.id, starts_at=starts_at, status=status
    )
    db_session.add(booked)
    db_session.commit()
    return booked


def log_diary(db_session, client, moment, **values) -> DiaryEntry:
    entry = diary_entry(client, "mood", moment=moment, mood=4, **values)
    db_session.add(entry)
    db_session.commit()
    return entry


# --- plan_due ---


def test_the_diary_reminder_is_planned_once_with_every_field(reminders, db_session):
    own = reminders.clients["own"]
    assert plan_due(db_session, NOW) == 2
    db_session.commit()
    assert plan_due(db_session, NOW) == 0
    assert plan_due(db_session, NOW + timedelta(minutes=1)) == 0
    db_session.commit()
    [row] = notifications(db_session, own)
    assert (row.service_id, row.client_id, row.person_id) == (reminders.north.id, own.id, reminders.people["client"].id)
    assert (row.kind, row.dedupe_key, row.status, row.attempts) == ("diary", "diary:2026-11-24", "pending", 0)
    assert (row.due_at, row.expires_at, row.next_attempt_at) == (NOW, utc(2026, 11, 25, 0, 0), NOW)
    assert len(notifications(db_session)) == 2


def test_a_client_of_the_south_service_is_planned_in_their_own_service(reminders, db_session):
    south = reminders.clients["south"]
    plan_due(db_session, NOW)
    db_session.commit()
    [row] = notifications(db_session, south)
    assert (row.service_id, row.person_id, row.dedupe_key) == (
        reminders.south.id,
        reminders.people["south-client"].id,
        "diary:2026-11-24",
    )


def test_nothing_is_planned_before_it_is_due(reminders, db_session):
    assert plan_due(db_session, NOW - timedelta(minutes=1)) == 0
    assert notifications(db_session) == []


def test_a_client_without_a_phone_gets_nothing(reminders, db_session):
    db_session.delete(reminders.devices["client"])
    db_session.commit()
    assert plan_due(db_session, NOW) == 1
    assert [row.client_id for row in notifications(db_session)] == [reminders.clients["south"].id]


def test_a_client_with_reminders_off_or_no_choice_gets_nothing(reminders, db_session):
    choice_of(db_session, reminders.clients["own"]).enabled = False
    db_session.delete(choice_of(db_session, reminders.clients["south"]))
    db_session.commit()
    assert plan_due(db_session, NOW) == 0


def test_session_reminders_are_planned_for_planned_sessions_only(reminders, db_session):
    own = reminders.clients["own"]
    choice_of(db_session, own).diary_daily = False
    db_session.commit()
    planned = book(db_session, own, utc(2026, 11, 24, 20, 0))
    book(db_session, own, utc(2026, 11, 24, 20, 0), status="cancelled")
    tomorrow = book(db_session, own, utc(2026, 11, 25, 10, 0))
    book(db_session, reminders.clients["trainee-own"], utc(2026, 11, 24, 20, 0))  # no login, no phone
    plan_due(db_session, NOW)
    db_session.commit()
    assert sorted((row.dedupe_key, row.due_at, row.expires_at) for row in notifications(db_session, own)) == [
        (f"session:{planned.id}:202611242000:hour_before", NOW, utc(2026, 11, 24, 20, 0)),
        (f"session:{tomorrow.id}:202611251000:day_before", utc(2026, 11, 24, 18, 0), utc(2026, 11, 25, 10, 0)),
    ]
    assert {row.client_id for row in notifications(db_session)} == {own.id, reminders.clients["south"].id}


def test_a_moved_session_is_planned_again_for_its_new_time(reminders, db_session):
    own = reminders.clients["own"]
    booked = book(db_session, own, utc(2026, 11, 24, 19, 30))
    plan_due(db_session, utc(2026, 11, 24, 18, 30))
    db_session.commit()
    booked.starts_at = utc(2026, 11, 24, 20, 0)
    db_session.commit()
    assert plan_due(db_session, NOW) == 3  # own's diary, south's diary, the new hour-before
    db_session.commit()
    keys = [row.dedupe_key for row in notifications(db_session, own) if row.kind == "session_hour_before"]
    assert keys == [f"session:{booked.id}:202611241930:hour_before", f"session:{booked.id}:202611242000:hour_before"]


def test_two_runs_at_once_plan_each_reminder_once(reminders, db_session, app):
    engine = app.extensions["db_engine"]
    counts = []
    with Session(engine) as first:
        counts.append(plan_due(first, NOW))

        def second_run():
            with Session(engine) as second:
                counts.append(plan_due(second, NOW))  # waits for the first run's rows
                second.commit()

        racer = threading.Thread(target=second_run)
        racer.start()
        first.commit()
        racer.join(timeout=30)
    assert sorted(counts) == [0, 2]
    assert len(notifications(db_session)) == 2


# --- already_logged ---


def test_already_logged_counts_entries_on_that_london_day_that_are_not_deleted(reminders, db_session):
    own = reminders.clients["own"]
    assert already_logged(db_session, own.id, date(2026, 11, 24)) is False
    log_diary(db_session, own, utc(2026, 11, 24, 9, 0), deleted_at=utc(2026, 11, 24, 9, 5))
    log_diary(db_session, reminders.clients["south"], utc(2026, 11, 24, 9, 0))
    assert already_logged(db_session, own.id, date(2026, 11, 24)) is False
    log_diary(db_session, own, utc(2026, 11, 24, 23, 30))  # 23:30 is still the 24th in winter
    assert already_logged(db_session, own.id, date(2026, 11, 24)) is True
    assert already_logged(db_session, own.id, date(2026, 11, 25)) is False
    log_diary(db_session, own, utc(2026, 7, 14, 23, 30))  # 00:30 BST: the 15th in London
    assert already_logged(db_session, own.id, date(2026, 7, 15)) is True
    assert already_logged(db_session, own.id, date(2026, 7, 14)) is False


# --- reason_to_skip ---


@pytest.fixture
def planned(reminders, db_session):
    """The own client's diary reminder for the 24th, planned."""
    plan_due(db_session, NOW)
    db_session.commit()
    return next(row for row in notifications(db_session, reminders.clients["own"]))


def test_a_planned_reminder_is_sent(planned, db_session):
    assert reason_to_skip(db_session, planned, NOW) is None
    assert reason_to_skip(db_session, planned, utc(2026, 11, 24, 23, 59)) is None


def test_a_reminder_is_too_late_once_it_expires(planned, db_session):
    assert reason_to_skip(db_session, planned, utc(2026, 11, 25, 0, 0)) == "too late"


def test_a_diary_reminder_is_skipped_when_they_logged_that_day(planned, reminders, db_session):
    own = reminders.clients["own"]
    log_diary(db_session, own, utc(2026, 11, 23, 12, 0))  # yesterday does not count
    assert reason_to_skip(db_session, planned, NOW) is None
    log_diary(db_session, own, utc(2026, 11, 24, 12, 0))
    assert reason_to_skip(db_session, planned, NOW) == "already logged today"


@pytest.mark.parametrize(
    "change",
    [
        {"enabled": False},
        {"diary_daily": False},
    ],
    ids=["all-off", "diary-off"],
)
def test_a_reminder_is_skipped_when_the_client_turned_it_off(planned, reminders, db_session, change):
    chosen = choice_of(db_session, reminders.clients["own"])
    for name, value in change.items():
        setattr(chosen, name, value)
    db_session.commit()
    assert reason_to_skip(db_session, planned, NOW) == "reminders turned off"


def test_a_reminder_is_skipped_when_the_choice_is_gone(planned, reminders, db_session):
    db_session.delete(choice_of(db_session, reminders.clients["own"]))
    db_session.commit()
    assert reason_to_skip(db_session, planned, NOW) == "reminders turned off"


def test_other_switches_do_not_stop_a_diary_reminder(planned, reminders, db_session):
    chosen = choice_of(db_session, reminders.clients["own"])
    chosen.trainer_messages = chosen.session_day_before = chosen.session_hour_before = False
    db_session.commit()
    assert reason_to_skip(db_session, planned, NOW) is None


@pytest.mark.parametrize(
    ("status", "moved", "reason"),
    [
        ("planned", False, None),
        ("cancelled", False, "session no longer planned"),
        ("attended", False, "session no longer planned"),
        ("did_not_attend", False, "session no longer planned"),
        ("planned", True, "session no longer planned"),
    ],
)
def test_a_session_reminder_is_skipped_when_the_session_changed(reminders, db_session, status, moved, reason):
    own = reminders.clients["own"]
    booked = book(db_session, own, utc(2026, 11, 24, 20, 0))
    plan_due(db_session, NOW)
    db_session.commit()
    [reminder] = [row for row in notifications(db_session, own) if row.kind == "session_hour_before"]
    booked.status = status
    if moved:
        booked.starts_at = utc(2026, 11, 24, 21, 0)
    db_session.commit()
    assert reason_to_skip(db_session, reminder, NOW) == reason


def test_a_session_reminder_is_skipped_when_its_switch_is_off(reminders, db_session):
    own = reminders.clients["own"]
    book(db_session, own, utc(2026, 11, 24, 20, 0))
    plan_due(db_session, NOW)
    db_session.commit()
    [reminder] = [row for row in notifications(db_session, own) if row.kind == "session_hour_before"]
    choice_of(db_session, own).session_hour_before = False
    db_session.commit()
    assert reason_to_skip(db_session, reminder, NOW) == "reminders turned off"


# --- queue_message_alert ---


def test_a_message_alert_is_planned_once(reminders, db_session):
    message = reminders.messages["own"]
    alert = queue_message_alert(db_session, message, NOW)
    db_session.commit()
    assert (alert.kind, alert.dedupe_key, alert.status) == ("message", f"message:{message.id}", "pending")
    assert (alert.due_at, alert.expires_at, alert.next_attempt_at) == (NOW, utc(2026, 11, 25, 19, 0), NOW)
    assert (alert.service_id, alert.person_id) == (reminders.north.id, reminders.people["client"].id)
    again = queue_message_alert(db_session, message, NOW)
    db_session.commit()
    assert again.id == alert.id
    assert [row.id for row in notifications(db_session)] == [alert.id]
    assert reason_to_skip(db_session, alert, NOW) is None


def test_a_new_message_gets_its_own_alert_in_the_callers_transaction(reminders, db_session):
    own = reminders.clients["own"]
    message = Message(service_id=own.service_id, client_id=own.id, sender_id=own.trainer_id, body="Well done!")
    db_session.add(message)
    alert = queue_message_alert(db_session, message, NOW)
    db_session.rollback()  # the view failed: neither the message nor its alert is kept
    assert alert is not None
    assert notifications(db_session) == []
    assert db_session.scalar(select(func.count()).select_from(Message).where(Message.body == "Well done!")) == 0


def test_a_message_in_quiet_hours_waits_until_they_end(reminders, db_session):
    chosen = choice_of(db_session, reminders.clients["own"])
    chosen.quiet_hours, chosen.quiet_start, chosen.quiet_end = True, time(21), time(8)
    db_session.commit()
    alert = queue_message_alert(db_session, reminders.messages["own"], utc(2026, 11, 24, 22, 30))
    assert (alert.due_at, alert.expires_at) == (utc(2026, 11, 25, 8, 0), utc(2026, 11, 25, 22, 30))


def test_no_message_alert_without_a_choice_a_phone_or_permission(reminders, db_session):
    own, message = reminders.clients["own"], reminders.messages["own"]
    chosen = choice_of(db_session, own)
    chosen.trainer_messages = False
    db_session.commit()
    assert queue_message_alert(db_session, message, NOW) is None
    chosen.trainer_messages, chosen.enabled = True, False
    db_session.commit()
    assert queue_message_alert(db_session, message, NOW) is None
    chosen.enabled = True
    db_session.execute(delete(PushSubscription).where(PushSubscription.person_id == own.person_id))
    db_session.commit()
    assert queue_message_alert(db_session, message, NOW) is None
    db_session.delete(chosen)
    db_session.commit()
    assert queue_message_alert(db_session, message, NOW) is None
    no_login = reminders.clients["trainee-own"]
    note = Message(service_id=no_login.service_id, client_id=no_login.id, body="Hello")
    db_session.add(note)
    db_session.commit()
    assert queue_message_alert(db_session, note, NOW) is None
    assert notifications(db_session) == []


def test_a_message_alert_is_skipped_when_messages_are_turned_off_later(reminders, db_session):
    alert = queue_message_alert(db_session, reminders.messages["south"], NOW)
    db_session.commit()
    assert alert.service_id == reminders.south.id
    choice_of(db_session, reminders.clients["south"]).trainer_messages = False
    db_session.commit()
    assert reason_to_skip(db_session, alert, NOW) == "reminders turned off"
    assert reason_to_skip(db_session, alert, utc(2026, 11, 25, 19, 0)) == "too late"
