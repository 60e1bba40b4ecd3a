"""The client's phones: storing a browser's push subscription, refreshing it, refusing bad ones,
turning it off, removing it from the list, and renewing it from the service worker."""

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import select

from models import PushSubscription
from pwa.reminders import vapid
from pwa.reminders.devices import SubscriptionProblem, device_label, parse_subscription
from tests.conftest import act_as, csrf_token, post_form

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def phone_keys() -> dict:
    """Keys as a browser makes them: a P-256 public point and a 16-byte auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def subscription(endpoint: str = "https://fcm.googleapis.com/fcm/send/abc123", **keys) -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**phone_keys(), **keys}}


@pytest.fixture
def as_client(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    client.token = csrf_token(client, "/reminders")
    return client


def post_json(client, path: str, body, *, user_agent: str = ANDROID, token: str | None = None):
    headers = {"User-Agent": user_agent}
    token = token if token is not None else getattr(client, "token", None)
    if token:
        headers["X-CSRFToken"] = token
    return client.post(path, json=body, headers=headers)


def rows(db_session, **where) -> list[PushSubscription]:
    db_session.expire_all()
    query = select(PushSubscription)
    for name, value in where.items():
        query = query.where(getattr(PushSubscription, name) == value)
    return list(db_session.exec(query.order_by(PushSubscription.id)).all())


# --- Checking a subscription ---------------------------------------------------------------


@pytest.mark.parametrize(
    "agent, label",
    [
        (ANDROID, "Android phone"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", "Android tablet"),
        (IPHONE, "iPhone"),
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", "iPad"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", "Computer"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15", "Computer"),
        ("", "Phone or computer"),
    ],
    ids=["android", "android-tablet", "iphone", "ipad", "windows", "mac", "none"],
)
def test_device_label_in_plain_words(agent, label):
    assert device_label(agent) == label


def test_plain_http_endpoints_only_on_this_machine_and_only_when_allowed():
    local = subscription("http://127.0.0.1:5000/fake-push/1")
    assert parse_subscription(local, allow_local=True).endpoint == local["endpoint"]
    with pytest.raises(SubscriptionProblem, match="secure"):
        parse_subscription(local, allow_local=False)
    with pytest.raises(SubscriptionProblem, match="secure"):
        parse_subscription(subscription("http://push.example.org/x"), allow_local=True)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGRxyz",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ],
)
def test_the_push_services_browsers_use_are_accepted(endpoint):
    assert parse_subscription(subscription(endpoint)).endpoint == endpoint


def test_only_known_push_services_are_sent_to_unless_the_service_adds_one(app, as_client, db_session):
    body = subscription("https://push.example.net/send/1")
    refused = post_json(as_client, "/reminders/devices", body)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "The endpoint is not a push service we know."
    app.config["PUSH_SERVICE_HOSTS"] = "push.example.net, other.example"
    assert post_json(as_client, "/reminders/devices", body).status_code == 200
    assert db_session.exec(select(PushSubscription).where(PushSubscription.endpoint == body["endpoint"])).one()


def test_keys_are_stored_without_padding():
    keys = phone_keys()
    padded = {"p256dh": keys["p256dh"] + "=", "auth": keys["auth"] + "=="}
    info = parse_subscription({"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": padded})
    assert (info.p256dh, info.auth) == (keys["p256dh"], keys["auth"])


# --- POST /reminders/devices ---------------------------------------------------------------


def test_turning_on_stores_this_phone(as_client, db_session, world):
    body = subscription()
    response = post_json(as_client, "/reminders/devices", body, user_agent=IPHONE)
    assert response.status_code == 200
    stored = rows(db_session, endpoint=body["endpoint"])
    assert response.get_json() == {"ok": True, "device_id": stored[0].id}
    assert stored[0].person_id == world.people["client"].id
    assert (stored[0].p256dh, stored[0].auth) == (body["keys"]["p256dh"], body["keys"]["auth"])
    assert stored[0].device_label == "iPhone" and stored[0].created_at is not None


def test_the_same_phone_again_refreshes_its_row(as_client, db_session, world):
    first = post_json(as_client, "/reminders/devices", subscription()).get_json()["device_id"]
    fresh = subscription()
    second = post_json(as_client, "/reminders/devices", fresh).get_json()["device_id"]
    assert first == second
    stored = rows(db_session, endpoint=fresh["endpoint"])
    assert len(stored) == 1 and stored[0].p256dh == fresh["keys"]["p256dh"]


def test_a_phone_that_changed_hands_moves_to_the_new_person(app, as_client, db_session, world):
    app.config["PUSH_SERVICE_HOSTS"] = "push.example.org"  # where the world's phones subscribed
    theirs = world.devices["south-client"]
    response = post_json(as_client, "/reminders/devices", subscription(theirs.endpoint))
    assert response.get_json()["device_id"] == theirs.id
    moved = rows(db_session, id=theirs.id)[0]
    assert moved.person_id == world.people["client"].id
    assert rows(db_session, person_id=world.people["south-client"].id) == []


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "http://push.example.org/send/1", "keys": "good"},
        {"endpoint": "ftp://push.example.org/send/1", "keys": "good"},
        {"endpoint": "https://intranet.example.org/admin", "keys": "good"},
        {"endpoint": "https://fcm.googleapis.com.evil.example/send/1", "keys": "good"},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/" + "x" * 1000, "keys": "good"},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/a b", "keys": "good"},
        {"endpoint": "", "keys": "good"},
        {"keys": "good"},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1"},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "short", "auth": "good"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "not-04", "auth": "good"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "off-curve", "auth": "good"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "plus-slash", "auth": "good"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "good", "auth": "15-bytes"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": {"p256dh": "good", "auth": 12345}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/1", "keys": "good", "expirationTime": "tomorrow"},
        "not an object",
    ],
    ids=[
        "http-remote",
        "ftp",
        "not-a-push-service",
        "lookalike-host",
        "too-long",
        "space",
        "empty-endpoint",
        "no-endpoint",
        "no-keys",
        "p256dh-short",
        "p256dh-not-04",
        "p256dh-off-curve",
        "p256dh-not-base64url",
        "auth-15-bytes",
        "auth-number",
        "bad-expiration",
        "not-object",
    ],
)
def test_bad_subscriptions_are_refused_with_a_json_error(as_client, db_session, body):
    good = phone_keys()
    point = base64.urlsafe_b64decode(good["p256dh"] + "=")
    bad_p256dh = {
        "short": b64url(point[:64]),
        "not-04": b64url(b"\x05" + point[1:]),
        "off-curve": b64url(b"\x04" + bytes(64)),
        "plus-slash": base64.b64encode(b"\x04\xfb\xff" + point[3:]).decode(),
        "good": good["p256dh"],
    }
    bad_auth = {"15-bytes": b64url(os.urandom(15)), "good": good["auth"], 12345: 12345}
    if isinstance(body, dict) and body.get("keys") == "good":
        body = {**body, "keys": good}
    elif isinstance(body, dict) and isinstance(body.get("keys"), dict):
        body = {**body, "keys": {"p256dh": bad_p256dh[body["keys"]["p256dh"]], "auth": bad_auth[body["keys"]["auth"]]}}
    before = len(rows(db_session))
    response = post_json(as_client, "/reminders/devices", body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["ok"] is False and answer["error"]
    assert len(rows(db_session)) == before


def test_local_http_endpoint_is_allowed_while_testing(as_client, db_session):
    body = subscription("http://127.0.0.1:8123/fake-push/1")
    assert post_json(as_client, "/reminders/devices", body).status_code == 200
    assert len(rows(db_session, endpoint=body["endpoint"])) == 1


def test_local_http_endpoint_is_refused_in_production(app, as_client, db_session):
    app.testing = False
    body = subscription("http://127.0.0.1:8123/fake-push/1")
    response = post_json(as_client, "/reminders/devices", body)
    assert response.status_code == 400 and "https" in response.get_json()["error"]
    assert rows(db_session, endpoint=body["endpoint"]) == []


def test_saving_needs_the_csrf_header(as_client, db_session):
    body = subscription()
    response = post_json(as_client, "/reminders/devices", body, token="")
    assert response.status_code == 400
    assert rows(db_session, endpoint=body["endpoint"]) == []


# --- Turning off, removing -----------------------------------------------------------------


def test_turning_off_this_phone_forgets_it(as_client, db_session, world):
    mine = world.devices["client"]
    response = post_json(as_client, "/reminders/devices/forget", {"endpoint": mine.endpoint})
    assert response.status_code == 200 and response.get_json() == {"ok": True, "removed": True}
    assert rows(db_session, id=mine.id) == []


def test_turning_off_never_removes_someone_elses_phone(as_client, db_session, world):
    theirs = world.devices["south-client"]
    response = post_json(as_client, "/reminders/devices/forget", {"endpoint": theirs.endpoint})
    assert response.get_json() == {"ok": True, "removed": False}
    assert len(rows(db_session, id=theirs.id)) == 1


@pytest.mark.parametrize(
    "body", [{}, {"endpoint": ""}, {"endpoint": 5}, ["x"]], ids=["empty", "blank", "number", "list"]
)
def test_turning_off_without_an_endpoint_is_a_json_error(as_client, db_session, body):
    response = post_json(as_client, "/reminders/devices/forget", body)
    assert response.status_code == 400 and response.get_json()["ok"] is False
    assert len(rows(db_session)) == 2


def test_remove_from_the_list_works_without_javascript(as_client, db_session, world):
    mine = world.devices["client"]
    response = post_form(as_client, f"/reminders/devices/{mine.id}/remove", token_from="/reminders")
    assert response.status_code == 302 and response.headers["Location"] == "/reminders"
    assert rows(db_session, id=mine.id) == []
    page = as_client.get("/reminders").get_data(as_text=True)
    assert "Removed. Reminders will not be sent to that Android phone any more." in page
    assert "No phones yet." in page


def test_removing_someone_elses_phone_is_not_found(as_client, db_session, world):
    theirs = world.devices["south-client"]
    assert post_form(as_client, f"/reminders/devices/{theirs.id}/remove", token_from="/reminders").status_code == 404
    assert post_form(as_client, "/reminders/devices/999999/remove", token_from="/reminders").status_code == 404
    assert len(rows(db_session, id=theirs.id)) == 1


# --- POST /push/renew (the service worker: no login, no CSRF token) ------------------------


def renew_body(device) -> dict:
    new = subscription("https://fcm.googleapis.com/fcm/send/renewed")
    return {"old_endpoint": device.endpoint, "old_auth": device.auth, "subscription": new}


def test_renew_with_both_secrets_swaps_the_subscription(client, db_session, world):
    device = world.devices["client"]
    old_endpoint = device.endpoint
    body = renew_body(device)
    response = client.post("/push/renew", json=body)  # logged out, no CSRF token
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    renewed = rows(db_session, id=device.id)[0]
    assert renewed.endpoint == body["subscription"]["endpoint"]
    assert (renewed.p256dh, renewed.auth) == (
        body["subscription"]["keys"]["p256dh"],
        body["subscription"]["keys"]["auth"],
    )
    assert renewed.person_id == world.people["client"].id and renewed.device_label == "Android phone"
    assert rows(db_session, endpoint=old_endpoint) == []


@pytest.mark.parametrize("wrong", ["auth", "endpoint", "missing"])
def test_renew_with_a_wrong_secret_is_not_found(client, db_session, world, wrong):
    device = world.devices["client"]
    body = renew_body(device)
    if wrong == "auth":
        body["old_auth"] = b64url(os.urandom(16))
    elif wrong == "endpoint":
        body["old_endpoint"] = device.endpoint + "-other"
    else:
        del body["old_auth"]
    response = client.post("/push/renew", json=body)
    assert response.status_code == 404 and response.get_json()["ok"] is False
    unchanged = rows(db_session, id=device.id)[0]
    assert (unchanged.endpoint, unchanged.auth) == (device.endpoint, device.auth)


def test_renew_with_a_bad_new_subscription_is_refused(client, db_session, world):
    device = world.devices["client"]
    body = renew_body(device)
    body["subscription"]["keys"]["auth"] = "too-short"
    response = client.post("/push/renew", json=body)
    assert response.status_code == 400
    assert client.post("/push/renew", data={"old_endpoint": device.endpoint}).status_code == 400
    assert rows(db_session, id=device.id)[0].endpoint == device.endpoint


def test_renew_onto_an_endpoint_already_stored_keeps_one_row(app, client, db_session, world):
    app.config["PUSH_SERVICE_HOSTS"] = "push.example.org"  # where the world's phones subscribed
    device = world.devices["client"]
    other = world.devices["south-client"]
    body = renew_body(device)
    body["subscription"]["endpoint"] = other.endpoint
    assert client.post("/push/renew", json=body).status_code == 200
    assert rows(db_session, id=device.id) == []
    kept = rows(db_session, endpoint=other.endpoint)
    assert [row.id for row in kept] == [other.id] and kept[0].person_id == world.people["client"].id


# --- The service worker knows where to renew -----------------------------------------------


def test_service_worker_gets_the_renew_url_and_key(app, client):
    source = client.get("/sw.js").get_data(as_text=True)
    assert 'const PUSH_RENEW_URL = "/push/renew";' in source
    assert 'const PUSH_KEY = "";' in source
    keys = vapid.generate_keys(app)
    source = client.get("/sw.js").get_data(as_text=True)
    assert f'const PUSH_KEY = "{keys.public_key}";' in source
    for handler in ("push", "notificationclick", "pushsubscriptionchange"):
        assert f'self.addEventListener("{handler}"' in source
