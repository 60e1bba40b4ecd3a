"""Reminders and messages: what a client chose, their phones, their trainer's messages, and
every push we planned and sent (the send log)."""

from datetime import datetime, time

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ReminderChoice(SQLModel, table=True):
    """What one client wants to be reminded of, and when. Times are London wall-clock times."""

    __tablename__ = "reminder_choices"
    __table_args__ = (UniqueConstraint("client_id", name="uq_reminder_choices_client"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id")
    # The one switch: off means nothing at all is pushed, whatever is ticked below.
    enabled: bool = Field(default=True)
    diary_daily: bool = Field(default=True)
    diary_time: time = Field(default=time(19, 0))
    session_day_before: bool = Field(default=True)
    session_hour_before: bool = Field(default=True)
    goal_weekly: bool = Field(default=False)
    goal_weekday: int = Field(default=6)  # Monday 0 ... Sunday 6
    goal_time: time = Field(default=time(18, 0))
    trainer_messages: bool = Field(default=True)
    # Nothing is pushed between these times; what falls due waits until they end.
    quiet_hours: bool = Field(default=True)
    quiet_start: time = Field(default=time(21, 0))
    quiet_end: time = Field(default=time(8, 0))
    updated_at: datetime = Field(default_factory=utcnow)


class PushSubscription(SQLModel, table=True):
    """One phone or browser that may be sent pushes, as its push service described it."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    # The push service's URL for this device: a secret, and unique across every person.
    endpoint: str = Field(max_length=1000)
    p256dh: str = Field(max_length=200)  # the device's public key (base64url)
    auth: str = Field(max_length=100)  # the device's auth secret (base64url)
    device_label: str = Field(default="", max_length=60)  # "Android phone", "iPhone"...
    created_at: datetime = Field(default_factory=utcnow)
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    failures_in_a_row: int = Field(default=0)


class Message(SQLModel, table=True):
    """A short message from a trainer to a client, shown in the client's message list."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_client_read", "client_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    sender_id: int | None = Field(default=None, foreign_key="persons.id")
    body: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class Notification(SQLModel, table=True):
    """One reminder or message alert for one client, planned once and sent by `send-due`.

    The unique (client_id, dedupe_key) pair is what makes planning idempotent: a second run in
    the same minute plans "diary:2026-11-22" again and the database refuses the copy.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("client_id", "dedupe_key", name="uq_notifications_client_key"),
        Index("ix_notifications_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    person_id: int = Field(foreign_key="persons.id")
    kind: str = Field(max_length=20)  # diary, session_day_before, session_hour_before, goal_check_in, message
    dedupe_key: str = Field(max_length=80)
    due_at: datetime
    # Past this moment the reminder is no use (the day is over, the session has started).
    expires_at: datetime
    status: str = Field(default="pending", max_length=10)  # pending, sending, sent, skipped, failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime
    # A run that claims it owns it until then; a run that died is taken over afterwards.
    claimed_by: str = Field(default="", max_length=32)
    lease_until: datetime | None = None
    reason: str = Field(default="", max_length=200)  # why it was skipped or failed
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class PushDelivery(SQLModel, table=True):
    """The send log: one row per notification per device, updated after every attempt.

    A device marked "sent" is never sent the same notification again, even when a run that died
    halfway through is taken over by the next one.
    """

    __tablename__ = "push_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "subscription_id", name="uq_push_deliveries_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notifications.id", index=True)
    # Not a foreign key: the log outlives a device the push service said is gone.
    subscription_id: int
    push_host: str = Field(default="", max_length=200)
    outcome: str = Field(max_length=10)  # sent, retry, gone, refused
    status_code: int | None = None
    attempts: int = Field(default=1)
    detail: str = Field(default="", max_length=200)
    last_attempt_at: datetime = Field(default_factory=utcnow)
