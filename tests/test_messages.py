"""Messages from a trainer to a client: the trainer's page and form, the client's list and its
unread count in the menu, and the demo's message and reminder choices."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import delete, select

from models import AuditEvent, Client, Message, Notification, PushSubscription, ReminderChoice
from pwa.clock import utcnow
from pwa.demo_reminders import DEMO_MESSAGE
from pwa.reminders import inbox
from pwa.reminders.message_forms import QUICK_MESSAGES
from tests.conftest import act_as, post_form
from tests.world import add_person


def as_(client, world, who):
    act_as(client, world.people[who], world.grants[who])


def words(html: str) -> str:
    """The text of a page as a reader hears it: tags gone, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".").replace(" ,", ",")


def page_of(client_id: int) -> str:
    return f"/clients/{client_id}/messages"


def agree_to_app_messages(db_session, record: Client) -> None:
    record.contact_by_app = True
    db_session.add(record)
    db_session.commit()


def choose_reminders(db_session, record: Client, **values) -> ReminderChoice:
    choice = ReminderChoice(service_id=record.service_id, client_id=record.id, quiet_hours=False, **values)
    db_session.add(choice)
    db_session.commit()
    return choice


def messages_of(db_session, record: Client) -> list[Message]:
    db_session.expire_all()
    return db_session.exec(select(Message).where(Message.client_id == record.id).order_by(Message.id)).all()


def send(client, record: Client, **data):
    return post_form(client, page_of(record.id), data, token_from=page_of(record.id))


@pytest.fixture
def own(world, db_session) -> Client:
    """Casey, on the trainer's caseload, with a login and agreement to messages in the app."""
    agree_to_app_messages(db_session, world.clients["own"])
    return world.clients["own"]


# --- The trainer's page ----------------------------------------------------------------------


def test_the_trainer_sees_what_was_sent_newest_first_in_london_time(client, world, db_session, own):
    older = world.messages["own"]
    older.created_at = datetime(2026, 7, 1, 17, 30, tzinfo=UTC)  # 18:30 in London (summer time)
    older.read_at = datetime(2026, 7, 1, 19, 5, tzinfo=UTC)
    newer = Message(
        service_id=own.service_id,
        client_id=own.id,
        sender_id=world.people["trainer"].id,
        body="See you on Tuesday.",
        created_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),  # 09:00 in London (winter time)
    )
    db_session.add_all([older, newer])
    db_session.commit()
    as_(client, world, "trainer")
    response = client.get(page_of(own.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("See you on Tuesday.") < html.index("Great week! Well done on your walks.")
    assert "Sent by Trainer on 2 December 2026 at 9:00. Not read yet." in words(html)
    assert "Sent by Trainer on 1 July 2026 at 18:30. Read on 1 July 2026 at 20:05." in words(html)
    assert 'name="body"' in html and all(f'value="{text}"' in html for text in QUICK_MESSAGES)
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_client_messages")).all()
    assert [(row.client_id, row.actor_id) for row in views] == [(own.id, world.people["trainer"].id)]


def test_the_record_links_to_messages_for_those_who_may_send(client, world, own):
    as_(client, world, "trainer")
    assert f'href="{page_of(own.id)}"' in client.get(f"/clients/{own.id}").get_data(as_text=True)
    as_(client, world, "manager")
    assert f'href="{page_of(own.id)}"' not in client.get(f"/clients/{own.id}").get_data(as_text=True)


def test_sending_saves_the_message_plans_its_push_audits_and_says_sent(client, world, db_session, own):
    choose_reminders(db_session, own)
    as_(client, world, "trainer")
    before = utcnow()
    response = send(client, own, body="  Lovely to see you today.  ")
    assert response.status_code == 302 and response.headers["Location"] == page_of(own.id)
    message = messages_of(db_session, own)[-1]
    assert message.body == "Lovely to see you today."  # trimmed
    assert message.sender_id == world.people["trainer"].id and message.service_id == own.service_id
    assert message.read_at is None and message.created_at.replace(tzinfo=UTC) >= before.replace(microsecond=0)
    notification = db_session.exec(select(Notification).where(Notification.client_id == own.id)).one()
    assert (notification.kind, notification.dedupe_key) == ("message", f"message:{message.id}")
    audit = db_session.exec(select(AuditEvent).where(AuditEvent.action == "send_message")).one()
    assert (audit.client_id, audit.actor_id, audit.detail) == (
        own.id,
        world.people["trainer"].id,
        f"message {message.id}",
    )
    assert "Message sent." in client.get(page_of(own.id)).get_data(as_text=True)


def test_a_quick_message_is_sent_with_one_tap_whatever_is_in_the_box(client, world, db_session, own):
    as_(client, world, "trainer")
    response = send(client, own, body="half typed", quick="Great week!")
    assert response.status_code == 302
    assert messages_of(db_session, own)[-1].body == "Great week!"
    assert db_session.exec(select(Notification)).all() == []  # no reminder choices saved: no push


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"body": ""}, "Type a message, or tap one of the quick messages."),
        ({"body": "   \n  "}, "Type a message, or tap one of the quick messages."),
        ({"body": "x" * 301}, "it can have up to 300 characters, and this one has 301"),
        ({"body": "", "quick": "Send me your bank details"}, "Choose one of the quick messages."),
    ],
    ids=["empty", "only-spaces", "too-long", "unknown-quick"],
)
def test_a_bad_message_is_refused_with_a_reason_by_the_field(client, world, db_session, own, data, problem):
    as_(client, world, "trainer")
    response = send(client, own, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert problem in html
    assert [message.id for message in messages_of(db_session, own)] == [world.messages["own"].id]
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "send_message")).all() == []


def test_the_error_sits_by_the_message_box(client, world, own):
    as_(client, world, "trainer")
    html = send(client, own, body="").get_data(as_text=True)
    assert 'id="body-error"' in html and 'aria-describedby="body-hint body-error"' in html


def test_300_characters_after_trimming_is_allowed(client, world, db_session, own):
    as_(client, world, "trainer")
    assert send(client, own, body="  " + "y" * 300 + "  ").status_code == 302
    assert messages_of(db_session, own)[-1].body == "y" * 300


def test_the_same_form_sent_twice_makes_one_message(client, world, db_session, own):
    as_(client, world, "trainer")
    first = send(client, own, body="Great to see you!")
    second = send(client, own, body="Great to see you!")
    assert first.status_code == second.status_code == 302
    assert [message.body for message in messages_of(db_session, own)].count("Great to see you!") == 1
    assert len(db_session.exec(select(AuditEvent).where(AuditEvent.action == "send_message")).all()) == 1
    send(client, own, body="And see you next week.")  # different words are a new message
    assert len(messages_of(db_session, own)) == 3


def test_the_same_words_later_are_a_new_message(world, db_session, own):
    trainer_id = world.people["trainer"].id
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert inbox.add_message(db_session, own, trainer_id, "Great week!", now) is not None
    assert inbox.add_message(db_session, own, trainer_id, "Great week!", now + timedelta(seconds=29)) is None
    assert inbox.add_message(db_session, own, trainer_id, "Great week!", now + timedelta(seconds=31)) is not None
    db_session.commit()
    assert [message.body for message in messages_of(db_session, own)].count("Great week!") == 2


def test_a_client_without_a_login_gets_no_form(client, world, db_session):
    record = world.clients["trainee-own"]
    agree_to_app_messages(db_session, record)
    as_(client, world, "trainee")
    response = client.get(page_of(record.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "needs an app account before you can send them a message" in html
    assert f'href="/clients/{record.id}"' in html and 'name="body"' not in html
    assert send(client, record, body="Hello").status_code == 409
    assert messages_of(db_session, record) == []


def test_a_client_who_has_not_agreed_gets_no_form(client, world, db_session):
    record = world.clients["own"]  # contact_by_app is off in the test world
    as_(client, world, "trainer")
    html = client.get(page_of(record.id)).get_data(as_text=True)
    assert "has not agreed to messages in the app" in html
    assert f'href="/clients/{record.id}/consent"' in html and 'name="body"' not in html
    assert send(client, record, body="Hello").status_code == 409
    assert [message.id for message in messages_of(db_session, record)] == [world.messages["own"].id]


def test_a_trainee_sends_to_their_own_client(client, world, db_session):
    record = world.clients["trainee-own"]
    person, grant = add_person(db_session, "tia", role="client", service=world.north)
    record.person_id, record.contact_by_app = person.id, True
    db_session.add(record)
    db_session.commit()
    as_(client, world, "trainee")
    assert send(client, record, quick="See you at our next session.").status_code == 302
    assert [(m.body, m.sender_id) for m in messages_of(db_session, record)] == [
        ("See you at our next session.", world.people["trainee"].id)
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_caseload_is_refused_and_another_service_is_not_found(client, world, db_session, method):
    for key in ("other-caseload", "south"):
        agree_to_app_messages(db_session, world.clients[key])
    as_(client, world, "trainer")
    for key, status in (("other-caseload", 403), ("south", 404)):
        record = world.clients[key]
        if method == "GET":
            response = client.get(page_of(record.id))
        else:
            response = send(client, record, body="Hello")
        assert response.status_code == status, key
        assert "Great week! Well done" not in response.get_data(as_text=True)
    assert db_session.exec(select(Message).where(Message.body == "Hello")).all() == []


@pytest.mark.parametrize(
    ("arrange", "notified"),
    [
        ("choice-and-phone", True),
        ("no-choice", False),
        ("messages-off", False),
        ("all-off", False),
        ("no-phone", False),
    ],
)
def test_the_trainer_is_told_whether_a_notification_goes(client, world, db_session, own, arrange, notified):
    if arrange != "no-choice":
        choose_reminders(db_session, own, trainer_messages=arrange != "messages-off", enabled=arrange != "all-off")
    if arrange == "no-phone":
        db_session.exec(delete(PushSubscription).where(PushSubscription.person_id == own.person_id))
        db_session.commit()
    as_(client, world, "trainer")
    html = client.get(page_of(own.id)).get_data(as_text=True)
    assert ("They get a notification on their phone" in html) is notified
    assert ("they will see it next time they open the app" in html) is not notified
    send(client, own, body="Checking in.")
    planned = db_session.exec(select(Notification).where(Notification.client_id == own.id)).all()
    assert len(planned) == (1 if notified else 0)  # what the page says is what happens


# --- The client's list ----------------------------------------------------------------------


def test_the_client_sees_their_message_marked_new_with_the_trainers_name(client, world, db_session):
    message = world.messages["own"]
    message.created_at = datetime(2026, 1, 15, 18, 45, tzinfo=UTC)
    db_session.add(message)
    db_session.commit()
    as_(client, world, "client")
    html = client.get("/messages").get_data(as_text=True)
    assert '<strong class="tag">New</strong>' in html
    assert "New From Trainer, 15 January 2026 at 18:45 Great week! Well done on your walks." in words(html)
    assert 'href="/reminders"' in html and "Get a notification when a message comes" in html


def test_opening_the_list_marks_read_and_the_menu_count_goes(client, world, db_session):
    as_(client, world, "client")
    assert ">Messages (1 new)</a>" in client.get("/today").get_data(as_text=True)
    opened = client.get("/messages").get_data(as_text=True)
    assert ">New</strong>" in opened  # what was new is shown as new once
    assert ">Messages</a>" in opened and "Messages (1 new)" not in opened  # the menu of this page already counts 0
    db_session.expire_all()
    assert db_session.get(Message, world.messages["own"].id).read_at is not None
    assert inbox.unread_count(db_session, world.clients["own"].id) == 0
    again = client.get("/messages").get_data(as_text=True)
    assert ">New</strong>" not in again and "Great week! Well done on your walks." in again
    assert ">Messages</a>" in client.get("/today").get_data(as_text=True)


def test_opening_the_list_marks_them_all_read_in_one_update(app, client, world, db_session):
    own = world.clients["own"]
    db_session.add(Message(service_id=own.service_id, client_id=own.id, sender_id=own.trainer_id, body="Second"))
    db_session.commit()
    as_(client, world, "client")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", remember)
    try:
        html = client.get("/messages").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert html.count(">New</strong>") == 2 and "You have 2 new messages." in html
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE MESSAGES")]) == 1
    assert inbox.unread_count(db_session, own.id) == 0
    assert inbox.unread_count(db_session, world.clients["south"].id) == 1  # another client's stay unread


def test_a_client_never_sees_another_clients_messages(client, world, db_session):
    other = world.clients["other-caseload"]
    db_session.add(
        Message(service_id=other.service_id, client_id=other.id, sender_id=other.trainer_id, body="For Olly only")
    )
    south = world.messages["south"]
    south.body = "For Sid in South Vale only"
    db_session.add(south)
    db_session.commit()
    as_(client, world, "client")
    html = client.get("/messages").get_data(as_text=True)
    assert "Great week! Well done on your walks." in html
    assert "For Olly only" not in html and "For Sid in South Vale only" not in html
    as_(client, world, "south-client")
    html = client.get("/messages").get_data(as_text=True)
    assert "For Sid in South Vale only" in html and "Great week!" not in html
    assert inbox.unread_count(db_session, other.id) == 1  # opening theirs never marks Olly's read


def test_no_messages_is_said_in_plain_words(client, world, db_session):
    db_session.exec(delete(Message))
    db_session.commit()
    as_(client, world, "client")
    html = client.get("/messages").get_data(as_text=True)
    assert "You have no messages yet." in html and ">Messages</a>" in html


def test_staff_cannot_open_the_client_list(client, world):
    as_(client, world, "trainer")
    assert client.get("/messages").status_code == 403


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_client_has_reminders_and_a_message_once(runner, db_session):
    for _ in range(2):
        assert runner.invoke(args=["demo"]).exit_code == 0
    alex = db_session.exec(select(Client).where(Client.full_name == "Alex Demo")).one()
    assert alex.contact_by_app
    choice = db_session.exec(select(ReminderChoice).where(ReminderChoice.client_id == alex.id)).one()
    assert (choice.enabled, choice.diary_daily, choice.diary_time) == (True, True, time(19, 0))
    assert choice.session_day_before and choice.session_hour_before and choice.trainer_messages
    assert (choice.quiet_hours, choice.quiet_start, choice.quiet_end) == (True, time(21, 0), time(8, 0))
    messages = db_session.exec(select(Message).where(Message.client_id == alex.id)).all()
    assert [(m.body, m.read_at) for m in messages] == [(DEMO_MESSAGE, None)]
    # A demo loaded before reminders existed gets them on the next run.
    db_session.exec(delete(Message))
    db_session.exec(delete(ReminderChoice))
    db_session.commit()
    assert "already loaded" in runner.invoke(args=["demo"]).output
    assert len(db_session.exec(select(Message).where(Message.client_id == alex.id)).all()) == 1
    assert len(db_session.exec(select(ReminderChoice)).all()) == 1
