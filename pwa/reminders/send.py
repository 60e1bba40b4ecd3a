"""Sending: claim the notifications that are due, push each to every phone of the person, and log
every attempt in push_deliveries.

Safe to run twice at once or after a run that died:
- a claim is one UPDATE that only takes rows still free (pending and due, or "sending" whose
  lease ran out), committed before anything is sent, so two runs never take the same row;
- the delivery row is committed after each phone, and a phone whose row says "sent" is never
  sent that notification again; the only gap (a crash between the push service's answer and our
  commit) is covered by the Topic header and the tag, which make a second copy replace the first.
"""

import binascii
import email.utils
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from pywebpush import WebPushException, webpush
from sqlalchemy import and_, delete, or_, update
from sqlmodel import Session, select

from models import Notification, PushDelivery, PushSubscription
from pwa.clock import utcnow
from pwa.reminders.payloads import payload_for, push_headers, ttl_for
from pwa.reminders.plan import reason_to_skip
from pwa.reminders.vapid import VapidKeys

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this belongs to a run that died
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 30, 60))  # after attempt 1, 2, 3, 4, 5
MAX_ATTEMPTS = 6
BATCH = 50  # notifications claimed at a time; the run claims again until nothing is left
KEEP_FINISHED = timedelta(days=90)
FINAL = ("sent", "skipped", "failed")


@dataclass
class SendSummary:
    """What one run did, counted in notifications (pushes and devices_removed in phones)."""

    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    devices_removed: int = 0
    pushes: int = 0

    def line(self) -> str:
        return (
            f"Sent {self.sent}, skipped {self.skipped}, will try again {self.retrying}, failed {self.failed}. "
            f"Pushes delivered: {self.pushes}. Phones removed: {self.devices_removed}."
        )


@dataclass(frozen=True)
class Attempt:
    """How one push to one phone went."""

    outcome: str  # sent, retry, gone, refused
    status_code: int | None = None
    detail: str = ""
    wait: timedelta | None = None  # the push service's Retry-After


def _claimable(now: datetime):
    return or_(
        and_(Notification.status == "pending", Notification.next_attempt_at <= now),
        and_(Notification.status == "sending", Notification.lease_until < now),
    )


def claim(session: Session, now: datetime, lease_until: datetime, limit: int = BATCH) -> list[Notification]:
    """Take up to `limit` due notifications for this run and commit the claim before any sending."""
    token = secrets.token_hex(16)
    due = select(Notification.id).where(_claimable(now)).order_by(Notification.next_attempt_at, Notification.id)
    # The condition is repeated on the UPDATE itself: a row another run took in the meantime
    # no longer matches it, so at most one run's token lands on each row.
    session.exec(
        update(Notification)
        .where(Notification.id.in_(due.limit(limit).scalar_subquery()), _claimable(now))
        .values(status="sending", claimed_by=token, lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    mine = select(Notification).where(Notification.claimed_by == token, Notification.status == "sending")
    return list(session.exec(mine.order_by(Notification.id).execution_options(populate_existing=True)).all())


def send_due(session: Session, now: datetime, keys: VapidKeys, subject: str, *, timeout: float = 10) -> SendSummary:
    """Send every notification due at `now` (and retries whose time has come). Commits as it goes."""
    summary = SendSummary()
    started = time.monotonic()
    session.commit()
    # One HTTP session for the run keeps connections to each push service open: a new TLS
    # handshake for every push would cost more than the push itself.
    with requests.Session() as http:
        while True:
            # The lease counts from the real time this batch starts, so a long run keeps its claims.
            lease_until = now + LEASE + timedelta(seconds=time.monotonic() - started)
            batch = claim(session, now, lease_until)
            if not batch:
                return summary
            for notification in batch:
                _send_or_release(session, notification, now, keys, subject, timeout, summary, http)


def _send_or_release(session, notification, now, keys, subject, timeout, summary, http) -> None:
    """Send one notification; on an error of ours, put it back to be tried again (never left claimed)."""
    notification_id = notification.id
    try:
        _send_one(session, notification, now, keys, subject, timeout, summary, http)
    except Exception:
        # A bug or a database error must not stop the run or keep the row claimed.
        logger.exception("Sending notification %s failed", notification_id)
        session.rollback()
        _release_after_error(session, notification_id, now, summary)


def _send_one(
    session: Session,
    notification: Notification,
    now: datetime,
    keys: VapidKeys,
    subject: str,
    timeout: float,
    summary: SendSummary,
    http: requests.Session | None = None,
) -> None:
    reason = reason_to_skip(session, notification, now)
    if reason:
        _finish(session, notification, "skipped", reason, now)
        summary.skipped += 1
        return
    devices = session.exec(
        select(PushSubscription)
        .where(PushSubscription.person_id == notification.person_id)
        .order_by(PushSubscription.id)
    ).all()
    log = {
        row.subscription_id: row
        for row in session.exec(select(PushDelivery).where(PushDelivery.notification_id == notification.id)).all()
    }
    device_ids = [device.id for device in devices]
    waiting = [device for device in devices if device.id not in log or log[device.id].outcome == "retry"]
    if waiting:
        notification.attempts += 1
    data = json.dumps(payload_for(notification))
    headers = push_headers(notification)
    ttl = ttl_for(notification, now)
    retries: list[Attempt] = []
    for device in waiting:
        attempt = push_to(
            device, data, ttl=ttl, headers=headers, keys=keys, subject=subject, timeout=timeout, http=http
        )
        log[device.id] = _record(session, notification, device, attempt, log.get(device.id), now)
        # One commit per phone: a crash after this line never sends to this phone again.
        session.commit()
        if attempt.outcome == "sent":
            summary.pushes += 1
        elif attempt.outcome == "gone":
            summary.devices_removed += 1
        elif attempt.outcome == "retry":
            retries.append(attempt)
    _settle(session, notification, device_ids, log, retries, now, summary)


def _settle(session, notification, device_ids, log, retries, now, summary) -> None:
    """After trying every phone: sent, pending again for a retry, or failed."""
    delivered = any(row.outcome == "sent" for row in log.values())
    if retries:
        wait = max(attempt.wait or BACKOFF[min(notification.attempts, len(BACKOFF)) - 1] for attempt in retries)
        next_attempt_at = now + max(wait, BACKOFF[0])
        if notification.attempts < MAX_ATTEMPTS and next_attempt_at < notification.expires_at:
            notification.status = "pending"
            notification.next_attempt_at = next_attempt_at
            notification.claimed_by = ""
            notification.lease_until = None
            notification.reason = retries[-1].detail
            session.add(notification)
            session.commit()
            summary.retrying += 1
            return
        gave_up = f"gave up after {notification.attempts} tries" if notification.attempts >= MAX_ATTEMPTS else None
        reason = gave_up or "too late to try again"
        if delivered:
            _finish(session, notification, "sent", f"not every phone got it: {reason}", now)
            summary.sent += 1
        else:
            _finish(session, notification, "failed", reason, now)
            summary.failed += 1
        return
    if delivered:
        _finish(session, notification, "sent", "", now)
        summary.sent += 1
    elif not any(log[device_id].outcome != "gone" for device_id in device_ids if device_id in log):
        _finish(session, notification, "failed", "no devices", now)
        summary.failed += 1
    else:
        _finish(session, notification, "failed", "every phone refused it", now)
        summary.failed += 1


def _finish(session: Session, notification: Notification, status: str, reason: str, now: datetime) -> None:
    notification.status = status
    notification.reason = reason[:200]
    notification.finished_at = now
    notification.claimed_by = ""
    notification.lease_until = None
    session.add(notification)
    session.commit()


def _release_after_error(session: Session, notification_id: int, now: datetime, summary: SendSummary) -> None:
    """Put a notification whose sending broke back to pending (or failed after too many tries)."""
    try:
        notification = session.get(Notification, notification_id, populate_existing=True)
        if notification is None or notification.status != "sending":
            return
        notification.attempts += 1
        if notification.attempts >= MAX_ATTEMPTS:
            _finish(session, notification, "failed", "error while sending", now)
            summary.failed += 1
            return
        notification.status = "pending"
        notification.next_attempt_at = now + BACKOFF[min(notification.attempts, len(BACKOFF)) - 1]
        notification.claimed_by = ""
        notification.lease_until = None
        notification.reason = "error while sending"
        session.add(notification)
        session.commit()
        summary.retrying += 1
    except Exception:
        # Left claimed: the next run takes it over once the lease runs out.
        logger.exception("Could not release notification %s", notification_id)
        session.rollback()


def _record(
    session: Session,
    notification: Notification,
    device: PushSubscription,
    attempt: Attempt,
    row: PushDelivery | None,
    now: datetime,
) -> PushDelivery:
    """Write the send log row for this phone and what the answer means for the phone."""
    if row is None:
        row = PushDelivery(notification_id=notification.id, subscription_id=device.id, outcome="", attempts=0)
    row.outcome = attempt.outcome
    row.status_code = attempt.status_code
    row.detail = attempt.detail[:200]
    row.attempts += 1
    row.last_attempt_at = now
    row.push_host = (urlsplit(device.endpoint).hostname or "")[:200]
    session.add(row)
    if attempt.outcome == "sent":
        device.last_success_at = now
        device.failures_in_a_row = 0
        session.add(device)
    elif attempt.outcome == "gone":
        # The push service says this phone unsubscribed or was reset: it will never work again.
        session.delete(device)
    elif attempt.outcome == "refused":
        device.last_failure_at = now
        device.failures_in_a_row += 1
        session.add(device)
    return row


def push_to(
    device: PushSubscription,
    data: str,
    *,
    ttl: int,
    headers: dict,
    keys: VapidKeys,
    subject: str,
    timeout: float,
    http: requests.Session | None = None,
) -> Attempt:
    """One real Web Push request (RFC 8030/8291/8292) with pywebpush, turned into an Attempt."""
    subscription_info = {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    try:
        response = webpush(
            subscription_info,
            data=data,
            vapid_private_key=keys.private,
            # A fresh dict every call: pywebpush writes "aud" (the push service's origin) and
            # "exp" into it, and a reused dict would carry one push service's aud to the next.
            vapid_claims={"sub": subject},
            content_encoding="aes128gcm",
            ttl=ttl,
            headers=dict(headers),
            timeout=timeout,
            requests_session=http,
        )
    except WebPushException as error:
        if error.response is None:
            return Attempt("refused", detail=str(error.message)[:200])
        return judge(error.response.status_code, error.response.headers.get("Retry-After"))
    except requests.RequestException as error:
        return Attempt("retry", detail=f"could not reach the push service ({type(error).__name__})")
    except (ValueError, TypeError, binascii.Error) as error:
        # The phone's keys cannot be used to encrypt (stored broken): no retry will help.
        return Attempt("refused", detail=f"the phone's keys do not work ({type(error).__name__})")
    except Exception as error:
        logger.exception("Push to subscription %s failed", device.id)
        return Attempt("retry", detail=f"error while sending ({type(error).__name__})")
    return judge(response.status_code, response.headers.get("Retry-After"))


def judge(status_code: int, retry_after: str | None = None) -> Attempt:
    """What a push service's answer means: sent, gone (remove the phone), retry later, refused."""
    if 200 <= status_code < 300:
        return Attempt("sent", status_code)
    if status_code in (404, 410):
        return Attempt("gone", status_code, "the phone is no longer subscribed")
    if status_code == 429 or status_code >= 500:
        return Attempt("retry", status_code, f"push service busy ({status_code})", parse_retry_after(retry_after))
    return Attempt("refused", status_code, f"push service refused it ({status_code})")


def parse_retry_after(value: str | None, now: datetime | None = None) -> timedelta | None:
    """Retry-After as a wait: seconds ("120"), or an HTTP date as a last resort."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(timedelta(0), when - (now or utcnow()))


def prune_finished(session: Session, now: datetime, keep: timedelta = KEEP_FINISHED) -> int:
    """Delete finished notifications (and their send log) older than `keep`. Returns how many."""
    old = select(Notification.id).where(Notification.status.in_(FINAL), Notification.finished_at < now - keep)
    session.exec(delete(PushDelivery).where(PushDelivery.notification_id.in_(old.scalar_subquery())))
    removed = session.exec(delete(Notification).where(Notification.id.in_(old.scalar_subquery())))
    session.commit()
    return removed.rowcount or 0
