"""A push service on the loopback for tests, phones whose keys the test made, and independent
checks of what pywebpush sends: an RFC 8291 (aes128gcm) decryptor and an RFC 8292 VAPID check,
both written from the RFCs with `cryptography` primitives (not with http_ece or py_vapid).
"""

import base64
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models import PushSubscription


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_point(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass
class Received:
    """One request the push service got."""

    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class TestPhone:
    """A browser's push subscription, with the private half only the phone would know."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(public_point(self.private_key))

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self, person_id: int, label: str = "Test phone") -> PushSubscription:
        return PushSubscription(
            person_id=person_id, endpoint=self.endpoint, p256dh=self.p256dh, auth=self.auth, device_label=label
        )

    def decrypt(self, body: bytes) -> bytes:
        return decrypt_aes128gcm(body, self.private_key, self.auth_secret)


@dataclass
class PushService:
    """A loopback HTTP server answering like a push service: 201 unless told otherwise per path."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def phone(self, name: str) -> TestPhone:
        """A new subscription at /push/<name> with a fresh P-256 key pair and auth secret."""
        key = ec.generate_private_key(ec.SECP256R1())
        return TestPhone(name, f"{self.origin}/push/{name}", key, os.urandom(16))

    def answer(self, name: str, status: int, headers: dict[str, str] | None = None) -> None:
        """From now on, answer requests for /push/<name> with this status (and headers)."""
        with self.lock:
            self.answers[f"/push/{name}"] = (status, headers or {})

    def requests_for(self, name: str) -> list[Received]:
        with self.lock:
            return [request for request in self.received if request.path == f"/push/{name}"]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self.lock:
            self.received.append(Received(handler.path, {k.lower(): v for k, v in handler.headers.items()}, body))
            status, headers = self.answers.get(handler.path, (201, {}))
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_push_service() -> PushService:
    """Start a push service on 127.0.0.1 at a free port, in a background thread."""
    service: PushService | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server looks for)
            service._handle(self)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service = PushService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt_aes128gcm(body: bytes, receiver_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """Decrypt a Web Push message (RFC 8291 keys over the RFC 8188 aes128gcm content coding)."""
    # RFC 8188 header: salt (16) | record size (4) | key id length (1) | key id (the sender's key).
    salt, record_size, id_length = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
    sender_public = body[21 : 21 + id_length]
    records = body[21 + id_length :]
    assert id_length == 65 and sender_public[0] == 4, "the key id must be the sender's uncompressed P-256 key"
    sender_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
    # RFC 8291 section 3.3/3.4: the shared secret, mixed with the auth secret, is the IKM.
    shared = receiver_key.exchange(ec.ECDH(), sender_key)
    key_info = b"WebPush: info\x00" + public_point(receiver_key) + sender_public
    ikm = _hkdf(auth_secret, shared, key_info, 32)
    # RFC 8188 section 2.2/2.3: content key and nonce from the salt.
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    plain = b""
    chunks = [records[i : i + record_size] for i in range(0, len(records), record_size)]
    for sequence, chunk in enumerate(chunks):
        record_nonce = (int.from_bytes(nonce, "big") ^ sequence).to_bytes(12, "big")
        padded = AESGCM(cek).decrypt(record_nonce, chunk, None)
        content = padded.rstrip(b"\x00")
        last = sequence == len(chunks) - 1
        assert content[-1:] == (b"\x02" if last else b"\x01"), "bad padding delimiter"
        plain += content[:-1]
    return plain


def check_vapid(request: Received, endpoint: str, subject: str, public_key: str) -> dict:
    """Check the RFC 8292 Authorization header; return the JWT's claims. Fails with AssertionError."""
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid", scheme
    parts = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = parts["t"], parts["k"]
    assert key == public_key, "signed with another key than the service's"
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    assert header["alg"] == "ES256", header
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64, "a JWT ES256 signature is raw r || s"
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    try:
        verifier.verify(encode_dss_signature(r, s), f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID signature does not verify") from None
    claims = json.loads(b64url_decode(claims_b64))
    parts = urlsplit(endpoint)
    assert claims["aud"] == f"{parts.scheme}://{parts.netloc}", claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"] == subject, claims
    return claims
