"""The demo client's reminder choices and a message from their trainer (issue 9). Safe to run
again: nothing is added twice, so a demo loaded before reminders existed gets them too."""

from datetime import time, timedelta

from sqlmodel import Session, select

from models import Client, Message, Person, ReminderChoice
from pwa.clock import utcnow

DEMO_MESSAGE = "Great week! Well done on your walks."


def load_demo_reminders(session: Session, client: Client, trainer: Person) -> None:
    """Reminders on (diary at 7 pm, sessions, quiet 9 pm to 8 am) and one unread message."""
    choice = session.exec(select(ReminderChoice).where(ReminderChoice.client_id == client.id)).first()
    if choice is None:
        # The first time only: a demo user who later takes consent away keeps it that way.
        client.contact_by_app = True
        session.add(client)
        session.add(
            ReminderChoice(
                service_id=client.service_id,
                client_id=client.id,
                enabled=True,
                diary_daily=True,
                diary_time=time(19, 0),
                session_day_before=True,
                session_hour_before=True,
                trainer_messages=True,
                quiet_hours=True,
                quiet_start=time(21, 0),
                quiet_end=time(8, 0),
            )
        )
    sent = session.exec(select(Message.id).where(Message.client_id == client.id, Message.body == DEMO_MESSAGE))
    if sent.first() is None:
        session.add(
            Message(
                service_id=client.service_id,
                client_id=client.id,
                sender_id=trainer.id,
                body=DEMO_MESSAGE,
                created_at=utcnow() - timedelta(hours=3),
            )
        )
    session.flush()
