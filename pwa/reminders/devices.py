"""The client's phones: checking a browser's push subscription, storing it once per endpoint,
turning it off, and swapping it when the push service renews it (pushsubscriptionchange).

A subscription is what `PushSubscription.toJSON()` gives in the browser:
{"endpoint": "https://...", "expirationTime": null, "keys": {"p256dh": "...", "auth": "..."}}.
The endpoint is unique: when a phone changes hands, its subscription moves to the new person.
"""

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import PushSubscription
from pwa.reminders.vapid import b64url

MAX_ENDPOINT = 1000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# The push services browsers use: Chrome, Android, Samsung and Opera (Google's FCM), Firefox
# (Mozilla), Safari and iPhone (Apple), Edge (Windows). Only these are ever sent to, so a made-up
# "subscription" cannot make the server post to other hosts (server-side request forgery).
# The PUSH_SERVICE_HOSTS setting adds others.
PUSH_SERVICE_DOMAINS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class SubscriptionProblem(ValueError):
    """What is wrong with a posted subscription, in words for the JSON error."""


@dataclass(frozen=True)
class SubscriptionInfo:
    endpoint: str
    p256dh: str  # base64url without padding, as stored
    auth: str


def b64url_decode(text: str) -> bytes | None:
    """Bytes of a base64url string (padding optional), or None when it is not base64url."""
    if not isinstance(text, str) or not BASE64URL.match(text):
        return None
    stripped = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        return None


def is_push_service(host: str, extra_domains: tuple[str, ...] = ()) -> bool:
    """True for a host of a known push service (the domain itself or one under it)."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in (*PUSH_SERVICE_DOMAINS, *extra_domains))


def check_endpoint(endpoint, *, allow_local: bool, extra_domains: tuple[str, ...] = ()) -> str:
    """The push service's URL: https to a known push service only (plain http to this machine
    only in tests and debug)."""
    if not isinstance(endpoint, str) or not endpoint:
        raise SubscriptionProblem("The subscription has no endpoint.")
    if len(endpoint) > MAX_ENDPOINT or any(character.isspace() for character in endpoint):
        raise SubscriptionProblem("The endpoint is too long or not a web address.")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
    except ValueError:
        raise SubscriptionProblem("The endpoint is not a web address.") from None
    if not host:
        raise SubscriptionProblem("The endpoint is not a web address.")
    if parts.scheme == "http" and allow_local and host in LOCAL_HOSTS:
        return endpoint
    if parts.scheme != "https":
        raise SubscriptionProblem("The endpoint must be a secure (https) web address.")
    if not is_push_service(host, extra_domains):
        raise SubscriptionProblem("The endpoint is not a push service we know.")
    return endpoint


def check_keys(keys) -> tuple[str, str]:
    """The phone's public key (65 bytes, a point on P-256) and auth secret (16 bytes)."""
    if not isinstance(keys, dict):
        raise SubscriptionProblem("The subscription has no keys.")
    p256dh = b64url_decode(keys.get("p256dh"))
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 0x04:
        raise SubscriptionProblem("The p256dh key must be 65 bytes in base64url, starting with 0x04.")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise SubscriptionProblem("The p256dh key is not a point on the P-256 curve.") from None
    auth = b64url_decode(keys.get("auth"))
    if auth is None or len(auth) != 16:
        raise SubscriptionProblem("The auth secret must be 16 bytes in base64url.")
    return b64url(p256dh), b64url(auth)


def parse_subscription(data, *, allow_local: bool = False, extra_domains: tuple[str, ...] = ()) -> SubscriptionInfo:
    """Check a subscription posted by a page or the service worker; SubscriptionProblem if wrong."""
    if not isinstance(data, dict):
        raise SubscriptionProblem("Send the subscription as a JSON object.")
    expiration = data.get("expirationTime")
    if expiration is not None and (isinstance(expiration, bool) or not isinstance(expiration, int | float)):
        raise SubscriptionProblem("expirationTime must be a number or null.")
    endpoint = check_endpoint(data.get("endpoint"), allow_local=allow_local, extra_domains=extra_domains)
    p256dh, auth = check_keys(data.get("keys"))
    return SubscriptionInfo(endpoint=endpoint, p256dh=p256dh, auth=auth)


def device_label(user_agent: str | None) -> str:
    """What kind of device this is, in plain words, from its User-Agent."""
    agent = user_agent or ""
    if "iPhone" in agent or "iPod" in agent:
        return "iPhone"
    if "iPad" in agent:
        return "iPad"
    if "Android" in agent:
        return "Android phone" if "Mobile" in agent else "Android tablet"
    if any(word in agent for word in ("Windows", "Macintosh", "Mac OS X", "CrOS", "X11", "Linux")):
        return "Computer"
    return "Phone or computer"


def endpoint_hash(endpoint: str) -> str:
    """A fingerprint of an endpoint, so a page can tell which listed phone it is on without
    being handed the endpoint itself."""
    return hashlib.sha256(endpoint.encode()).hexdigest()


def find_by_endpoint(session: Session, endpoint: str) -> PushSubscription | None:
    return session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()


def _refresh(device: PushSubscription, person_id: int, info: SubscriptionInfo, label: str, now: datetime) -> None:
    if device.person_id != person_id:
        # The phone changed hands: from now on it is the new person's phone.
        device.person_id = person_id
        device.created_at = now
        device.last_success_at = None
    device.p256dh, device.auth = info.p256dh, info.auth
    device.device_label = label[:60]
    device.last_failure_at = None
    device.failures_in_a_row = 0


def save_subscription(
    session: Session, person_id: int, info: SubscriptionInfo, label: str, now: datetime
) -> PushSubscription:
    """Store this phone for the person, or refresh it when its endpoint is already known."""
    for _attempt in range(2):
        device = find_by_endpoint(session, info.endpoint)
        if device is None:
            device = PushSubscription(person_id=person_id, endpoint=info.endpoint, created_at=now)
        _refresh(device, person_id, info, label, now)
        session.add(device)
        try:
            session.commit()
            return device
        except IntegrityError:
            # The same phone saved twice at once (two taps): the other request won; update its row.
            session.rollback()
    raise RuntimeError("Could not store the subscription")


def forget_subscription(session: Session, person_id: int, endpoint) -> bool:
    """Turn reminders off on this phone: remove its subscription if it is the person's."""
    if not isinstance(endpoint, str) or not endpoint:
        raise SubscriptionProblem("Say which subscription to remove (its endpoint).")
    device = find_by_endpoint(session, endpoint)
    if device is None or device.person_id != person_id:
        return False
    session.delete(device)
    session.commit()
    return True


def devices_of(session: Session, person_id: int) -> list[PushSubscription]:
    """The person's phones, newest first."""
    query = (
        select(PushSubscription)
        .where(PushSubscription.person_id == person_id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    )
    return list(session.exec(query).all())


def renew_subscription(
    session: Session, old_endpoint, old_auth, info: SubscriptionInfo, now: datetime
) -> PushSubscription | None:
    """Swap a subscription the push service replaced for its new one.

    Only the phone knows both the old endpoint and its auth secret, so matching both is the
    proof; anything else is None (the caller answers 404 and says nothing more).
    """
    if not isinstance(old_endpoint, str) or not isinstance(old_auth, str) or not old_endpoint or not old_auth:
        return None
    device = find_by_endpoint(session, old_endpoint)
    given = b64url_decode(old_auth)
    stored = b64url_decode(device.auth) if device else None
    if device is None or given is None or stored is None or not hmac.compare_digest(given, stored):
        return None
    if info.endpoint != old_endpoint:
        clash = find_by_endpoint(session, info.endpoint)
        if clash is not None:
            # The page already stored the new subscription: keep that row, drop the old one.
            owner = device.person_id
            session.delete(device)
            session.flush()
            clash.person_id = owner
            device = clash
        device.endpoint = info.endpoint
    device.p256dh, device.auth = info.p256dh, info.auth
    device.last_failure_at = None
    device.failures_in_a_row = 0
    session.add(device)
    session.commit()
    return device
