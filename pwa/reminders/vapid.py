"""The service's VAPID key pair (RFC 8292): it signs every push so push services know it is us.

Made once with `flask --app pwa vapid-keys` and kept out of the repository: either in the
VAPID_PRIVATE_KEY environment variable (what the command prints) or in the instance folder,
readable by the owner only. Every phone's subscription is tied to the public key, so making a
new pair means every client has to turn reminders on again.
"""

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid

KEY_FILE = "vapid_private_key"


@dataclass(frozen=True)
class VapidKeys:
    private: Vapid  # handed to pywebpush, which signs each request with it
    public_key: str  # the applicationServerKey the page subscribes with (base64url, 65 bytes)
    source: str  # "environment" or the key file's path, for messages


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def raw_private_key(vapid: Vapid) -> str:
    """The private key as 32 raw bytes in base64url: the form VAPID_PRIVATE_KEY takes."""
    number = vapid.private_key.private_numbers().private_value
    return b64url(number.to_bytes(32, "big"))


def public_key_of(vapid: Vapid) -> str:
    point = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def key_file(app: Flask) -> Path:
    return Path(app.instance_path) / KEY_FILE


def load_keys(app: Flask | None = None) -> VapidKeys | None:
    """The configured key pair, or None when reminders to phones are not set up."""
    app = app or current_app
    configured = app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        vapid = Vapid.from_string(configured.strip())
        return VapidKeys(private=vapid, public_key=public_key_of(vapid), source="environment")
    path = key_file(app)
    if path.exists():
        vapid = Vapid.from_string(path.read_text().strip())
        return VapidKeys(private=vapid, public_key=public_key_of(vapid), source=str(path))
    return None


def generate_keys(app: Flask) -> VapidKeys:
    """Make a new key pair and keep it in the instance folder (owner-only, like the secret key)."""
    vapid = Vapid()
    vapid.generate_keys()
    path = key_file(app)
    temporary = path.with_suffix(".new")
    temporary.unlink(missing_ok=True)
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(raw_private_key(vapid) + "\n")
    temporary.replace(path)
    return VapidKeys(private=vapid, public_key=public_key_of(vapid), source=str(path))


def application_server_key() -> str | None:
    """For pages: the public key phones subscribe with, or None when push is not set up."""
    keys = load_keys()
    return keys.public_key if keys else None
