"""What a push says and how push services should treat it.

A push is shown on a lock screen that anyone nearby may see, so it never carries health data or
names: only a plain line and the page tapping it opens (after login, like any other page).
"""

from datetime import datetime

from models import Notification

TITLE = "Health Trainer"

# kind -> (the line on the lock screen, the page tapping it opens)
WORDING = {
    "diary": ("Time to fill in your diary", "/today"),
    "session_day_before": ("You have a session tomorrow", "/"),
    "session_hour_before": ("Your session starts in an hour", "/"),
    "goal_check_in": ("Time to check in on your goals", "/goals"),
    "message": ("You have a new message", "/messages"),
}


def tag_for(notification: Notification) -> str:
    """One tag (and Web Push Topic) per notification: a second copy replaces the first."""
    return f"n{notification.id}"


def payload_for(notification: Notification) -> dict:
    """The JSON the service worker receives: {"title", "body", "url", "tag"}."""
    body, url = WORDING[notification.kind]
    return {"title": TITLE, "body": body, "url": url, "tag": tag_for(notification)}


def ttl_for(notification: Notification, now: datetime) -> int:
    """Seconds the push service may hold it for a phone that is off: until it is no use."""
    return max(0, int((notification.expires_at - now).total_seconds()))


def push_headers(notification: Notification) -> dict[str, str]:
    """Urgency (phones save battery on "normal") and Topic (a resend replaces an undelivered copy)."""
    urgency = "high" if notification.kind == "session_hour_before" else "normal"
    return {"Urgency": urgency, "Topic": tag_for(notification)}
