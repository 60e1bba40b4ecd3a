"""Planning: turn what is due now into notification rows, exactly once each.

The unique (client_id, dedupe_key) pair is the guard: rows are inserted with
INSERT ... ON CONFLICT DO NOTHING, so a second run in the same minute, or two runs at once,
never make a second row. Nothing here commits: the caller does (send-due commits after
plan_due; the send-message view commits the message and its alert together).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import Client, DiaryEntry, Message, Notification, PushSubscription, ReminderChoice, SupportSession
from pwa.clock import to_london, utcnow
from pwa.reminders.due import (
    CATCH_UP,
    DIARY,
    GOAL_CHECK_IN,
    MESSAGE,
    SESSION_DAY_BEFORE,
    SESSION_HOUR_BEFORE,
    SESSION_KINDS,
    Due,
    due_reminders,
    message_due,
    session_id_from_key,
)

# Sessions this far ahead may already have their day-before reminder due (18:00 the day before).
SESSIONS_AHEAD = timedelta(days=2)
INSERT_BATCH = 500  # rows per INSERT: well under SQLite's limit on bound values

# Which switch on the client's choice turns each kind on.
SWITCHES = {
    DIARY: "diary_daily",
    SESSION_DAY_BEFORE: "session_day_before",
    SESSION_HOUR_BEFORE: "session_hour_before",
    GOAL_CHECK_IN: "goal_weekly",
    MESSAGE: "trainer_messages",
}


def _ready(*columns):
    """SQL: choices that are on, of clients with a login that has at least one phone."""
    has_device = exists().where(PushSubscription.person_id == Client.person_id)
    return (
        select(*columns)
        .join(Client, Client.id == ReminderChoice.client_id)
        .where(ReminderChoice.enabled, Client.person_id.is_not(None), has_device)
    )


def plan_due(session: Session, now: datetime) -> int:
    """Add a Notification for every reminder due at `now` (diary, sessions, goal check-in) for
    clients whose reminders are on and who have at least one phone. Returns how many are new;
    reminders already planned (same client and dedupe_key) are left alone. The caller commits."""
    ready = _ready(ReminderChoice, Client.person_id, Client.service_id)
    choices = session.execute(ready.execution_options(populate_existing=True)).all()
    if not choices:
        return 0
    sessions = defaultdict(list)
    planned = select(SupportSession.id, SupportSession.client_id, SupportSession.starts_at).where(
        SupportSession.client_id.in_(_ready(ReminderChoice.client_id)),
        SupportSession.status == "planned",
        SupportSession.starts_at >= now - CATCH_UP,
        SupportSession.starts_at <= now + SESSIONS_AHEAD,
    )
    for session_id, client_id, starts_at in session.execute(planned):
        sessions[client_id].append((session_id, starts_at))
    rows = []
    for choice, person_id, service_id in choices:
        for due in due_reminders(choice, now, sessions.get(choice.client_id, ())):
            rows.append(_row(due, service_id, choice.client_id, person_id))
    return _insert_new(session, rows)


def _row(due: Due, service_id: int, client_id: int, person_id: int) -> dict:
    return {
        "service_id": service_id,
        "client_id": client_id,
        "person_id": person_id,
        "kind": due.kind,
        "dedupe_key": due.dedupe_key,
        "due_at": due.due_at,
        "expires_at": due.expires_at,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due.due_at,
        "claimed_by": "",
        "reason": "",
        "created_at": utcnow(),
    }


def _insert_new(session: Session, rows: list[dict]) -> int:
    """Insert the rows whose (client_id, dedupe_key) is new; the count of rows inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = 0
    for start in range(0, len(rows), INSERT_BATCH):
        statement = (
            insert(Notification)
            .values(rows[start : start + INSERT_BATCH])
            .on_conflict_do_nothing(index_elements=["client_id", "dedupe_key"])
            .returning(Notification.id)
        )
        added += len(session.execute(statement).all())
    return added


def pushable_choice(session: Session, client: Client) -> ReminderChoice | None:
    """The client's reminder choice when a push could reach them at all: they have a login,
    saved choices and at least one phone. None otherwise."""
    if client.person_id is None:
        return None
    choice = _choice_of(session, client.id)
    if choice is None:
        return None
    has_phone = session.scalar(select(func.count()).where(PushSubscription.person_id == client.person_id))
    return choice if has_phone else None


def queue_message_alert(session: Session, message: Message, now: datetime | None = None) -> Notification | None:
    """Plan the "You have a new message" push for a trainer's message, in the caller's
    transaction. None when the client has no phone, turned trainer messages off or all off
    (a client who never opened the reminders page has no choice row, and so no phone either)."""
    client = session.get(Client, message.client_id)
    choice = pushable_choice(session, client) if client else None
    if choice is None:
        return None
    if message.id is None:
        session.flush()  # the key needs the message's id
    due = message_due(choice, message.id, now or message.created_at)
    if due is None:
        return None
    _insert_new(session, [_row(due, client.service_id, client.id, client.person_id)])
    return session.scalar(
        select(Notification).where(Notification.client_id == client.id, Notification.dedupe_key == due.dedupe_key)
    )


def already_logged(session: Session, client_id: int, day: date) -> bool:
    """True when the client has a (not deleted) diary entry on this London day."""
    found = select(DiaryEntry.id).where(
        DiaryEntry.client_id == client_id, DiaryEntry.day == day, DiaryEntry.deleted_at.is_(None)
    )
    return session.scalar(found.limit(1)) is not None


def reason_to_skip(session: Session, notification: Notification, now: datetime) -> str | None:
    """Checked just before sending: why this notification should not go now ("too late",
    "reminders turned off", "already logged today", "session no longer planned"), or None to send it.

    A session reminder is also skipped when the session was moved: its expiry is the start time it
    was planned for, and the moved session gets new reminders under a new key (the key holds the
    start time)."""
    if now >= notification.expires_at:
        return "too late"
    choice = _choice_of(session, notification.client_id)
    switch = SWITCHES.get(notification.kind)
    if choice is None or not choice.enabled or switch is None or not getattr(choice, switch):
        return "reminders turned off"
    if notification.kind == DIARY and already_logged(
        session, notification.client_id, to_london(notification.due_at).date()
    ):
        return "already logged today"
    if notification.kind in SESSION_KINDS:
        booked = session.execute(
            select(SupportSession.id).where(
                SupportSession.id == session_id_from_key(notification.dedupe_key),
                SupportSession.client_id == notification.client_id,
                SupportSession.status == "planned",
                SupportSession.starts_at == notification.expires_at,
            )
        ).first()
        if booked is None:
            return "session no longer planned"
    return None


def _choice_of(session: Session, client_id: int) -> ReminderChoice | None:
    """The client's choice as stored now (not a copy the session loaded earlier)."""
    found = select(ReminderChoice).where(ReminderChoice.client_id == client_id)
    return session.scalar(found.execution_options(populate_existing=True))
