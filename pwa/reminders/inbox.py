"""Messages from a trainer to a client: the client's list and its unread count, and sending one.

Plain functions on a database session, so the rules are tested without HTTP; the views in
message_views.py only parse, call these and render.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from models import Client, Message, Person
from pwa.clock import utcnow
from pwa.reminders.plan import pushable_choice

# The newest messages a page shows; older ones are rarely wanted on a phone.
PAGE_SIZE = 100
# The same words to the same client from the same trainer this soon after are a double submit
# (a second tap, or a form sent again), never a new message.
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=30)


@dataclass
class ShownMessage:
    """One message as a page shows it: read_at and is_new are taken before marking it read."""

    id: int
    body: str
    created_at: datetime
    read_at: datetime | None
    sender_name: str
    is_new: bool


def unread_count(session: Session, client_id: int) -> int:
    """Messages the client has not opened yet (served by ix_messages_client_read)."""
    query = select(func.count()).select_from(Message).where(Message.client_id == client_id, Message.read_at.is_(None))
    return session.exec(query).one()


def messages_for(session: Session, client: Client, limit: int = PAGE_SIZE) -> list[ShownMessage]:
    """The client's messages, newest first, with the sender's name (only this client's, in their service)."""
    query = (
        select(Message, Person.display_name)
        .join(Person, Person.id == Message.sender_id, isouter=True)
        .where(Message.client_id == client.id, Message.service_id == client.service_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [
        ShownMessage(
            id=message.id,
            body=message.body,
            created_at=message.created_at,
            read_at=message.read_at,
            sender_name=name or "Your health trainer",
            is_new=message.read_at is None,
        )
        for message, name in session.exec(query).all()
    ]


def mark_read(session: Session, client: Client, shown: list[ShownMessage], now: datetime | None = None) -> int:
    """Mark read, in one UPDATE, the client's unread messages up to the newest one shown.

    A message that arrives while the page is drawn is newer, so it stays unread. Older unread
    ones beyond the page are marked too: the client has opened their messages. Not committed.
    """
    if not any(message.is_new for message in shown):
        return 0
    newest = max(message.id for message in shown)
    result = session.execute(
        update(Message)
        .where(Message.client_id == client.id, Message.read_at.is_(None), Message.id <= newest)
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def will_be_notified(session: Session, client: Client) -> bool:
    """True when a message now would also be pushed to the client's phone: they have a phone
    and saved reminder choices with trainer messages (and reminders as a whole) on. The same
    rule as plan.queue_message_alert."""
    choice = pushable_choice(session, client)
    return choice is not None and choice.enabled and choice.trainer_messages


def lock_client(session: Session, client: Client) -> None:
    """Hold the client's row until commit, so two sends to one client at the same moment take
    turns (PostgreSQL; SQLite lets one writer in at a time anyway)."""
    session.exec(select(Client.id).where(Client.id == client.id).with_for_update()).one()


def recent_copy(session: Session, client: Client, sender_id: int, body: str, now: datetime) -> Message | None:
    """The same message from the same sender to the same client sent moments ago, if any."""
    query = (
        select(Message)
        .where(
            Message.client_id == client.id,
            Message.sender_id == sender_id,
            Message.body == body,
            Message.created_at > now - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by(Message.id.desc())
    )
    return session.exec(query).first()


def add_message(session: Session, client: Client, sender_id: int, body: str, now: datetime) -> Message | None:
    """Add a message to the session (not committed), or None when it is a double submit of one
    just sent. The caller plans its push, audits and commits once."""
    lock_client(session, client)
    if recent_copy(session, client, sender_id, body, now) is not None:
        return None
    message = Message(service_id=client.service_id, client_id=client.id, sender_id=sender_id, body=body, created_at=now)
    session.add(message)
    session.flush()
    return message
