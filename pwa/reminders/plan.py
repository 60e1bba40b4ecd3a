"""Planning: turn what is due now into notification rows, exactly once each.

(Skeleton: helper A implements. The signatures are the contract other parts build on.)
"""

from datetime import date, datetime

from sqlmodel import Session

from models import Message, Notification


def plan_due(session: Session, now: datetime) -> int:
    """Add a Notification for every reminder due at `now` (diary, sessions, goal check-in) for
    clients whose reminders are on and who have at least one phone. Returns how many are new;
    reminders already planned (same client and dedupe_key) are left alone."""
    raise NotImplementedError


def queue_message_alert(session: Session, message: Message, now: datetime | None = None) -> Notification | None:
    """Plan the "You have a new message" push for a trainer's message, in the caller's
    transaction. None when the client has no phone, turned trainer messages off or all off."""
    raise NotImplementedError


def already_logged(session: Session, client_id: int, day: date) -> bool:
    """True when the client has a (not deleted) diary entry on this London day."""
    raise NotImplementedError


def reason_to_skip(session: Session, notification: Notification, now: datetime) -> str | None:
    """Checked just before sending: why this notification should not go now ("already logged
    today", "reminders turned off", "session cancelled", "too late"), or None to send it."""
    raise NotImplementedError
